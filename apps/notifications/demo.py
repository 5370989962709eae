"""Demo notification settings: quiet hours for the member, a daily digest for the viewer, and an
e-mail subscription of the owner to completed tasks. Notifications themselves come from the events
the other apps' demo data emitted."""

import datetime as dt

from apps.events.models import EventConsumer
from apps.events.services import consumer_create
from apps.notifications.services import preference_update


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
