"""Writes of module 7's notifications: the inbox, preferences, and the fan-out from events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.events.models import DomainEvent
from apps.events.selectors import event_audience_ids
from apps.notifications.models import EmailNotification, Notification, NotificationPreference
from apps.notifications.schedule import quiet_window_end, user_zone
from apps.personalization.choices import NotificationFrequency
from apps.personalization.models import UserPreference
from apps.personalization.services import notification_frequency_set
from apps.personalization.services import preference_get as user_preference_get

EMAIL_BATCH_SIZE = 100
PREFERENCE_FLAGS = (
    "in_app_notifications",
    "email_on_task_assigned",
    "email_on_comment",
    "email_on_mention",
    "email_on_task_completed",
    "email_on_project_update",
    "email_on_member_joined",
)


# --- Preferences ---------------------------------------------------------------------------


def preference_get(*, user) -> NotificationPreference:
    """The user's notification preferences, created with the defaults on first read."""
    preference = NotificationPreference.objects.filter(user=user).first()
    if preference is not None:
        return preference
    try:
        with transaction.atomic():
            return NotificationPreference.objects.create(user=user)
    except IntegrityError:
        return NotificationPreference.objects.get(user=user)


def preference_update(*, actor, data: dict) -> NotificationPreference:
    """Apply validated changes. `quiet_hours` merges key by key; `notification_frequency` is stored
    once, in module 9's preferences. Raises nothing beyond upstream validation."""
    with transaction.atomic():
        preference = preference_get(user=actor)
        preference = NotificationPreference.objects.select_for_update().get(pk=preference.pk)
        for flag in PREFERENCE_FLAGS:
            if flag in data:
                setattr(preference, flag, data[flag])
        quiet = data.get("quiet_hours", {})
        for key, field in (
            ("enabled", "quiet_hours_enabled"),
            ("start", "quiet_hours_start"),
            ("end", "quiet_hours_end"),
        ):
            if key in quiet:
                setattr(preference, field, quiet[key])
        preference.save()
        if "notification_frequency" in data:
            notification_frequency_set(user=actor, frequency=data["notification_frequency"])
        return preference


# --- Inbox ---------------------------------------------------------------------------------


def notification_mark_read(*, actor, notification: Notification) -> Notification:
    """Mark one of the actor's notifications read (idempotent: read_at keeps the first time)."""
    if not notification.read:
        notification.read = True
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read=False).update(read=True, read_at=notification.read_at)
    return notification


def notification_mark_all_read(*, actor, type: str | None = None) -> int:
    """Mark every unread notification of the actor read (optionally of one type); returns how many."""
    queryset = Notification.objects.filter(user=actor, read=False)
    if type:
        queryset = queryset.filter(type=type)
    return queryset.update(read=True, read_at=timezone.now())


def notification_delete(*, actor, notification: Notification) -> None:
    notification.delete()


def notifications_purge_read(*, days: int | None = None, batch_size: int = 10000) -> int:
    """Delete read notifications older than NOTIFICATION_RETENTION_DAYS, in batches; unread ones
    are kept whatever their age. Sent e-mail outbox rows of the same age go too."""
    cutoff = timezone.now() - dt.timedelta(days=days if days is not None else settings.NOTIFICATION_RETENTION_DAYS)
    deleted = 0
    while True:
        ids = list(
            Notification.objects.filter(read=True, created_at__lt=cutoff).values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            break
        Notification.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
    EmailNotification.objects.filter(sent_at__isnull=False, created_at__lt=cutoff).delete()
    return deleted


# --- Fan-out -------------------------------------------------------------------------------


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
) -> list[Notification]:
    """Notify `recipient_ids` about `event`, in a bounded number of queries whatever their count.

    Never the event's actor (unless `include_actor`); only active users who may see the event
    now; in-app rows for those with in-app notifications on (one bulk insert); e-mail outbox rows
    for those whose `email_flag` preference is on (everyone with `email_always`, for alerts that
    need someone to act), sent after commit, deferred past quiet hours, or left for their digest.
    New notifications are pushed to live streams after commit.
    """
    ids = {str(pk) for pk in recipient_ids if pk}
    if not include_actor and event.actor_id:
        ids.discard(str(event.actor_id))
    if not ids:
        return []
    user_model = get_user_model()
    recipients = list(
        user_model.objects.filter(pk__in=ids, is_active=True)
        .filter(pk__in=event_audience_ids(event))
        .values_list("pk", flat=True)
    )
    if not recipients:
        return []
    preferences = {pref.user_id: pref for pref in NotificationPreference.objects.filter(user_id__in=recipients)}
    default = NotificationPreference()
    now = timezone.now()
    notifications = [
        Notification(
            user_id=user_id,
            workspace_id=event.workspace_id,
            event=event,
            type=type,
            title=title[:200],
            message=message,
            action_url=action_url,
            created_at=now,
        )
        for user_id in recipients
        if preferences.get(user_id, default).in_app_notifications
    ]
    # ignore_conflicts: a user already notified of this event in this way (say by two in-app
    # consumers) keeps the one row, without failing the other deliveries of the handler.
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    email_users = [
        uid for uid in recipients if email_always or (email_flag and getattr(preferences.get(uid, default), email_flag))
    ]
    immediate = _queue_emails(event, email_users, preferences, type=type, title=title, message=message, url=action_url)

    from apps.notifications import realtime
    from apps.notifications.tasks import send_email_notifications_task

    notification_ids = [str(n.pk) for n in notifications]
    if notification_ids:
        transaction.on_commit(lambda: realtime.publish_ids(notification_ids))
    for start in range(0, len(immediate), EMAIL_BATCH_SIZE):
        batch = immediate[start : start + EMAIL_BATCH_SIZE]
        transaction.on_commit(lambda batch=batch: send_email_notifications_task.delay(batch))
    return notifications


def _queue_emails(event, user_ids, preferences, *, type, title, message, url) -> list[str]:
    """Create outbox rows; returns the ids to send right away (immediate, not in quiet hours)."""
    if not user_ids:
        return []
    user_prefs = {p.user_id: p for p in UserPreference.objects.filter(user_id__in=user_ids)}
    now = timezone.now()
    default_pref = NotificationPreference()
    rows, immediate = [], []
    for user_id in user_ids:
        upref = user_prefs.get(user_id)
        frequency = upref.notification_frequency if upref else NotificationFrequency.IMMEDIATE
        row = EmailNotification(
            user_id=user_id, event=event, type=type, title=title[:200], message=message, action_url=url, created_at=now
        )
        if frequency == NotificationFrequency.IMMEDIATE:
            quiet_end = quiet_end_for(preferences.get(user_id, default_pref), upref, now)
            if quiet_end is not None:
                row.deliver_after = quiet_end
            else:
                immediate.append(str(row.pk))
        rows.append(row)
    EmailNotification.objects.bulk_create(rows, ignore_conflicts=True)
    return immediate


def quiet_end_for(
    preference: NotificationPreference, user_preference: UserPreference | None, now
) -> dt.datetime | None:
    """When quiet hours are on and `now` is inside them, the instant they end; else None."""
    if not preference.quiet_hours_enabled:
        return None
    tz = user_zone(user_preference.timezone if user_preference else None)
    return quiet_window_end(now, start=preference.quiet_hours_start, end=preference.quiet_hours_end, tz=tz)


def user_preference_for(user) -> UserPreference:
    return user_preference_get(user=user)
