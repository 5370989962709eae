"""Quiet hours and digests, driven by the clock (freezegun) and the real beat job."""

import pytest
from django.core import mail
from freezegun import freeze_time

from apps.notifications.models import EmailNotification, NotificationDigest
from apps.notifications.tasks import digests_send_due_task

pytestmark = pytest.mark.django_db

PREFS = "/api/v1/notifications/preferences"


def set_quiet_hours(client, timezone_name="Asia/Ho_Chi_Minh"):
    client.patch("/api/v1/preferences", {"timezone": timezone_name}, format="json")
    client.patch(PREFS, {"quiet_hours": {"enabled": True, "start": "22:00", "end": "07:00"}}, format="json")


def test_quiet_hours_in_the_users_timezone_defer_emails_then_one_summary_is_sent_once(world, assign_event, client_for):
    set_quiet_hours(client_for(world.member))
    # 16:30 UTC is 23:30 in Ho Chi Minh City (UTC+7): inside the window.
    with freeze_time("2026-03-02 16:30:00"):
        assign_event(world.member)
        assign_event(world.member)  # a second event, another e-mail
        assert mail.outbox == []
        pending = EmailNotification.objects.filter(user=world.member, sent_at__isnull=True)
        assert pending.count() == 2
        assert {row.deliver_after.isoformat() for row in pending} == {"2026-03-03T00:00:00+00:00"}
        digests_send_due_task.delay()
        assert mail.outbox == []
    with freeze_time("2026-03-02 23:59:00"):  # 06:59 local: still quiet
        digests_send_due_task.delay()
        assert mail.outbox == []
    with freeze_time("2026-03-03 00:05:00"):  # 07:05 local: window over
        digests_send_due_task.delay()
        digests_send_due_task.delay()
    [summary] = mail.outbox
    assert summary.to == [world.member.email]
    assert summary.subject == "[PronaFlow] While you were away: 2 notifications"
    assert summary.body.count("Task assigned to you") == 2
    assert not EmailNotification.objects.filter(sent_at__isnull=True).exists()
    assert NotificationDigest.objects.get().kind == "quiet_hours"


def test_outside_quiet_hours_the_email_goes_out_immediately(world, assign_event, client_for):
    set_quiet_hours(client_for(world.member))
    with freeze_time("2026-03-02 05:00:00"):  # noon local
        assign_event(world.member)
    assert len(mail.outbox) == 1


def test_daily_digest_waits_for_the_digest_hour_and_is_never_sent_twice_or_empty(
    world, assign_event, client_for, settings
):
    settings.NOTIFICATION_DIGEST_HOUR = 8
    client_for(world.member).patch(PREFS, {"notification_frequency": "daily"}, format="json")
    with freeze_time("2026-03-02 10:00:00"):
        assign_event(world.member)
        digests_send_due_task.delay()
    assert mail.outbox == []
    with freeze_time("2026-03-03 07:59:00"):
        digests_send_due_task.delay()
    assert mail.outbox == []
    with freeze_time("2026-03-03 08:01:00"):
        digests_send_due_task.delay()
        digests_send_due_task.delay()
    [digest] = mail.outbox
    assert digest.subject == "[PronaFlow] Your daily digest: 1 notification"
    with freeze_time("2026-03-04 08:01:00"):
        digests_send_due_task.delay()
    assert len(mail.outbox) == 1  # nothing new: no empty digest


def test_hourly_digest_is_capped_and_counts_the_rest(world, assign_event, client_for, settings):
    settings.NOTIFICATION_DIGEST_MAX_ITEMS = 3
    client_for(world.member).patch(PREFS, {"notification_frequency": "hourly"}, format="json")
    with freeze_time("2026-03-02 10:10:00"):
        for _ in range(5):
            assign_event(world.member)
    with freeze_time("2026-03-02 11:00:30"):
        digests_send_due_task.delay()
    [digest] = mail.outbox
    assert digest.subject == "[PronaFlow] Your hourly digest: 5 notifications"
    assert digest.body.count("Task assigned to you") == 3
    assert "and 2 more" in digest.body
    assert NotificationDigest.objects.get().item_count == 5


def test_weekly_digest_goes_out_on_monday_morning_local_time(world, assign_event, client_for):
    client = client_for(world.member)
    client.patch("/api/v1/preferences", {"timezone": "America/New_York"}, format="json")
    client.patch(PREFS, {"notification_frequency": "weekly"}, format="json")
    with freeze_time("2026-03-04 15:00:00"):  # Wednesday
        assign_event(world.member)
    with freeze_time("2026-03-09 11:00:00"):  # Monday 07:00 in New York (EDT, UTC-4)
        digests_send_due_task.delay()
    assert mail.outbox == []
    with freeze_time("2026-03-09 12:05:00"):  # Monday 08:05 in New York
        digests_send_due_task.delay()
    assert len(mail.outbox) == 1
    assert "weekly digest" in mail.outbox[0].subject
