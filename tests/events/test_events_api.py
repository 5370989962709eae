"""The domain events API: scoped to the reader, limit/offset/total, payload whitelist."""

import pytest

from apps.events.models import DomainEvent
from apps.projects.services import project_payload
from tests.factories.projects import ProjectFactory
from tests.factories.tasks import TaskFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/events"


def test_events_require_authentication(api_client):
    assert api_client.get(URL).status_code == 401
    assert api_client.get("/api/v1/event-types").status_code == 401


def test_member_sees_events_of_their_workspace_in_the_spec_shape(world, task_event, client_for):
    event = task_event("task.created", actor=world.owner, internal_note="never shown")
    body = client_for(world.viewer).get(URL).json()
    assert body["total"] == 1
    [item] = body["data"]
    assert item["id"] == str(event.pk)
    assert item["event_type"] == "task.created"
    assert item["aggregate_type"] == "Task" and item["aggregate_id"] == str(world.task.pk)
    assert item["user_id"] == str(world.owner.pk) and item["workspace_id"] == str(world.workspace.pk)
    assert item["timestamp"]
    assert item["payload"]["title"] == "Design UI"
    assert "internal_note" not in item["payload"]


def test_outsider_and_non_members_of_private_projects_see_nothing(world, task_event, client_for):
    private = ProjectFactory(workspace=world.workspace, created_by=world.owner, visibility="private")
    task = TaskFactory(project=private, created_by=world.owner)
    task_event("task.created", actor=world.owner, task=task)
    assert client_for(world.outsider).get(URL).json()["total"] == 0
    assert client_for(world.member).get(URL).json()["total"] == 0
    assert client_for(world.admin).get(URL).json()["total"] == 1


def test_filters_limit_offset_and_total(world, project_event, task_event, client_for):
    for _ in range(3):
        project_event("project.updated", actor=world.owner, changes={})
    task_event("task.created", actor=world.owner)
    client = client_for(world.member)
    body = client.get(URL, {"event_type": "project.updated", "limit": 2, "offset": 1}).json()
    assert body["total"] == 3 and len(body["data"]) == 2
    assert client.get(URL, {"workspace_id": str(world.workspace.pk)}).json()["total"] == 4
    assert client.get(URL, {"workspace_id": str(world.outsider.pk)}).json()["total"] == 0


@pytest.mark.parametrize("params", [{"workspace_id": "nope"}, {"limit": "0"}, {"offset": "-1"}, {"limit": "x"}])
def test_bad_query_parameters_answer_400(user, client_for, params):
    assert client_for(user).get(URL, params).status_code == 400


def test_event_list_runs_in_constant_queries(world, client_for, django_assert_max_num_queries):
    DomainEvent.objects.bulk_create(
        [
            DomainEvent(
                event_type="project.updated",
                aggregate_type="Project",
                aggregate_id=str(world.project.pk),
                workspace=world.workspace,
                project_id=world.project.pk,
                actor=world.owner,
                payload=project_payload(world.project),
            )
            for _ in range(150)
        ]
    )
    client = client_for(world.member)
    with django_assert_max_num_queries(4):
        body = client.get(URL).json()
    assert body["total"] == 150 and len(body["data"]) == 100


def test_event_type_catalogue_lists_types_and_payload_fields(user, client_for):
    data = client_for(user).get("/api/v1/event-types").json()["data"]
    by_type = {item["event_type"]: item for item in data}
    assert {"task.created", "task.assigned", "comment.mentioned", "user.joined", "project.archived"} <= set(by_type)
    assert "assigned_user_ids" in by_type["task.assigned"]["payload_fields"]
    assert by_type["task.assigned"]["audience"] == "members" and by_type["webhook.disabled"]["audience"] == "owner"


def test_retention_job_deletes_only_events_older_than_the_setting(world, settings):
    from datetime import timedelta

    from django.utils import timezone

    from apps.events.tasks import events_purge_old_task

    settings.EVENT_RETENTION_DAYS = 365
    common = {
        "event_type": "project.updated",
        "aggregate_type": "Project",
        "aggregate_id": str(world.project.pk),
        "workspace": world.workspace,
    }
    old = DomainEvent.objects.create(occurred_at=timezone.now() - timedelta(days=366), **common)
    recent = DomainEvent.objects.create(occurred_at=timezone.now() - timedelta(days=300), **common)
    assert events_purge_old_task.delay().get() == 1
    assert list(DomainEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not DomainEvent.objects.filter(pk=old.pk).exists()
