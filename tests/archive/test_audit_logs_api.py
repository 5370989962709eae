"""GET /audit-logs: fields, filters, scoping, page size 50."""

import uuid

import pytest
from auditlog.models import LogEntry
from freezegun import freeze_time

from apps.core import trash
from tests.archive.helpers import trash_target
from tests.factories.archive import audit_action, compliance_officer
from tests.factories.collaboration import CommentFactory
from tests.factories.projects import ProjectFactory
from tests.factories.tasks import TaskFactory
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

URL = "/api/v1/audit-logs"


def test_archive_entry_has_every_documented_field(client_for, team, project):
    client_for(team.owner).post(
        f"/api/v1/archive/projects/{project.pk}/archive", {"reason": "done"}, REMOTE_ADDR="198.51.100.4"
    )
    response = client_for(team.owner).get(URL, {"action": "project.archived"})
    assert response.status_code == 200
    body = response.json()
    assert body["pagination"]["page_size"] == 50 and body["pagination"]["total"] == 1
    row = body["data"][0]
    assert row["action"] == "project.archived"
    assert row["user_id"] == str(team.owner.pk) and row["user_email"] == team.owner.email
    assert row["resource_type"] == "project" and row["resource_id"] == str(project.pk)
    assert row["changes"] == {"status": {"old": "active", "new": "archived"}}
    assert row["ip_address"] == "198.51.100.4"
    assert row["timestamp"].endswith("Z")
    assert row["workspace_id"] == str(team.workspace.pk)
    assert len(row["hash"]) == 64 and isinstance(row["sequence"], int)


def test_entry_ids_are_stable_uuids_like_every_resource_id(client_for, team, project):
    entry = audit_action("project.exported", actor=team.owner, target=project, workspace_id=team.workspace.pk)
    client = client_for(team.owner)
    first = client.get(URL, {"action": "project.exported"}).json()["data"][0]["id"]
    assert str(uuid.UUID(first)) == first
    assert client.get(URL, {"action": "project.exported"}).json()["data"][0]["id"] == first
    other = audit_action("project.exported", actor=team.owner, target=project, workspace_id=team.workspace.pk)
    ids = [row["id"] for row in client.get(URL, {"action": "project.exported"}).json()["data"]]
    assert len(set(ids)) == 2 and first in ids
    assert entry.pk != other.pk


def test_model_diffs_are_mapped_to_resource_verbs(client_for, team, project):
    project.name = "Renamed"
    project.save()
    rows = client_for(team.owner).get(URL, {"action": "project.updated"}).json()["data"]
    assert len(rows) == 1
    assert rows[0]["changes"]["name"]["new"] == "Renamed"
    created = client_for(team.owner).get(URL, {"action": "project.created"}).json()["data"]
    assert [row["resource_id"] for row in created] == [str(project.pk)]
    assert client_for(team.owner).get(URL, {"resource_type": "task_list"}).json()["pagination"]["total"] == 0


def test_workspace_admins_see_only_their_workspaces(client_for, team, project):
    ProjectFactory(workspace=team.other_workspace)
    owner_rows = client_for(team.owner).get(URL).json()["data"]
    assert owner_rows and all(row["workspace_id"] == str(team.workspace.pk) for row in owner_rows)
    admin_total = client_for(team.admin).get(URL).json()["pagination"]["total"]
    assert admin_total == len(owner_rows)
    outsider_rows = client_for(team.outsider).get(URL).json()["data"]
    assert all(row["workspace_id"] == str(team.other_workspace.pk) for row in outsider_rows)


def test_members_and_viewers_get_403(client_for, team):
    for user in (team.member, team.viewer):
        assert_error(client_for(user).get(URL), 403, "FORBIDDEN")


def test_foreign_workspace_filter_returns_404(client_for, team):
    assert_error(client_for(team.owner).get(URL, {"workspace_id": str(team.other_workspace.pk)}), 404, "NOT_FOUND")
    assert_error(client_for(team.member).get(URL, {"workspace_id": str(team.workspace.pk)}), 403, "FORBIDDEN")


def test_compliance_staff_see_every_workspace(client_for, team, project):
    ProjectFactory(workspace=team.other_workspace)
    officer = compliance_officer()
    workspaces = {row["workspace_id"] for row in client_for(officer).get(URL, {"page_size": 100}).json()["data"]}
    assert {str(team.workspace.pk), str(team.other_workspace.pk)} <= workspaces


def test_staff_without_the_group_are_not_compliance_staff(client_for, team):
    from tests.factories.accounts import UserFactory

    assert_error(client_for(UserFactory(is_staff=True)).get(URL), 403, "FORBIDDEN")


def test_filters_by_user_action_and_dates(client_for, team, project):
    with freeze_time("2026-02-01T12:00:00Z"):
        audit_action("project.exported", actor=team.admin, target=project, workspace_id=team.workspace.pk)
    with freeze_time("2026-02-10T12:00:00Z"):
        audit_action("project.exported", actor=team.owner, target=project, workspace_id=team.workspace.pk)
    client = client_for(team.owner)
    by_user = client.get(URL, {"user_id": str(team.admin.pk), "action": "project.exported"}).json()["data"]
    assert [row["user_id"] for row in by_user] == [str(team.admin.pk)]
    in_range = client.get(
        URL, {"action": "project.exported", "start_date": "2026-02-05", "end_date": "2026-02-10"}
    ).json()["data"]
    assert [row["user_id"] for row in in_range] == [str(team.owner.pk)]
    until = client.get(URL, {"action": "project.exported", "end_date": "2026-02-01T12:00:00Z"}).json()["data"]
    assert [row["user_id"] for row in until] == [str(team.admin.pk)]
    one_day = client.get(URL, {"action": "project.exported", "start_date": "2026-02-10", "end_date": "2026-02-10"})
    assert [row["user_id"] for row in one_day.json()["data"]] == [str(team.owner.pk)]


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "yesterday"},
        {"user_id": "42"},
        {"action": "DROP TABLE"},
        {"page_size": "x"},
        {"resource_type": "Task;"},
        {"end_date": "2026-13-45"},
        {"start_date": "2026-02-30"},
        {"start_date": "2026-02-10", "end_date": "2026-02-01"},
    ],
)
def test_bad_filters_return_400(client_for, team, params):
    assert_error(client_for(team.owner).get(URL, params), 400, "INVALID_REQUEST")


def test_anonymous_returns_401(api_client):
    assert_error(api_client.get(URL), 401, "UNAUTHORIZED")


def test_newest_first_and_default_page_size_50(client_for, team, project):
    for index in range(55):
        audit_action(
            "project.viewed", actor=team.owner, target=project, workspace_id=team.workspace.pk, extra={"n": index}
        )
    body = client_for(team.owner).get(URL, {"action": "project.viewed"}).json()
    assert len(body["data"]) == 50 and body["pagination"]["total"] == 55 and body["pagination"]["total_pages"] == 2
    assert body["data"][0]["timestamp"] >= body["data"][-1]["timestamp"]


def test_list_runs_in_constant_queries(client_for, team, project, django_assert_max_num_queries):
    for _ in range(30):
        TaskFactory(project=project, with_list=True)
    client = client_for(team.owner)
    client.get(URL)  # warm the content-type cache
    with django_assert_max_num_queries(5):
        response = client.get(URL, {"page_size": 100})
    assert len(response.json()["data"]) >= 60


@pytest.mark.parametrize("resource_type", ["project", "task_list", "task", "comment", "workspace"])
def test_trash_actions_are_audit_entries_with_actor(client_for, team, project, task, resource_type):
    comment = CommentFactory(task=task, author=team.owner)
    target = trash_target(resource_type, team=team, task=task, comment=comment)
    client = client_for(team.owner)
    item = client.post(
        "/api/v1/archive/trash",
        {"resource_type": resource_type, "resource_id": str(target.pk), "force": True},
        REMOTE_ADDR="192.0.2.1",
    ).json()["data"]
    client.post(f"/api/v1/archive/trash/{item['id']}/restore", REMOTE_ADDR="192.0.2.2")
    trashed = LogEntry.objects.get(additional_data__action=f"{resource_type}.trashed")
    restored = LogEntry.objects.get(additional_data__action=f"{resource_type}.restored")
    assert (trashed.actor, trashed.remote_addr) == (team.owner, "192.0.2.1")
    assert (restored.actor, restored.remote_addr) == (team.owner, "192.0.2.2")


def test_entries_of_an_unknown_user_filter_are_empty(client_for, team):
    assert client_for(team.owner).get(URL, {"user_id": str(uuid.uuid4())}).json()["data"] == []


def test_purged_workspace_entries_stay_readable_for_compliance(client_for, team):
    trash.soft_delete(team.workspace, actor=team.owner)
    trash.purge(team.workspace, actor=team.owner)
    officer = compliance_officer()
    rows = client_for(officer).get(URL, {"action": "workspace.purged"}).json()["data"]
    assert len(rows) == 1 and rows[0]["user_email"] == team.owner.email
