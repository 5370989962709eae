"""Module 7: in-app notifications, notification preferences, and the e-mail outbox behind
immediate e-mails, quiet hours and digests."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from apps.core.models import TimeStampedModel, UUIDModel
from apps.notifications.choices import DigestKind, NotificationType


class Notification(UUIDModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    workspace = models.ForeignKey(
        "workspaces.Workspace", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The event that caused it; kept (as NULL) when the event log is pruned before the inbox.
    event = models.ForeignKey(
        "events.DomainEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    type = models.CharField(max_length=32, choices=NotificationType.choices, db_index=True)
    title = models.CharField(max_length=200)
    message = models.TextField()
    action_url = models.CharField(max_length=500, blank=True)
    read = models.BooleanField(default=False)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user", "type"],
                condition=models.Q(event__isnull=False),
                name="notification_once_per_event",
            )
        ]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notification_inbox_idx"),
            # Unread rows in inbox order: unread counts and `status=unread` pages start past the user's
            # read-up-to watermark (a row comparison on created_at, id) instead of reading every row.
            models.Index(
                fields=["user", "created_at", "id"], condition=models.Q(read=False), name="notification_unread_cut_idx"
            ),
            models.Index(fields=["read_at"], condition=models.Q(read=True), name="notification_read_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.type} -> {self.user_id}: {self.title}"


class NotificationReadMark(models.Model):
    """A user's "read up to" watermark, set by mark-all-read instead of updating every unread row.

    A notification is read when its own `read` flag is set, or when (created_at, id) is at or below
    (`created_at`, `notification_id`): the newest notification the user had when marking all read
    (rows are ordered by that pair everywhere, so equal timestamps are cut by id). A notification
    created after the cut stays unread. `marked_at` is the `read_at` of the rows the cut covers.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    notification_id = models.UUIDField()
    marked_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user_id} read up to {self.created_at.isoformat()}"


class NotificationPreference(UUIDModel, TimeStampedModel):
    """Channel choices per user. The delivery frequency and the timezone used for quiet hours live
    in module 9's preferences (one source of truth)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    in_app_notifications = models.BooleanField(default=True)
    email_on_task_assigned = models.BooleanField(default=True)
    email_on_comment = models.BooleanField(default=True)
    email_on_mention = models.BooleanField(default=True)
    email_on_task_completed = models.BooleanField(default=False)
    email_on_project_update = models.BooleanField(default=False)
    email_on_member_joined = models.BooleanField(default=False)
    quiet_hours_enabled = models.BooleanField(default=False)
    quiet_hours_start = models.TimeField(default=dt.time(22, 0))
    quiet_hours_end = models.TimeField(default=dt.time(8, 0))

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(quiet_hours_start=models.F("quiet_hours_end")), name="quiet_hours_not_empty"
            )
        ]

    def __str__(self) -> str:
        return f"Notification preferences of {self.user_id}"


class NotificationDigest(UUIDModel):
    """One e-mail that summarised several pending items (a digest or an after-quiet-hours summary)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=DigestKind.choices)
    item_count = models.PositiveIntegerField()
    sent_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.kind} digest of {self.item_count} for {self.user_id}"


class EmailNotification(UUIDModel):
    """The e-mail outbox: one row per notification that should reach a user's inbox by e-mail.

    Sent immediately, deferred to the end of quiet hours (`deliver_after`), or gathered into a
    digest; `sent_at` is set in the same transaction that sends, so nothing goes out twice and a
    failed send leaves the row pending for the next attempt.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey("events.DomainEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    type = models.CharField(max_length=32, choices=NotificationType.choices)
    title = models.CharField(max_length=200)
    message = models.TextField()
    action_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    deliver_after = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    digest = models.ForeignKey(
        NotificationDigest, null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user", "type"],
                condition=models.Q(event__isnull=False),
                name="email_notification_once_per_event",
            )
        ]
        indexes = [
            models.Index(
                fields=["user", "created_at"], condition=models.Q(sent_at__isnull=True), name="email_pending_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} e-mail -> {self.user_id}"
