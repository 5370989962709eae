"""The fan-out and the e-mail send cost the same queries for 10 recipients as for 200, every e-mail
goes out exactly once, and live streams receive each new notification as the inbox lists it."""

import json

import pytest
import redis
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.notifications.models import EmailNotification, Notification, NotificationPreference
from apps.notifications.tasks import email_notifications_send_task
from apps.projects.models import ProjectMember
from apps.workspaces.models import WorkspaceMember

pytestmark = pytest.mark.django_db


def add_members(world, count, *, prefix, email=False):
    from apps.accounts.models import User

    users = User.objects.bulk_create(
        [
            User(email=f"{prefix}{i}@example.com", username=f"{prefix}{i}", full_name=f"Fan {i}", status="active")
            for i in range(count)
        ]
    )
    WorkspaceMember.objects.bulk_create(
        [WorkspaceMember(workspace=world.workspace, user=u, role="member") for u in users]
    )
    ProjectMember.objects.bulk_create([ProjectMember(project=world.project, user=u) for u in users])
    if email:
        NotificationPreference.objects.bulk_create(
            [NotificationPreference(user=u, email_on_project_update=True) for u in users]
        )
    return users


def fan_out_queries(world, project_event, count, *, email):
    users = add_members(world, count, prefix=f"n{count}e{int(email)}_", email=email)
    mail.outbox.clear()
    with CaptureQueriesContext(connection) as queries:
        project_event("project.updated", actor=world.owner, changes={"name": {"old": "a", "new": "b"}})
    return users, len(queries)


@pytest.mark.parametrize("email", [False, True], ids=["in-app", "in-app and e-mail"])
def test_fan_out_costs_the_same_queries_for_10_and_200_recipients(world, project_event, email):
    _, small = fan_out_queries(world, project_event, 10, email=email)
    Notification.objects.all().delete()
    users, large = fan_out_queries(world, project_event, 200, email=email)
    assert large == small, (small, large)
    assert Notification.objects.filter(type="project_updated", user__in=users).count() == 200


def test_fan_out_to_200_stays_under_a_fixed_query_budget(world, project_event, django_assert_max_num_queries):
    add_members(world, 200, prefix="budget", email=True)
    # emit, dispatch (3 handlers with receipts), fan-out (recipients, 2 inserts) and one send batch
    # (lock, 2 preference reads, mark sent), savepoints included.
    with django_assert_max_num_queries(35):
        project_event("project.updated", actor=world.owner, changes={"name": {"old": "a", "new": "b"}})
    assert len(mail.outbox) == 200


def test_every_email_is_sent_once_to_its_recipient(world, project_event):
    users = add_members(world, 200, prefix="mail", email=True)
    mail.outbox.clear()
    project_event("project.updated", actor=world.owner, changes={"name": {"old": "a", "new": "b"}})
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    assert all(len(m.to) == 1 and m.subject == "[PronaFlow] Project updated" for m in mail.outbox)
    rows = EmailNotification.objects.filter(user__in=users)
    assert rows.count() == 200 and not rows.filter(sent_at__isnull=True).exists()
    # Sending the same batch again (a redelivered task) sends nothing.
    assert email_notifications_send_task.delay([str(pk) for pk in rows.values_list("pk", flat=True)]).get() == 0
    assert len(mail.outbox) == 200


def test_a_failing_mail_server_leaves_the_rest_pending(world, project_event, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    users = add_members(world, 50, prefix="fail", email=True)
    calls = []
    original = EmailBackend.send_messages

    def flaky(self, messages):
        calls.append(len(messages))
        if len(calls) == 2:
            raise OSError("connection reset")
        return original(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    mail.outbox.clear()
    project_event("project.updated", actor=world.owner, changes={"name": {"old": "a", "new": "b"}})
    sent = len(mail.outbox)
    assert 0 < sent < 50
    pending = EmailNotification.objects.filter(user__in=users, sent_at__isnull=True)
    assert pending.count() == 50 - sent
    monkeypatch.setattr(EmailBackend, "send_messages", original)
    assert (
        email_notifications_send_task.delay([str(pk) for pk in pending.values_list("pk", flat=True)]).get() == 50 - sent
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)


def test_live_streams_get_each_new_notification_as_the_inbox_lists_it(world, project_event, client_for):
    client = redis.Redis.from_url(settings.REDIS_URL)
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(f"pronaflow:notifications:{world.member.pk}")
    try:
        project_event("project.updated", actor=world.owner, changes={"name": {"old": "a", "new": "b"}})
        message = None
        for _ in range(50):
            message = pubsub.get_message(timeout=0.1)
            if message:
                break
        assert message is not None
        [listed] = client_for(world.member).get("/api/v1/notifications").json()["data"]
        assert json.loads(message["data"]) == listed
    finally:
        pubsub.close()
        client.close()
