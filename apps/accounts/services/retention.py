"""Retention of credentials: the daily purge of rows that can no longer be used."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from apps.accounts.models import OneTimeToken, UserSession

ENDED_SESSION_RETENTION = timedelta(days=30)


def credentials_purge_expired() -> dict[str, int]:
    """Delete credential rows that can no longer be used: expired refresh tokens (and their
    blacklist entries), e-mailed tokens that expired or were used, and sessions ended more than
    30 days ago. Run daily by beat. Returns the number of rows removed per kind.

    Raises nothing. Writes no audit action; emits no domain event.
    """
    now = timezone.now()
    with transaction.atomic():
        refresh_tokens, _ = OutstandingToken.objects.filter(expires_at__lte=now).delete()
        one_time, _ = OneTimeToken.objects.filter(expires_at__lte=now).delete()
        used, _ = OneTimeToken.objects.filter(used_at__isnull=False).delete()
        cutoff = now - ENDED_SESSION_RETENTION
        sessions, _ = UserSession.objects.filter(expires_at__lte=cutoff).delete()
        revoked, _ = UserSession.objects.filter(revoked_at__lte=cutoff).delete()
    return {"refresh_tokens": refresh_tokens, "one_time_tokens": one_time + used, "sessions": sessions + revoked}
