"""The fan-out of one domain event to its recipients: in-app rows, the e-mail outbox, live streams.

A constant number of queries whatever the number of recipients: one read of the recipients with
all their preferences (a join), one insert of the in-app rows, one insert of the outbox rows, and
after commit one Redis pipeline of publishes and one e-mail task per EMAIL_BATCH_SIZE recipients.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from apps.core.queueing import publish_on_commit
from apps.events.models import DomainEvent
from apps.events.selectors import event_audience_ids
from apps.notifications.models import EmailNotification, Notification, NotificationPreference
from apps.notifications.schedule import quiet_window_end, user_zone
from apps.personalization.choices import NotificationFrequency

# Immediate e-mails per send task: one task (a constant number of queries) for up to this many.
EMAIL_BATCH_SIZE = 1000

_DEFAULTS = NotificationPreference()

# PostgreSQL: the rows of one fan-out from an array of users and one copy of the shared values; a
# user already notified this way of this event (notification_once_per_event) keeps their row.
INSERT_IN_APP_SQL = (
    'INSERT INTO "notifications_notification" (id, user_id, workspace_id, event_id, type, title, message,'
    " action_url, read, read_at, created_at)"
    " SELECT gen_random_uuid(), r.user_id, %s, %s, %s, %s, %s, %s, false, NULL, %s"
    " FROM unnest(%s::uuid[]) AS r(user_id) ON CONFLICT DO NOTHING RETURNING id, user_id"
)


def notification_id_for(event_id, user_id, type: str) -> uuid.UUID:
    """A stable id for the in-app notification of `event` for `user` of `type` (outside PostgreSQL),
    so a second delivery of the same notification (two in-app consumers) names the same row."""
    return uuid.uuid5(event_id if isinstance(event_id, uuid.UUID) else uuid.UUID(str(event_id)), f"{user_id}:{type}")


def _recipients(event: DomainEvent, ids, email_flag: str | None, exclude) -> list[tuple]:
    """(user id, in-app on, e-mail flag on, quiet hours on, start, end, frequency, timezone) of the
    active users among `ids` (a set or a subquery) who may see `event`, but `exclude`; NULL
    preference columns mean the defaults."""
    pref, upref = "notification_preference__", "preference__"
    return list(
        get_user_model()
        .objects.filter(pk__in=ids, is_active=True)
        .exclude(pk__in=exclude)
        .filter(pk__in=event_audience_ids(event))
        .order_by()
        .values_list(
            "pk",
            f"{pref}in_app_notifications",
            f"{pref}{email_flag}" if email_flag else f"{pref}in_app_notifications",
            f"{pref}quiet_hours_enabled",
            f"{pref}quiet_hours_start",
            f"{pref}quiet_hours_end",
            f"{upref}notification_frequency",
            f"{upref}timezone",
        )
    )


def _default(value, field: str):
    return getattr(_DEFAULTS, field) if value is None else value


def _quiet_end(row: tuple, now: dt.datetime) -> dt.datetime | None:
    _pk, _in_app, _flag, enabled, start, end, _frequency, tz_name = row
    if not enabled:
        return None
    return quiet_window_end(now, start=start, end=end, tz=user_zone(tz_name))


def _insert_in_app(event, user_ids: list, *, type, title, message, action_url, now) -> list[tuple]:
    """One insert of the in-app rows; returns (id, user id) of the rows it created."""
    if connection.vendor == "postgresql":
        # No model instance per row: Django's bulk_create costs about twice the insert itself.
        with connection.cursor() as cursor:
            cursor.execute(
                INSERT_IN_APP_SQL, [event.workspace_id, event.pk, type, title, message, action_url, now, user_ids]
            )
            return cursor.fetchall()
    # Elsewhere (SQLite in development): ids derived from (event, user, type), so a row that
    # already existed is published under its own id.
    rows = [(notification_id_for(event.pk, user_id, type), user_id) for user_id in user_ids]
    Notification.objects.bulk_create(
        [
            Notification(
                id=pk,
                user_id=user_id,
                workspace_id=event.workspace_id,
                event_id=event.pk,
                type=type,
                title=title,
                message=message,
                action_url=action_url,
                created_at=now,
            )
            for pk, user_id in rows
        ],
        ignore_conflicts=True,
    )
    return rows


def _queue_emails(event, rows: list[tuple], *, type, title, message, url, now) -> list[str]:
    """Create outbox rows (one insert); returns the ids to send right away: users on immediate
    delivery outside their quiet hours. The others wait for the end of quiet hours or their digest."""
    outbox, immediate = [], []
    for row in rows:
        item = EmailNotification(
            user_id=row[0], event=event, type=type, title=title, message=message, action_url=url, created_at=now
        )
        if (row[6] or NotificationFrequency.IMMEDIATE) == NotificationFrequency.IMMEDIATE:
            quiet_end = _quiet_end(row, now)
            if quiet_end is not None:
                item.deliver_after = quiet_end
            else:
                immediate.append(str(item.pk))
        outbox.append(item)
    EmailNotification.objects.bulk_create(outbox, ignore_conflicts=True)
    return immediate


def notifications_fan_out(
    *,
    event: DomainEvent,
    recipient_ids: Iterable,
    type: str,
    title: str,
    message: str,
    action_url: str,
    email_flag: str | None,
    include_actor: bool = False,
    email_always: bool = False,
) -> int:
    """Notify `recipient_ids` (user ids, or a QuerySet of them used as a subquery) about `event`, in
    a constant number of queries whatever their count.

    Never the event's actor (unless `include_actor`); only active users who may see the event
    now; in-app rows for those with in-app notifications on; e-mail outbox rows for those whose
    `email_flag` preference is on, sent after commit, deferred past quiet hours, or left for their
    digest. `email_always` e-mails every recipient whatever their topic flags (alerts about
    something the recipient set up and must act on); frequency and quiet hours still apply. New
    notifications are pushed to live streams after commit. Returns the number of in-app rows.
    """
    exclude = [event.actor_id] if event.actor_id and not include_actor else []
    if isinstance(recipient_ids, QuerySet):
        ids = recipient_ids  # a subquery: the recipients are read in the same query as their preferences
    else:
        ids = {str(pk) for pk in recipient_ids if pk}
        if not ids:
            return 0
    rows = _recipients(event, ids, email_flag, exclude)
    if not rows:
        return 0
    now = timezone.now()
    title = title[:200]
    in_app = [row[0] for row in rows if _default(row[1], "in_app_notifications")]
    created = (
        _insert_in_app(event, in_app, type=type, title=title, message=message, action_url=action_url, now=now)
        if in_app
        else []
    )
    emailed = [row for row in rows if email_always or (email_flag and _default(row[2], email_flag))]
    immediate = (
        _queue_emails(event, emailed, type=type, title=title, message=message, url=action_url, now=now)
        if emailed
        else []
    )

    from apps.notifications import realtime
    from apps.notifications.tasks import email_notifications_send_task

    if created:
        shared = {
            "workspace_id": event.workspace_id,
            "title": title,
            "message": message,
            "type": type,
            "created_at": now,
            "action_url": action_url,
        }
        transaction.on_commit(lambda: realtime.publish_new(created, shared))
    for start in range(0, len(immediate), EMAIL_BATCH_SIZE):
        publish_on_commit(email_notifications_send_task, immediate[start : start + EMAIL_BATCH_SIZE])
    return len(created)
