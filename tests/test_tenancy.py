"""The generated tenancy matrix of the work domain (workspaces, projects, tasks, collaboration).

Every route under /api/v1/ registered by those apps is found in the URL resolver. Routes that carry
ids are filled with the ids of another tenant's objects and called with every method they allow:
an outsider (owner of a workspace of their own) must get 404 everywhere, and nothing may change.
Collection routes (no ids in the path) are checked through what their lists contain and through
foreign ids in request bodies. The meta-tests fail when a route appears that the matrix cannot
cover: a new path kwarg without a filler, or a collection route without a written-down check.
"""

from __future__ import annotations

import pytest

from apps.projects.models import Project
from apps.tasks.models import Task, TaskList
from tests.tenancy_walker import MARKER, World, api_routes, call, case_id, fill

APPS = ("workspaces", "projects", "tasks", "scheduling", "collaboration")

# Path kwargs the matrix knows how to fill with a foreign object's id.
FILLERS = (
    "workspace_id",
    "project_id",
    "task_id",
    "task_list_id",
    "subtask_id",
    "dependency_id",
    "comment_id",
    "mention_id",
    "invitation_id",
    "user_id",
    "milestone_id",
)
# Parents an outsider may legitimately hold; used to pair an own parent with a foreign child.
OWN_PARENTS = ("workspace_id", "project_id", "task_id")

# Routes without ids in their path, and how each one is checked. Every entry needs a reason.
COLLECTION_ROUTES = {
    "workspaces:workspace-list": "GET: list contents; POST creates a workspace of the caller's own (no foreign id)",
    "workspaces:invitation-accept": "POST is addressed by a secret token, not an id: wrong user, expired and "
    "reused tokens are covered in tests/workspaces/test_invitations_api.py; foreign body ids checked here",
    "projects:project-list": "GET: list contents with foreign filters; POST: foreign workspace_id in the body",
    "tasks:task-list-collection": "GET: list contents with a foreign project_id; POST: foreign project_id in the body",
    "tasks:task-collection": "GET: list contents with foreign filters; POST: foreign project_id and task_list_id "
    "in the body",
    "scheduling:milestone-list": "GET: list contents with a foreign project_id; POST: foreign project_id in the body",
    "collaboration:mention-list": "GET: list contents (the victim's mentions never show)",
    "collaboration:search": "GET: results for a term only the victim's objects contain",
}
# Collection POSTs that legitimately succeed for an outsider.
COLLECTION_POST_ALLOWED = {"workspaces:workspace-list"}


ROUTES = api_routes(APPS)
ID_CASES = [(r, m) for r in ROUTES if r["kwargs"] for m in r["methods"]]
MIXED_CASES = [
    (r, m) for r in ROUTES if len(r["kwargs"]) > 1 and any(k in OWN_PARENTS for k in r["kwargs"]) for m in r["methods"]
]
COLLECTION_GETS = [r for r in ROUTES if not r["kwargs"] and "get" in r["methods"]]
COLLECTION_POSTS = [
    r for r in ROUTES if not r["kwargs"] and "post" in r["methods"] and r["name"] not in COLLECTION_POST_ALLOWED
]


@pytest.fixture
def world(db) -> World:
    return World()


# --- Meta-tests: the matrix covers every route ---------------------------------------------


def test_the_matrix_finds_the_routes_of_every_work_domain_app():
    found = {route["name"].split(":")[0] for route in ROUTES}
    assert {"workspaces", "projects"} <= found
    assert all(route["methods"] for route in ROUTES), "a route whose view answers no method"


def test_every_path_kwarg_has_a_filler():
    unknown = {(r["template"], k) for r in ROUTES for k in r["kwargs"] if k not in FILLERS}
    assert not unknown, f"add a filler for these path kwargs (World.ids): {sorted(unknown)}"


def test_every_collection_route_has_a_written_down_check():
    collections = {r["name"] for r in ROUTES if not r["kwargs"]}
    missing = collections - set(COLLECTION_ROUTES)
    stale = set(COLLECTION_ROUTES) - collections
    assert not missing, f"collection routes without a tenancy check: {sorted(missing)}"
    assert not stale, f"COLLECTION_ROUTES names routes that no longer exist: {sorted(stale)}"
    assert all(reason.strip() for reason in COLLECTION_ROUTES.values())


# --- The matrix ----------------------------------------------------------------------------


@pytest.mark.parametrize("case", ID_CASES, ids=[case_id(c) for c in ID_CASES])
def test_outsider_gets_404_on_foreign_ids_and_nothing_changes(world, client_for, case):
    route, method = case
    before = world.snapshot()
    response = call(client_for(world.outsider), method, fill(route["template"], world.ids), world.body())
    assert response.status_code == 404, (route["template"], method, response.content)
    assert response.json()["error"]["code"] == "NOT_FOUND"
    assert world.snapshot() == before


@pytest.mark.parametrize("case", MIXED_CASES, ids=[case_id(c) for c in MIXED_CASES])
def test_outsider_cannot_reach_a_foreign_child_through_an_own_parent(world, client_for, case):
    route, method = case
    parent = next(k for k in route["kwargs"] if k in OWN_PARENTS)
    ids = {**world.ids, parent: world.own[parent]}
    before = world.snapshot()
    response = call(client_for(world.outsider), method, fill(route["template"], ids), world.body())
    assert response.status_code == 404, (route["template"], method, response.content)
    assert world.snapshot() == before


@pytest.mark.parametrize("case", ID_CASES, ids=[case_id(c) for c in ID_CASES])
def test_anonymous_gets_401_on_every_route(world, api_client, case):
    route, method = case
    response = call(api_client, method, fill(route["template"], world.ids), world.body())
    assert response.status_code == 401, (route["template"], method, response.content)


@pytest.mark.parametrize("route", COLLECTION_GETS, ids=[r["template"] for r in COLLECTION_GETS])
def test_outsider_never_sees_foreign_objects_in_lists(world, client_for, route):
    client = client_for(world.outsider)
    queries = ["", "?" + "&".join(f"{k}={v}" for k, v in world.ids.items() if k != "user_id") + f"&q={MARKER}"]
    queries += [f"?{key}={value}" for key, value in world.ids.items()] + [f"?q={MARKER}", f"?search={MARKER}"]
    for query in queries:
        response = client.get("/" + route["template"] + query)
        assert response.status_code in (200, 400, 404), (query, response.content)
        text = response.content.decode()
        leaked = [value for value in world.victim_strings() if value in text]
        assert not leaked, (route["template"], query, leaked)


@pytest.mark.parametrize("route", COLLECTION_POSTS, ids=[r["template"] for r in COLLECTION_POSTS])
def test_foreign_ids_in_collection_bodies_write_nothing(world, client_for, route):
    before = world.snapshot()
    own_counts = (Project.all_objects.count(), Task.all_objects.count(), TaskList.all_objects.count())
    response = client_for(world.outsider).post("/" + route["template"], world.body(), format="json")
    assert response.status_code in (400, 403, 404, 409, 422), (route["template"], response.content)
    assert world.snapshot() == before
    assert (Project.all_objects.count(), Task.all_objects.count(), TaskList.all_objects.count()) == own_counts
