"""Demo notification settings: quiet hours for the member, a daily digest for the viewer, and an
e-mail subscription of the owner to completed tasks. Notifications themselves come from the events
the other apps' demo data emitted."""

import datetime as dt
import random

from django.utils import timezone

from apps.events.models import EventConsumer
from apps.events.services import consumer_create
from apps.notifications.choices import NotificationType
from apps.notifications.models import EmailNotification, Notification
from apps.notifications.services import preference_update

HISTORY_URL = "/demo/history"
HISTORY_DAYS = 14


def seed(ctx) -> None:
    users = ctx.get("users") or {}
    if "member" in users:
        preference_update(
            actor=users["member"],
            data={"quiet_hours": {"enabled": True, "start": dt.time(22), "end": dt.time(7)}},
        )
    if "viewer" in users:
        preference_update(actor=users["viewer"], data={"notification_frequency": "daily"})
    owner, workspace = users.get("owner"), ctx.get("workspace")
    if owner and workspace and not EventConsumer.objects.filter(owner=owner, event_type="task.completed").exists():
        consumer_create(
            actor=owner,
            event_type="task.completed",
            handler_type="email",
            config={"recipients": [owner.email]},
            workspace=workspace,
        )
    _history(ctx)


def _history(ctx) -> None:
    """Two weeks of past in-app notifications and sent e-mails (the admin dashboard's chart)."""
    users = [user for role, user in (ctx.get("users") or {}).items() if role in ("owner", "admin", "member")]
    workspace = ctx.get("workspace")
    if not users or workspace is None or Notification.objects.filter(action_url=HISTORY_URL).exists():
        return
    rng, now = random.Random(11), timezone.now()
    notifications, emails = [], []
    for days_ago in range(1, HISTORY_DAYS + 1):
        for user in users:
            at = now - dt.timedelta(days=days_ago, hours=rng.randint(0, 8))
            for _ in range(rng.randint(1, 4)):
                notifications.append(
                    Notification(
                        user=user,
                        workspace=workspace,
                        type=NotificationType.TASK_ASSIGNED,
                        title="A task was assigned to you",
                        message="Demo history",
                        action_url=HISTORY_URL,
                        read=True,
                        read_at=at,
                        created_at=at,
                    )
                )
            if rng.random() < 0.6:
                emails.append(
                    EmailNotification(
                        user=user,
                        type=NotificationType.TASK_ASSIGNED,
                        title="A task was assigned to you",
                        message="Demo history",
                        action_url=HISTORY_URL,
                        created_at=at,
                        sent_at=at,
                    )
                )
    Notification.objects.bulk_create(notifications)
    EmailNotification.objects.bulk_create(emails)
