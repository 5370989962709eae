"""Demo history of module 7: two weeks of past domain events about the demo tasks, so the admin
dashboard's events chart has days to show. They are written as already dispatched: the history is
for reading, its consumers (notifications, webhooks) are not run again. Idempotent."""

import datetime as dt
import random

from django.utils import timezone

from apps.events.models import DomainEvent

HISTORY_DAYS = 14
HISTORY_MARK = "demo_history"
TYPES = ("task.created", "task.updated", "task.completed", "task.assigned", "comment.created")


def seed(ctx: dict) -> None:
    workspace, tasks = ctx.get("workspace"), ctx.get("tasks") or []
    owner = (ctx.get("users") or {}).get("owner")
    if workspace is None or not tasks or DomainEvent.objects.filter(payload__has_key=HISTORY_MARK).exists():
        return
    rng, now = random.Random(7), timezone.now()
    events = []
    for days_ago in range(1, HISTORY_DAYS + 1):
        for event_type in TYPES:
            for _ in range(rng.randint(0, 4)):
                task = rng.choice(tasks)
                at = now - dt.timedelta(days=days_ago, hours=rng.randint(0, 8), minutes=rng.randint(0, 59))
                events.append(
                    DomainEvent(
                        event_type=event_type,
                        aggregate_type="task",
                        aggregate_id=str(task.pk),
                        workspace=workspace,
                        project_id=task.project_id,
                        actor=owner,
                        payload={HISTORY_MARK: True, "task_id": str(task.pk), "title": task.title},
                        occurred_at=at,
                        dispatched_at=at,
                    )
                )
    DomainEvent.objects.bulk_create(events)
    ctx["history_events"] = events
