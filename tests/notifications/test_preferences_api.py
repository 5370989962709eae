"""Notification preferences: defaults, merge on PATCH, validation, and that they decide delivery."""

import pytest
from django.core import mail

from apps.notifications.models import EmailNotification, Notification
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications/preferences"


def test_get_creates_defaults_on_first_read(user, client_for):
    data = client_for(user).get(URL).json()["data"]
    assert data["user_id"] == str(user.pk)
    assert data["email_on_task_assigned"] is True
    assert data["email_on_comment"] is True
    assert data["email_on_project_update"] is False
    assert data["in_app_notifications"] is True
    assert data["notification_frequency"] == "immediate"
    assert data["quiet_hours"] == {"enabled": False, "start": "22:00", "end": "08:00"}
    assert data["id"] and data["updated_at"]


def test_patch_merges_quiet_hours_and_shares_frequency_with_user_preferences(user, client_for):
    client = client_for(user)
    client.patch(URL, {"quiet_hours": {"enabled": True, "start": "21:30", "end": "07:00"}}, format="json")
    response = client.patch(
        URL,
        {"email_on_comment": False, "notification_frequency": "daily", "quiet_hours": {"end": "06:45"}},
        format="json",
    )
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["email_on_comment"] is False
    assert data["quiet_hours"] == {"enabled": True, "start": "21:30", "end": "06:45"}
    assert data["notification_frequency"] == "daily"
    prefs = client.get("/api/v1/preferences").json()["data"]
    assert prefs["notifications"]["notification_frequency"] == "daily"
    client.patch("/api/v1/preferences", {"notifications": {"notification_frequency": "weekly"}}, format="json")
    assert client.get(URL).json()["data"]["notification_frequency"] == "weekly"


@pytest.mark.parametrize(
    "body",
    [
        {"notification_frequency": "monthly"},
        {"quiet_hours": {"start": "25:00"}},
        {"quiet_hours": {"start": "10pm"}},
        {"quiet_hours": {"start": "08:00", "end": "08:00"}},
        {"email_on_comment": "sometimes"},
        {},
    ],
)
def test_patch_rejects_invalid_values_with_422(user, client_for, body):
    response = client_for(user).patch(URL, body, format="json")
    assert_error(response, 422, "VALIDATION_ERROR")


def test_in_app_off_means_no_inbox_rows_but_email_still_sent(world, assign_event, client_for):
    client_for(world.member).patch(URL, {"in_app_notifications": False}, format="json")
    assign_event(world.member)
    assert Notification.objects.filter(user=world.member).count() == 0
    assert [m.to for m in mail.outbox] == [[world.member.email]]


def test_email_flag_off_sends_no_email_but_keeps_the_inbox_row(world, assign_event, client_for):
    client_for(world.member).patch(URL, {"email_on_task_assigned": False}, format="json")
    assign_event(world.member)
    assert Notification.objects.filter(user=world.member).count() == 1
    assert mail.outbox == []
    assert not EmailNotification.objects.exists()


def test_immediate_email_has_text_and_html_bodies_with_the_action_link(world, assign_event):
    assign_event(world.member)
    [message] = mail.outbox
    assert message.subject == "[PronaFlow] Task assigned to you"
    assert f"https://app.pronaflow.test/tasks/{world.task.pk}" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Design UI" in html
    assert EmailNotification.objects.get().sent_at is not None
