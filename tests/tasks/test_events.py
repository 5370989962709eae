"""Task events: emitted once with the contract payload, after commit only, never on rollback."""

import json

import pytest
from django.db import transaction

from apps.events.models import DomainEvent
from apps.tasks import services
from tests.helpers import events

pytestmark = pytest.mark.django_db


def test_created_and_assigned_are_dispatched_after_commit(
    client_for, team, project, django_capture_on_commit_callbacks
):
    body = {
        "project_id": str(project.pk),
        "title": "Ship",
        "assignee_ids": [str(team.admin.pk)],
        "due_date": "2030-02-01",
    }
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for(team.member).post("/api/v1/tasks", body, format="json")
    task_id = response.json()["data"]["id"]
    assert DomainEvent.objects.filter(dispatched_at__isnull=False).count() == 0
    assert len(callbacks) == 2
    for callback in callbacks:
        callback()
    (created,) = events("task.created")
    assert created.dispatched_at is not None
    assert created.payload == {
        "task_id": task_id,
        "project_id": str(project.pk),
        "workspace_id": str(team.workspace.pk),
        "task_list_id": None,
        "title": "Ship",
        "status": "todo",
        "priority": "medium",
        "assignee_ids": [str(team.admin.pk)],
        "created_by_id": str(team.member.pk),
        "due_date": "2030-02-01",
    }
    assert json.loads(json.dumps(created.payload)) == created.payload
    (assigned,) = events("task.assigned")
    assert assigned.payload["assigned_user_ids"] == [str(team.admin.pk)]


def test_nothing_is_emitted_when_the_transaction_rolls_back(team, project, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.task_create(actor=team.member, project=project, title="Doomed")
        raise RuntimeError("abort")
    assert callbacks == []
    assert not DomainEvent.objects.exists()
