"""The generated tenancy matrix of the work domain (workspaces, projects, tasks, collaboration).

Every route under /api/v1/ registered by those apps is found in the URL resolver. Routes that carry
ids are filled with the ids of another tenant's objects and called with every method they allow:
an outsider (owner of a workspace of their own) must get 404 everywhere, and nothing may change.
Collection routes (no ids in the path) are checked through what their lists contain and through
foreign ids in request bodies. The meta-tests fail when a route appears that the matrix cannot
cover: a new path kwarg without a filler, or a collection route without a written-down check.
"""

from __future__ import annotations

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from apps.collaboration.models import Comment, Mention
from apps.events.models import DomainEvent
from apps.projects.models import Project, ProjectMember
from apps.scheduling.models import Baseline, Milestone, ProjectPlan
from apps.tasks.models import Subtask, Task, TaskAssignee, TaskDependency, TaskList
from apps.workspaces.models import Invitation, Workspace, WorkspaceMember
from tests.factories.projects import ProjectFactory, ProjectMemberFactory
from tests.factories.workspaces import InvitationFactory, Team

APPS = ("workspaces", "projects", "tasks", "scheduling", "collaboration")
METHODS = ("get", "post", "put", "patch", "delete")
PREFIX = "api/v1/"
MARKER = "Zanzibar"  # in every victim name and text, so searches would find them

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


def _walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), namespace, entry


def work_routes() -> list[dict]:
    """Every /api/v1/ route of the work-domain apps: name, template, path kwargs, view methods."""
    routes = []
    for template, namespace, pattern in _walk(get_resolver().url_patterns):
        if not template.startswith(PREFIX) or namespace not in APPS:
            continue
        view_class = getattr(pattern.callback, "view_class", None) or pattern.callback.cls
        routes.append(
            {
                "name": f"{namespace}:{pattern.name}",
                "template": template,
                "kwargs": list(getattr(pattern.pattern, "converters", {})),
                "methods": [m for m in METHODS if hasattr(view_class, m)],
            }
        )
    return routes


ROUTES = work_routes()
ID_CASES = [(r, m) for r in ROUTES if r["kwargs"] for m in r["methods"]]
MIXED_CASES = [
    (r, m) for r in ROUTES if len(r["kwargs"]) > 1 and any(k in OWN_PARENTS for k in r["kwargs"]) for m in r["methods"]
]
COLLECTION_GETS = [r for r in ROUTES if not r["kwargs"] and "get" in r["methods"]]
COLLECTION_POSTS = [
    r for r in ROUTES if not r["kwargs"] and "post" in r["methods"] and r["name"] not in COLLECTION_POST_ALLOWED
]


def _case_id(case) -> str:
    route, method = case
    return f"{method.upper()} {route['template'].removeprefix(PREFIX)}"


def fill(template: str, ids: dict) -> str:
    path = "/" + template
    for name, value in ids.items():
        path = path.replace(f"<uuid:{name}>", str(value)).replace(f"<{name}>", str(value))
    return path


class World:
    """The victim's workspace with one object of every kind, and the outsider's own workspace."""

    def __init__(self) -> None:
        team = Team()
        self.team, self.outsider = team, team.outsider
        ws = team.workspace
        project = ProjectFactory(workspace=ws, name=f"{MARKER} project", description=MARKER)
        ProjectMemberFactory(project=project, user=team.member)
        task_list = TaskList.objects.create(workspace=ws, project=project, name=f"{MARKER} list")
        task = Task.objects.create(
            workspace=ws, project=project, task_list=task_list, title=f"{MARKER} task", created_by=team.member
        )
        other_task = Task.objects.create(workspace=ws, project=project, title=f"{MARKER} prerequisite")
        TaskAssignee.objects.create(task=task, user=team.member)
        subtask = Subtask.objects.create(task=task, title=f"{MARKER} step")
        dependency = TaskDependency.objects.create(task=task, depends_on=other_task)
        comment = Comment.objects.create(workspace=ws, task=task, author=team.member, content=f"{MARKER} @admin")
        mention = Mention.objects.create(workspace=ws, comment=comment, user=team.admin)
        invitation = InvitationFactory(workspace=ws)
        milestone = Milestone.objects.create(
            workspace=ws, project=project, name=f"{MARKER} milestone", due_date="2026-01-09"
        )
        Baseline.objects.create(workspace=ws, project=project, name=f"{MARKER} baseline")
        self.ids = {
            "workspace_id": ws.pk,
            "project_id": project.pk,
            "task_id": task.pk,
            "task_list_id": task_list.pk,
            "subtask_id": subtask.pk,
            "dependency_id": dependency.pk,
            "comment_id": comment.pk,
            "mention_id": mention.pk,
            "invitation_id": invitation.pk,
            "user_id": team.member.pk,
            "milestone_id": milestone.pk,
        }
        own_ws = team.other_workspace
        own_project = ProjectFactory(workspace=own_ws, created_by=self.outsider)
        ProjectMemberFactory(project=own_project, user=self.outsider, role="manager")
        own_task = Task.objects.create(workspace=own_ws, project=own_project, title="mine", created_by=self.outsider)
        self.own = {"workspace_id": own_ws.pk, "project_id": own_project.pk, "task_id": own_task.pk}

    def victim_strings(self) -> list[str]:
        return [str(value) for value in self.ids.values()] + [MARKER]

    def body(self) -> dict:
        """A plausible body for any write, carrying the victim's ids wherever an id is expected."""
        ids = {key: str(value) for key, value in self.ids.items()}
        return {
            **ids,
            "name": "Changed",
            "title": "Changed",
            "content": "Changed",
            "description": "Changed",
            "status": "completed",
            "role": "viewer",
            "email": "someone@example.com",
            "new_owner_id": ids["user_id"],
            "user_ids": [ids["user_id"]],
            "assignee_ids": [ids["user_id"]],
            "depends_on_task_id": ids["task_id"],
            "parent_id": ids["comment_id"],
            "mentions": [ids["user_id"]],
            "position": 0,
            "is_done": True,
            "token": "not-a-real-token",
        }

    def snapshot(self) -> str:
        """Everything an outsider's request could have changed in the victim's workspace."""
        ws = self.ids["workspace_id"]
        state = {
            "events": DomainEvent.objects.count(),
            "workspace": list(Workspace.all_objects.filter(pk=ws).values()),
            "members": list(WorkspaceMember.objects.filter(workspace_id=ws).values("user_id", "role")),
            "invitations": list(Invitation.objects.filter(workspace_id=ws).values("status")),
            "projects": list(Project.all_objects.filter(workspace_id=ws).values()),
            "project_members": list(ProjectMember.objects.filter(project__workspace_id=ws).values("user_id", "role")),
            "lists": list(TaskList.all_objects.filter(workspace_id=ws).values()),
            "tasks": list(Task.all_objects.filter(workspace_id=ws).values()),
            "assignees": list(TaskAssignee.objects.filter(task__workspace_id=ws).values("task_id", "user_id")),
            "subtasks": list(Subtask.objects.filter(task__workspace_id=ws).values()),
            "dependencies": list(TaskDependency.objects.filter(task__workspace_id=ws).values()),
            "comments": list(Comment.all_objects.filter(workspace_id=ws).values()),
            "mentions": list(Mention.objects.filter(workspace_id=ws).values()),
            "milestones": list(Milestone.all_objects.filter(workspace_id=ws).values()),
            "plans": list(ProjectPlan.objects.filter(workspace_id=ws).values()),
            "baselines": list(Baseline.objects.filter(workspace_id=ws).values()),
        }
        return json.dumps(state, default=str, sort_keys=True)


@pytest.fixture
def world(db) -> World:
    return World()


def call(client, method: str, path: str, body: dict | None = None):
    if method in ("get", "delete"):
        return getattr(client, method)(path)
    return getattr(client, method)(path, body or {}, format="json")


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


@pytest.mark.parametrize("case", ID_CASES, ids=[_case_id(c) for c in ID_CASES])
def test_outsider_gets_404_on_foreign_ids_and_nothing_changes(world, client_for, case):
    route, method = case
    before = world.snapshot()
    response = call(client_for(world.outsider), method, fill(route["template"], world.ids), world.body())
    assert response.status_code == 404, (route["template"], method, response.content)
    assert response.json()["error"]["code"] == "NOT_FOUND"
    assert world.snapshot() == before


@pytest.mark.parametrize("case", MIXED_CASES, ids=[_case_id(c) for c in MIXED_CASES])
def test_outsider_cannot_reach_a_foreign_child_through_an_own_parent(world, client_for, case):
    route, method = case
    parent = next(k for k in route["kwargs"] if k in OWN_PARENTS)
    ids = {**world.ids, parent: world.own[parent]}
    before = world.snapshot()
    response = call(client_for(world.outsider), method, fill(route["template"], ids), world.body())
    assert response.status_code == 404, (route["template"], method, response.content)
    assert world.snapshot() == before


@pytest.mark.parametrize("case", ID_CASES, ids=[_case_id(c) for c in ID_CASES])
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
