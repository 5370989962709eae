"""API tokens: create (the secret is shown once), update, revoke, authenticate."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.core.audit import record_action
from apps.core.exceptions import Conflict, ValidationFailed
from apps.core.services import model_update
from apps.integrations.models import ApiToken
from apps.integrations.scopes import ALL_SCOPES

TOKEN_PREFIX = "prona_"  # noqa: S105  (a public marker, not a secret)
DISPLAY_PREFIX_LENGTH = 12  # "prona_" + 6 characters of the secret
LAST_USED_PRECISION = timedelta(minutes=1)
CREATION_WARNING = "Save this token securely - you won't see it again!"


def max_lifetime() -> timedelta:
    return timedelta(days=getattr(settings, "API_TOKEN_MAX_DAYS", 365))


def hash_token(raw: str) -> str:
    """SHA-256 of the secret: enough for 256 bits of randomness, and a single indexed lookup."""
    return hashlib.sha256(raw.encode()).hexdigest()


def new_token_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def validate_scopes(scopes: list[str]) -> list[str]:
    unknown = sorted({scope for scope in scopes if scope not in ALL_SCOPES})
    if unknown:
        raise ValidationFailed.field(
            "scopes", f"Unknown scope(s): {', '.join(unknown)}. See GET /api/v1/integration/tokens/scopes."
        )
    if not scopes:
        raise ValidationFailed.field("scopes", "Give the token at least one scope.")
    return sorted(set(scopes))


def expiry_of(day: dt.date) -> dt.datetime:
    """A token dated `day` is valid through the end of that UTC day."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=dt.UTC)


def _expiry(expires_on: dt.date | None, *, now: dt.datetime) -> dt.datetime:
    latest = now.astimezone(dt.UTC).date() + max_lifetime()
    if expires_on is None:
        return expiry_of(latest)
    if expires_on < now.astimezone(dt.UTC).date():
        raise ValidationFailed.field("expires_at", "The expiry must be today or later.")
    if expires_on > latest:
        raise ValidationFailed.field("expires_at", f"A token lives at most {max_lifetime().days} days.")
    return expiry_of(expires_on)


def token_create(*, actor, name: str, scopes: list[str], expires_at: dt.date | None = None) -> ApiToken:
    """Create an API token acting as `actor`, limited to `scopes`, valid through the UTC day
    `expires_at` (today at the earliest; default and latest: API_TOKEN_MAX_DAYS = 365 days from
    today). Only the hash is stored: the secret is returned once on the object as `plain_token`.
    Audited as token.created. Raises ValidationFailed (scopes, expiry)."""
    now = timezone.now()
    clean_scopes = validate_scopes(scopes)
    expiry = _expiry(expires_at, now=now)
    raw = new_token_secret()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor,
            name=name,
            token_hash=hash_token(raw),
            token_prefix=raw[:DISPLAY_PREFIX_LENGTH],
            scopes=clean_scopes,
            expires_at=expiry,
        )
        record_action(
            "token.created",
            actor=actor,
            target=token,
            extra={"token_prefix": token.token_prefix, "scopes": clean_scopes, "expires_at": expiry.isoformat()},
        )
    token.plain_token = raw
    return token


def token_update(*, actor, token: ApiToken, data: dict) -> ApiToken:
    """Rename, deactivate or reactivate a token (its owner only: the view resolves it through the
    owner's tokens). Raises Conflict for a revoked token, which stays revoked for good."""
    if token.is_revoked:
        raise Conflict("The token is revoked and cannot be changed.")
    with transaction.atomic():
        _, changes = model_update(instance=token, fields=("name", "is_active"), data=data)
        if "is_active" in changes:
            record_action(
                "token.activated" if token.is_active else "token.deactivated",
                actor=actor,
                target=token,
                changes={"is_active": [str(changes["is_active"]["old"]), str(changes["is_active"]["new"])]},
            )
    return token


def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke a token for good; the row stays for the audit trail. Revoking twice is a no-op.
    Audited as token.revoked."""
    if token.is_revoked:
        return token
    with transaction.atomic():
        token.is_revoked = True
        token.revoked_at = timezone.now()
        token.save(update_fields=["is_revoked", "revoked_at", "updated_at"])
        record_action("token.revoked", actor=actor, target=token, extra={"token_prefix": token.token_prefix})
    return token


def token_authenticate(raw: str) -> ApiToken | None:
    """The usable token whose secret is `raw`, with its user loaded; None when unknown, expired,
    revoked or inactive. Touches last_used_at at most once a minute."""
    token = ApiToken.objects.select_related("user").filter(token_hash=hash_token(raw)).first()
    if token is None or not token.is_usable:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
