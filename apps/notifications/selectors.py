"""Reads of the inbox: always the caller's own notifications."""

from django.db.models import QuerySet

from apps.notifications.models import Notification


def notification_list(*, user) -> QuerySet:
    return Notification.objects.filter(user_id=user.pk).order_by("-created_at", "-id")


def notification_unread_count(*, user) -> int:
    return Notification.objects.filter(user_id=user.pk, read=False).count()
