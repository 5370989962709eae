"""Writes of module 7's notifications: the inbox and preferences (the fan-out from events is in
`apps.notifications.fanout`)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.fields.tuple_lookups import Tuple, TupleLessThanOrEqual
from django.utils import timezone

from apps.core.services import model_update
from apps.notifications import selectors
from apps.notifications.models import EmailNotification, Notification, NotificationPreference, NotificationReadMark
from apps.notifications.schedule import quiet_window_end, user_zone
from apps.personalization.models import UserPreference
from apps.personalization.services import notification_frequency_set

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
        quiet = data.get("quiet_hours", {})
        quiet_values = {
            field: quiet[key]
            for key, field in (
                ("enabled", "quiet_hours_enabled"),
                ("start", "quiet_hours_start"),
                ("end", "quiet_hours_end"),
            )
            if key in quiet
        }
        model_update(
            instance=preference, fields=(*PREFERENCE_FLAGS, *quiet_values), data={**data, **quiet_values}, save=False
        )
        preference.save()
        if "notification_frequency" in data:
            notification_frequency_set(user=actor, frequency=data["notification_frequency"])
        return preference


# --- Inbox ---------------------------------------------------------------------------------


def notification_mark_read(*, actor, notification: Notification) -> Notification:
    """Mark one of the actor's notifications read (idempotent: read_at keeps the first time, also
    for a notification that mark-all-read's watermark already covers)."""
    if not notification.read:
        read, read_at = selectors.notification_read_state(notification, selectors.read_mark_get(user=actor))
        notification.read = True
        notification.read_at = read_at if read else timezone.now()
        Notification.objects.filter(pk=notification.pk, read=False).update(read=True, read_at=notification.read_at)
    return notification


def notification_mark_all_read(*, actor, type: str | None = None) -> int:
    """Mark every unread notification of the actor read (optionally of one type); returns how many.

    Without `type` no notification row is written: the actor's read-up-to watermark moves to their
    newest notification (constant time whatever the number of unread rows; a notification created
    after that cut stays unread). With `type`, the unread rows of that type are flagged read.
    """
    now = timezone.now()
    with transaction.atomic():
        # The lock orders concurrent marks of one user (the row exists after the first mark).
        mark = NotificationReadMark.objects.select_for_update().filter(user_id=actor.pk).first()
        unread = Notification.objects.filter(selectors.is_unread_q(mark), user_id=actor.pk)
        if type:
            return unread.filter(type=type).update(read=True, read_at=now)
        newest = (
            Notification.objects.filter(user_id=actor.pk)
            .order_by("-created_at", "-id")
            .values_list("created_at", "id")
            .first()
        )
        if newest is None:
            return 0
        # Counted up to the cut, in case a notification committed after the previous statement.
        count = unread.filter(TupleLessThanOrEqual(Tuple(F("created_at"), F("id")), newest)).count()
        if count:
            NotificationReadMark.objects.update_or_create(
                user_id=actor.pk, defaults={"created_at": newest[0], "notification_id": newest[1], "marked_at": now}
            )
        return count


def notification_delete(*, actor, notification: Notification) -> None:
    notification.delete()


def notifications_purge_read(*, days: int | None = None, batch_size: int = 10000) -> int:
    """Delete read notifications older than NOTIFICATION_RETENTION_DAYS, in batches; unread ones
    are kept whatever their age. Sent e-mail outbox rows of the same age go too."""
    cutoff = timezone.now() - dt.timedelta(days=days if days is not None else settings.NOTIFICATION_RETENTION_DAYS)
    # Read: flagged, or covered by the user's mark-all-read watermark.
    covered = NotificationReadMark.objects.filter(user_id=OuterRef("user_id")).filter(
        Q(created_at__gt=OuterRef("created_at"))
        | Q(created_at=OuterRef("created_at"), notification_id__gte=OuterRef("id"))
    )
    deleted = 0
    while True:
        ids = list(
            Notification.objects.filter(Q(read=True) | Exists(covered), created_at__lt=cutoff).values_list(
                "pk", flat=True
            )[:batch_size]
        )
        if not ids:
            break
        Notification.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
    EmailNotification.objects.filter(sent_at__isnull=False, created_at__lt=cutoff).delete()
    return deleted


def quiet_end_for(
    preference: NotificationPreference, user_preference: UserPreference | None, now
) -> dt.datetime | None:
    """When quiet hours are on and `now` is inside them, the instant they end; else None."""
    if not preference.quiet_hours_enabled:
        return None
    tz = user_zone(user_preference.timezone if user_preference else None)
    return quiet_window_end(now, start=preference.quiet_hours_start, end=preference.quiet_hours_end, tz=tz)
