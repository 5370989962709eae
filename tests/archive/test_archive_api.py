"""POST /archive/projects/{id}/archive, /unarchive and GET /history."""

import json

import pytest

from apps.archive.models import ArchiveHistory
from apps.projects.models import Project
from tests.archive.helpers import domain_entries
from tests.factories.collaboration import CommentFactory
from tests.factories.projects import ProjectFactory
from tests.factories.tasks import TaskFactory
from tests.helpers import assert_error, events

pytestmark = pytest.mark.django_db


def archive_url(project_id, verb="archive"):
    return f"/api/v1/archive/projects/{project_id}/{verb}"


def test_archive_returns_the_documented_shape_and_records_history(
    client_for, team, project, django_capture_on_commit_callbacks
):
    TaskFactory(project=project, with_list=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(team.member).post(
            archive_url(project.pk),
            {"reason": "Project completed", "archive_all_related": True, "notify_team": True},
            REMOTE_ADDR="203.0.113.9",
        )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is True
    data = body["data"]
    assert data["id"] == str(project.pk)
    assert data["status"] == "archived"
    assert data["archived_by"] == str(team.member.pk)
    assert data["reason"] == "Project completed"
    assert data["archived_at"]
    project.refresh_from_db()
    assert project.status == "archived" and project.status_before_archive == "active"
    history = ArchiveHistory.objects.get(project_id=project.pk)
    assert history.action == "archived" and history.performed_by == team.member
    assert history.related_counts == {"task_lists": 1, "tasks": 1, "comments": 0}
    entry = domain_entries("project.archived").get()
    assert entry.actor == team.member
    assert entry.remote_addr == "203.0.113.9"
    assert entry.changes == {"status": ["active", "archived"]}
    (event,) = events("project.archived")
    assert event.payload["reason"] == "Project completed"
    assert event.payload["status"] == "archived"
    assert event.payload["notify_team"] is True
    assert event.dispatched_at is not None
    json.dumps(event.payload)


def test_archive_event_is_not_emitted_when_the_request_fails(client_for, team, project):
    project.status = "archived"
    project.save()
    response = client_for(team.owner).post(archive_url(project.pk), {"reason": "again"})
    assert_error(response, 409, "CONFLICT")
    assert not events("project.archived")
    assert not ArchiveHistory.objects.exists()


def test_archive_defaults_apply_when_the_body_is_empty(client_for, team, project):
    response = client_for(team.owner).post(archive_url(project.pk), {})
    assert response.status_code == 200
    history = ArchiveHistory.objects.get()
    assert history.archive_all_related is True and history.notify_team is True and history.reason == ""


def test_archive_by_plain_member_returns_403(client_for, team):
    project = ProjectFactory(workspace=team.workspace)
    response = client_for(team.member).post(archive_url(project.pk), {"reason": "x"})
    assert_error(response, 403, "FORBIDDEN")
    assert Project.objects.get(pk=project.pk).status == "active"


def test_archive_by_viewer_returns_403(client_for, team, project):
    assert_error(client_for(team.viewer).post(archive_url(project.pk), {}), 403, "FORBIDDEN")


def test_archive_of_a_foreign_project_returns_404(client_for, team, project):
    assert_error(client_for(team.outsider).post(archive_url(project.pk), {}), 404, "NOT_FOUND")


def test_archive_anonymous_returns_401(api_client, project):
    assert_error(api_client.post(archive_url(project.pk), {}), 401, "UNAUTHORIZED")


def test_archive_validates_the_body(client_for, team, project):
    response = client_for(team.owner).post(
        archive_url(project.pk), {"reason": "x" * 2001, "notify_team": "maybe"}, format="json"
    )
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert set(body["error"]["details"]) == {"reason", "notify_team"}


def test_unarchive_restores_the_previous_status(client_for, team, project, django_capture_on_commit_callbacks):
    project.status = "on_hold"
    project.save()
    client = client_for(team.admin)
    client.post(archive_url(project.pk), {"reason": "pause"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(archive_url(project.pk, "unarchive"), {"reason": "back"})
    assert response.status_code == 200
    assert response.json()["data"]["status"] == "on_hold"
    assert response.json()["data"]["archived_at"] is None
    project.refresh_from_db()
    assert project.status == "on_hold" and project.archived_at is None
    (event,) = events("project.unarchived")
    assert event.payload["reason"] == "back"
    assert domain_entries("project.unarchived").get().changes == {"status": ["archived", "on_hold"]}


def test_unarchive_of_an_active_project_returns_409(client_for, team, project):
    assert_error(client_for(team.owner).post(archive_url(project.pk, "unarchive"), {}), 409, "CONFLICT")


def test_history_lists_archive_and_unarchive_newest_first(client_for, team, project):
    client = client_for(team.owner)
    client.post(archive_url(project.pk), {"reason": "first"})
    client.post(archive_url(project.pk, "unarchive"), {"reason": "second"})
    response = client_for(team.viewer).get(f"/api/v1/archive/projects/{project.pk}/history")
    assert response.status_code == 200
    data = response.json()["data"]
    assert [row["action"] for row in data] == ["unarchived", "archived"]
    assert data[1]["reason"] == "first" and data[1]["performed_by"] == str(team.owner.pk)
    assert set(data[0]) >= {"id", "action", "reason", "timestamp", "performed_by"}


def test_history_of_a_foreign_project_returns_404(client_for, team, project):
    assert_error(client_for(team.outsider).get(f"/api/v1/archive/projects/{project.pk}/history"), 404, "NOT_FOUND")


def test_archived_project_is_read_only_through_the_projects_api(client_for, team, project):
    client = client_for(team.owner)
    client.post(archive_url(project.pk), {})
    response = client.patch(f"/api/v1/projects/{project.pk}", {"name": "Renamed"}, format="json")
    assert_error(response, 409, "CONFLICT")
    assert Project.objects.get(pk=project.pk).name == project.name


def test_contents_of_an_archived_project_cannot_be_trashed(client_for, team, project, task):
    client = client_for(team.owner)
    client.post(archive_url(project.pk), {})
    comment = CommentFactory(task=task, author=team.owner)
    for resource_type, resource_id in (("task", task.pk), ("comment", comment.pk), ("project", project.pk)):
        response = client.post("/api/v1/archive/trash", {"resource_type": resource_type, "resource_id": resource_id})
        assert_error(response, 409, "CONFLICT")
