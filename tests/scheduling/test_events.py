"""Module 5's events are in the catalogue, so event consumers (in-app notifications, e-mail,
webhooks) can subscribe to them, and they reach subscribers after commit."""

import pytest

from apps.events.models import DomainEvent
from apps.notifications.models import Notification
from tests.scheduling.helpers import BASE, iso, project_url

pytestmark = pytest.mark.django_db

NEW_TYPES = {"milestone.created", "milestone.completed", "plan.approved", "plan.locked"}


def test_the_event_types_endpoint_lists_the_scheduling_events(client_for, team):
    data = client_for(team.member).get("/api/v1/event-types").json()["data"]
    listed = {row["event_type"]: row for row in data}
    assert set(listed) >= NEW_TYPES
    assert listed["milestone.completed"]["payload_fields"] == [
        "milestone_id",
        "project_id",
        "workspace_id",
        "name",
        "due_date",
        "completed_at",
    ]


def test_an_in_app_consumer_is_notified_when_a_milestone_completes(
    client_for, team, project, django_capture_on_commit_callbacks
):
    owner = client_for(team.owner)
    subscribed = owner.post(
        "/api/v1/event-consumers",
        {
            "event_type": "milestone.completed",
            "handler_type": "in_app",
            "workspace_id": str(team.workspace.pk),
            "config": {"user_ids": [str(team.admin.pk)]},
        },
    )
    assert subscribed.status_code == 201, subscribed.content
    with django_capture_on_commit_callbacks(execute=True):
        created = owner.post(
            f"{BASE}/milestones",
            {"project_id": str(project.pk), "name": "Beta", "due_date": iso(9)},
        ).json()["data"]
    assert not Notification.objects.filter(user=team.admin, type="event").exists()
    with django_capture_on_commit_callbacks(execute=True):
        owner.patch(f"{BASE}/milestones/{created['id']}", {"completed_at": "2026-01-12T09:00:00Z"})
    (note,) = Notification.objects.filter(user=team.admin, type="event")
    assert note.title == "Event: milestone.completed"


def test_no_event_is_written_when_the_change_is_refused(client_for, team, project):
    client_for(team.viewer).post(project_url(project, "plan/submit"))
    client_for(team.member).post(project_url(project, "plan/approve"))
    assert not DomainEvent.objects.filter(event_type__in=NEW_TYPES).exists()


def test_event_payloads_expose_only_the_catalogued_fields(client_for, team, project):
    client_for(team.member).post(project_url(project, "plan/submit"))
    client_for(team.admin).post(project_url(project, "plan/approve"))
    data = client_for(team.admin).get("/api/v1/events", {"event_type": "plan.approved"}).json()["data"]
    assert len(data) == 1
    assert data[0]["payload"] == {
        "plan_id": data[0]["payload"]["plan_id"],
        "project_id": str(project.pk),
        "workspace_id": str(team.workspace.pk),
        "state": "approved",
        "approved_by_id": str(team.admin.pk),
        "locked_by_id": None,
    }
