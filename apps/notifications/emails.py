"""E-mail delivery of notifications: immediate messages, summaries after quiet hours and digests.

Every send happens inside the transaction that marks the outbox rows sent, with the rows locked
(`skip_locked`): a concurrent run never sends a row twice, and a failed send leaves the rows it did
not confirm pending for the next run. Nothing is dropped.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Min
from django.template.loader import render_to_string
from django.utils import timezone

from apps.notifications.choices import DigestKind
from apps.notifications.models import EmailNotification, NotificationDigest, NotificationPreference
from apps.notifications.schedule import next_digest_at, user_zone
from apps.notifications.services import quiet_end_for
from apps.personalization.choices import NotificationFrequency
from apps.personalization.models import UserPreference

logger = logging.getLogger("pronaflow.notifications")

# An immediate e-mail whose send task never ran (broker down) is picked up by the digest job.
LOST_SEND_AFTER = dt.timedelta(minutes=10)
# Messages per `send_messages` call: what a failure mid-way can leave sent but unmarked (sent again).
SEND_CHUNK = 20
_DEFAULT_PREFERENCE = NotificationPreference()


def _absolute(url: str) -> str:
    return f"{settings.FRONTEND_URL}{url}" if url.startswith("/") else url


def _message(*, to: str, subject: str, template: str, context: dict, connection=None) -> EmailMultiAlternatives:
    context = {
        **context,
        "frontend_url": settings.FRONTEND_URL,
        "preferences_url": _absolute("/settings/notifications"),
    }
    message = EmailMultiAlternatives(
        subject=subject, body=render_to_string(f"{template}.txt", context), to=[to], connection=connection
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def _preferences(user_id) -> tuple[NotificationPreference, UserPreference | None]:
    preference = NotificationPreference.objects.filter(user_id=user_id).first() or NotificationPreference()
    return preference, UserPreference.objects.filter(user_id=user_id).first()


def email_notifications_send(*, ids: list[str]) -> int:
    """Send the immediate e-mails `ids` that are still pending, in one transaction over one
    connection to the mail server, in a constant number of queries whatever their count.

    The rows are locked (`skip_locked`: a concurrent run leaves them alone); rows whose user is now
    in quiet hours get `deliver_after` (a summary follows the window); rows whose user switched to
    a digest stay pending for it. Messages go out with the backend's `send_messages` in chunks of
    SEND_CHUNK; a chunk that fails stays pending with every later one (the digest job sends them
    after LOST_SEND_AFTER), the chunks before it are marked sent, and the error is raised after
    commit. Returns how many were sent.
    """
    now = timezone.now()
    sent_ids: list = []
    failure: Exception | None = None
    with transaction.atomic():
        items = list(
            EmailNotification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(pk__in=ids, sent_at__isnull=True)
            .order_by("created_at", "id")
        )
        if not items:
            return 0
        user_ids = {item.user_id for item in items}
        preferences = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=user_ids)}
        user_preferences = {p.user_id: p for p in UserPreference.objects.filter(user_id__in=user_ids)}
        deferred: dict[dt.datetime, list] = defaultdict(list)
        outgoing = []
        for item in items:
            user_preference = user_preferences.get(item.user_id)
            frequency = user_preference.notification_frequency if user_preference else NotificationFrequency.IMMEDIATE
            if frequency != NotificationFrequency.IMMEDIATE:
                continue
            quiet_end = quiet_end_for(preferences.get(item.user_id, _DEFAULT_PREFERENCE), user_preference, now)
            if quiet_end is not None:
                deferred[quiet_end].append(item.pk)
                continue
            outgoing.append(item)
        if outgoing:
            connection = get_connection()
            with connection:
                for start in range(0, len(outgoing), SEND_CHUNK):
                    chunk = outgoing[start : start + SEND_CHUNK]
                    messages = [_notification_message(item, connection) for item in chunk]
                    try:
                        connection.send_messages(messages)
                    except (OSError, smtplib.SMTPException) as exc:  # server down or refusing: the rest stay pending
                        failure = exc
                        break
                    sent_ids.extend(item.pk for item in chunk)
        if sent_ids:
            EmailNotification.objects.filter(pk__in=sent_ids).update(sent_at=now)
        for deliver_after, pks in deferred.items():
            EmailNotification.objects.filter(pk__in=pks).update(deliver_after=deliver_after)
    if failure is not None:
        logger.warning("Sent %d of %d notification e-mails; the rest stay pending", len(sent_ids), len(items))
        raise failure
    return len(sent_ids)


def _notification_message(item: EmailNotification, connection) -> EmailMultiAlternatives:
    return _message(
        to=item.user.email,
        subject=f"[PronaFlow] {item.title}",
        template="emails/notifications/notification",
        context={"user": item.user, "item": item, "action_url": _absolute(item.action_url)},
        connection=connection,
    )


def _due_kind(user_id, now) -> str | None:
    """The kind of summary due now for the user's pending e-mails, or None when nothing is due."""
    preference, user_preference = _preferences(user_id)
    if quiet_end_for(preference, user_preference, now) is not None:
        return None
    frequency = user_preference.notification_frequency if user_preference else NotificationFrequency.IMMEDIATE
    pending = EmailNotification.objects.filter(user_id=user_id, sent_at__isnull=True)
    if frequency == NotificationFrequency.IMMEDIATE:
        if (
            pending.filter(deliver_after__lte=now).exists()
            or pending.filter(deliver_after__isnull=True, created_at__lte=now - LOST_SEND_AFTER).exists()
        ):
            return DigestKind.QUIET_HOURS
        return None
    oldest = pending.aggregate(oldest=Min("created_at"))["oldest"]
    if oldest is None:
        return None
    tz = user_zone(user_preference.timezone if user_preference else None)
    if now >= next_digest_at(oldest, frequency=frequency, tz=tz):
        return frequency
    return None


def digest_send(*, user_id, kind: str, now: dt.datetime | None = None) -> NotificationDigest | None:
    """Gather every pending e-mail of the user into one message (at most
    NOTIFICATION_DIGEST_MAX_ITEMS listed, the rest counted) and mark them sent. Never sends an
    empty digest; returns None when there was nothing to send."""
    now = now or timezone.now()
    cap = getattr(settings, "NOTIFICATION_DIGEST_MAX_ITEMS", 50)
    with transaction.atomic():
        items = list(
            EmailNotification.objects.select_for_update(skip_locked=True)
            .filter(user_id=user_id, sent_at__isnull=True)
            .order_by("created_at", "id")
        )
        if not items:
            return None
        user = items[0].user
        digest = NotificationDigest.objects.create(user_id=user_id, kind=kind, item_count=len(items), sent_at=now)
        EmailNotification.objects.filter(pk__in=[item.pk for item in items]).update(sent_at=now, digest=digest)
        shown = [
            {"title": item.title, "message": item.message, "action_url": _absolute(item.action_url), "type": item.type}
            for item in items[:cap]
        ]
        label = DigestKind(kind).label
        subject = (
            f"[PronaFlow] While you were away: {len(items)} notification{'s' if len(items) != 1 else ''}"
            if kind == DigestKind.QUIET_HOURS
            else f"[PronaFlow] Your {label.lower()}: {len(items)} notification{'s' if len(items) != 1 else ''}"
        )
        context = {
            "user": user,
            "items": shown,
            "total": len(items),
            "more": len(items) - len(shown),
            "kind_label": label,
            "inbox_url": _absolute("/notifications"),
        }
        _message(to=user.email, subject=subject, template="emails/notifications/digest", context=context).send()
        return digest


def digests_send_due(*, now: dt.datetime | None = None) -> int:
    """Beat job body: send every digest or after-quiet-hours summary that is due. A failure for
    one user is logged and retried on the next run without blocking the others."""
    now = now or timezone.now()
    user_ids = (
        EmailNotification.objects.filter(sent_at__isnull=True).values_list("user_id", flat=True).distinct().order_by()
    )
    sent = 0
    for user_id in list(user_ids):
        kind = _due_kind(user_id, now)
        if kind is None:
            continue
        try:
            if digest_send(user_id=user_id, kind=kind, now=now) is not None:
                sent += 1
        except Exception:
            logger.exception("Digest for user %s failed; it stays pending", user_id)
    return sent
