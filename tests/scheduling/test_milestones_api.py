"""GET/POST /scheduling/milestones, GET/PATCH/DELETE /scheduling/milestones/{id}, and the
milestone's round trip through the trash (/archive/trash)."""

import pytest
from freezegun import freeze_time

from apps.archive.models import TrashItem
from apps.archive.services.trash import trash_item_restore
from apps.archive.tasks import trash_purge_expired_task
from apps.projects.choices import ProjectRole, ProjectVisibility
from apps.scheduling.models import Milestone
from tests.factories.archive import compliance_officer
from tests.factories.projects import ProjectFactory, ProjectMemberFactory
from tests.scheduling.helpers import BASE, assert_error, day, events, iso

pytestmark = pytest.mark.django_db

MILESTONES = f"{BASE}/milestones"
TRASH = "/api/v1/archive/trash"


def milestone(project, name="Beta", due=9, **kwargs):
    return Milestone.objects.create(
        workspace=project.workspace, project=project, name=name, due_date=day(due), **kwargs
    )


def create(client, project, **body):
    return client.post(MILESTONES, {"project_id": str(project.pk), "name": "Beta", "due_date": iso(9), **body})


def test_create_returns_201_and_emits_milestone_created(client_for, team, project, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = create(client_for(team.member), project)
    assert response.status_code == 201, response.content
    data = response.json()["data"]
    assert data["project_id"] == str(project.pk) and data["workspace_id"] == str(team.workspace.pk)
    assert (data["name"], data["due_date"], data["completed_at"]) == ("Beta", iso(9), None)
    assert data["created_by_id"] == str(team.member.pk)
    (event,) = events("milestone.created")
    assert event.payload == {
        "milestone_id": data["id"],
        "project_id": str(project.pk),
        "workspace_id": str(team.workspace.pk),
        "name": "Beta",
        "due_date": iso(9),
        "completed_at": None,
    }
    assert not events("milestone.completed")


def test_creating_a_completed_milestone_also_emits_completed(client_for, team, project):
    create(client_for(team.member), project, completed_at="2026-01-09T12:00:00Z")
    assert len(events("milestone.created")) == 1 and len(events("milestone.completed")) == 1


def test_completing_emits_milestone_completed_once(client_for, team, project):
    item = milestone(project)
    client = client_for(team.member)
    url = f"{MILESTONES}/{item.pk}"
    response = client.patch(url, {"completed_at": "2026-01-10T08:00:00Z", "name": "Beta out"})
    assert response.status_code == 200, response.content
    assert response.json()["data"]["completed_at"] == "2026-01-10T08:00:00Z"
    assert client.patch(url, {"due_date": iso(11)}).status_code == 200
    (event,) = events("milestone.completed")
    assert event.payload["name"] == "Beta out"
    reopened = client.patch(url, {"completed_at": None}).json()["data"]
    assert reopened["completed_at"] is None and reopened["due_date"] == iso(11)


def test_list_filters_by_project_and_paginates(client_for, team, project, django_assert_max_num_queries):
    other = ProjectFactory(workspace=team.workspace)
    for n in range(12):
        milestone(project, f"M{n}", due=n)
    milestone(other, "Other")
    milestone(project, "Gone", deleted_at=project.created_at)
    client = client_for(team.viewer)
    with django_assert_max_num_queries(5):
        response = client.get(MILESTONES, {"project_id": str(project.pk), "page_size": 5})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["pagination"] == {"page": 1, "page_size": 5, "total": 12, "total_pages": 3}
    assert [row["name"] for row in body["data"]] == ["M0", "M1", "M2", "M3", "M4"]
    assert client.get(MILESTONES).json()["pagination"]["total"] == 13


def test_retrieve(client_for, team, project):
    item = milestone(project)
    data = client_for(team.viewer).get(f"{MILESTONES}/{item.pk}").json()["data"]
    assert data["id"] == str(item.pk) and data["due_date"] == iso(9)


def test_validation_errors_return_422(client_for, team, project):
    client = client_for(team.member)
    body = assert_error(client.post(MILESTONES, {"project_id": str(project.pk)}), 422, "VALIDATION_ERROR")
    assert {"name", "due_date"} <= set(body["error"]["details"])
    item = milestone(project)
    assert_error(client.patch(f"{MILESTONES}/{item.pk}", {"due_date": "soon"}), 422, "VALIDATION_ERROR")


# --- Rights and tenancy ------------------------------------------------------------------------


def test_viewer_cannot_write(client_for, team, project):
    item = milestone(project)
    client = client_for(team.viewer)
    assert_error(create(client, project), 403, "FORBIDDEN")
    assert_error(client.patch(f"{MILESTONES}/{item.pk}", {"name": "x"}), 403, "FORBIDDEN")
    assert_error(client.delete(f"{MILESTONES}/{item.pk}"), 403, "FORBIDDEN")
    assert Milestone.objects.count() == 1 and Milestone.objects.get().name == "Beta"


def test_a_project_viewer_cannot_write_in_a_private_project(client_for, team):
    private = ProjectFactory(workspace=team.workspace, visibility=ProjectVisibility.PRIVATE)
    ProjectMemberFactory(project=private, user=team.member, role=ProjectRole.VIEWER)
    assert_error(create(client_for(team.member), private), 403, "FORBIDDEN")


def test_outsider_gets_404_and_sees_nothing(client_for, team, project):
    item = milestone(project)
    client = client_for(team.outsider)
    for method in ("get", "patch", "delete"):
        assert_error(getattr(client, method)(f"{MILESTONES}/{item.pk}"), 404, "NOT_FOUND")
    assert client.get(MILESTONES, {"project_id": str(project.pk)}).json()["data"] == []
    body = assert_error(create(client, project), 422, "VALIDATION_ERROR")
    assert "project_id" in body["error"]["details"]
    assert Milestone.objects.count() == 1


def test_anonymous_gets_401(api_client, project):
    assert_error(api_client.get(MILESTONES), 401, "UNAUTHORIZED")


def test_an_archived_project_is_read_only(client_for, team, project):
    item = milestone(project)
    project.status = "archived"
    project.save(update_fields=["status"])
    client = client_for(team.admin)
    assert_error(create(client, project), 409, "CONFLICT")
    assert_error(client.patch(f"{MILESTONES}/{item.pk}", {"name": "x"}), 409, "CONFLICT")
    assert_error(client.delete(f"{MILESTONES}/{item.pk}"), 409, "CONFLICT")
    assert client.get(f"{MILESTONES}/{item.pk}").status_code == 200


# --- Trash ------------------------------------------------------------------------------------


def test_delete_goes_to_the_trash_and_restore_brings_it_back(client_for, team, project):
    item = milestone(project)
    client = client_for(team.member)
    assert client.delete(f"{MILESTONES}/{item.pk}").status_code == 204
    assert not Milestone.objects.filter(pk=item.pk).exists()
    assert_error(client.get(f"{MILESTONES}/{item.pk}"), 404, "NOT_FOUND")
    listed = client.get(TRASH, {"resource_type": "milestone"}).json()["data"]
    assert [(row["resource_type"], row["resource_id"], row["resource_name"]) for row in listed] == [
        ("milestone", str(item.pk), "Beta")
    ]
    assert client_for(team.viewer).get(TRASH, {"resource_type": "milestone"}).json()["data"] == []
    restored = client.post(f"{TRASH}/{listed[0]['id']}/restore")
    assert restored.status_code == 200, restored.content
    assert Milestone.objects.filter(pk=item.pk).exists()
    assert not TrashItem.objects.exists()


def test_the_trash_endpoint_moves_a_milestone_with_the_same_rules(client_for, team, project):
    item = milestone(project)
    body = {"resource_type": "milestone", "resource_id": str(item.pk)}
    assert_error(client_for(team.viewer).post(TRASH, body), 403, "FORBIDDEN")
    assert (
        "resource_id"
        in assert_error(client_for(team.outsider).post(TRASH, body), 422, "VALIDATION_ERROR")["error"]["details"]
    )
    response = client_for(team.member).post(TRASH, body)
    assert response.status_code == 201, response.content
    data = response.json()["data"]
    assert (data["resource_type"], data["resource_id"]) == ("milestone", str(item.pk))
    assert Milestone.all_objects.get(pk=item.pk).deleted_at is not None
    assert (
        "resource_id"
        in assert_error(client_for(team.member).post(TRASH, body), 422, "VALIDATION_ERROR")["error"]["details"]
    )


def test_the_trash_can_purge_a_milestone(client_for, team, project):
    item = milestone(project)
    client = client_for(team.admin)
    client.delete(f"{MILESTONES}/{item.pk}")
    trash_item = TrashItem.objects.get()
    assert client.delete(f"{TRASH}/{trash_item.pk}").status_code == 204
    assert not Milestone.all_objects.filter(pk=item.pk).exists()


def test_an_expired_milestone_is_purged_by_the_trash_job(client_for, team, project):
    item = milestone(project)
    with freeze_time("2026-01-01T10:00:00Z"):
        assert client_for(team.member).delete(f"{MILESTONES}/{item.pk}").status_code == 204
    with freeze_time("2026-02-15T00:00:00Z"):
        assert trash_purge_expired_task.delay().get() == 1
    assert not Milestone.all_objects.filter(pk=item.pk).exists()
    assert not TrashItem.objects.exists()


def test_a_compliance_officer_restores_a_milestone_from_the_console(client_for, team, project):
    item = milestone(project)
    client_for(team.member).delete(f"{MILESTONES}/{item.pk}")
    trash_item_restore(actor=compliance_officer(), trash_item=TrashItem.objects.get())
    assert Milestone.objects.filter(pk=item.pk).exists()
