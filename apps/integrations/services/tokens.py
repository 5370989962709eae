"""API tokens: create (the secret is shown once), update, revoke, authenticate.

A token is `prona_` + 32 random base62 characters + 6 base62 characters of the CRC32 of those 32
(GitHub's format): secret scanners recognise a PronaFlow token offline (`prona_[0-9A-Za-z]{38}` whose
checksum matches), and a mistyped, truncated or made-up value is refused before any database lookup.

Only a digest is stored, with its scheme on the row (`hash_version`, NetBox v2's way): HMAC-SHA256
under the server pepper of that version (API_TOKEN_PEPPER, API_TOKEN_PEPPER_VERSION, older ones in
API_TOKEN_OLD_PEPPERS), so a copy of the database alone cannot be checked against guesses. Version 0
is the bare SHA-256 of tokens issued before (`prona_` + 43 URL-safe characters): they keep working,
and any token is re-hashed under the current pepper when it is used.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import string
import zlib
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
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
RANDOM_LENGTH = 32
CHECKSUM_LENGTH = 6
TOKEN_PATTERN = re.compile(rf"^{TOKEN_PREFIX}[0-9A-Za-z]{{{RANDOM_LENGTH + CHECKSUM_LENGTH}}}$")
DISPLAY_PREFIX_LENGTH = 10  # "prona_" + 4 characters of the secret
LEGACY_HASH_VERSION = 0  # the bare SHA-256 of tokens issued before peppered digests
LAST_USED_PRECISION = timedelta(minutes=1)
CREATION_WARNING = "Save this token securely - you won't see it again!"


def max_lifetime() -> timedelta:
    return timedelta(days=getattr(settings, "API_TOKEN_MAX_DAYS", 365))


def _base62(number: int, width: int) -> str:
    digits = ""
    while number:
        number, digit = divmod(number, 62)
        digits = BASE62[digit] + digits
    return digits.rjust(width, BASE62[0])


def token_checksum(random_part: str) -> str:
    """The 6 characters that end a token: the CRC32 of its random part, in base62, left-padded with 0."""
    return _base62(zlib.crc32(random_part.encode()), CHECKSUM_LENGTH)


def is_current_format(raw: str) -> bool:
    return bool(TOKEN_PATTERN.match(raw))


def is_well_formed(raw: str) -> bool:
    """False for a value of the current format whose checksum does not match; True for a valid one
    and for any value of the earlier format (which has no checksum)."""
    if not is_current_format(raw):
        return True
    body = raw[len(TOKEN_PREFIX) :]
    return hmac.compare_digest(token_checksum(body[:RANDOM_LENGTH]), body[RANDOM_LENGTH:])


def new_token_secret() -> str:
    random_part = "".join(secrets.choice(BASE62) for _ in range(RANDOM_LENGTH))
    return TOKEN_PREFIX + random_part + token_checksum(random_part)


def current_pepper_version() -> int:
    return int(getattr(settings, "API_TOKEN_PEPPER_VERSION", 1))


def peppers() -> dict[int, bytes]:
    """Pepper of every version still accepted; the current one is API_TOKEN_PEPPER (derived from
    SECRET_KEY when unset)."""
    known = {
        int(version): pepper.encode() for version, pepper in getattr(settings, "API_TOKEN_OLD_PEPPERS", {}).items()
    }
    current = getattr(settings, "API_TOKEN_PEPPER", "") or f"pronaflow.api-token-pepper:{settings.SECRET_KEY}"
    known[current_pepper_version()] = current.encode()
    return known


def hash_token(raw: str, version: int | None = None) -> str:
    """The stored digest of a token under hash scheme `version` (default: the current pepper)."""
    version = current_pepper_version() if version is None else version
    if version == LEGACY_HASH_VERSION:
        return hashlib.sha256(raw.encode()).hexdigest()
    return hmac.new(peppers()[version], raw.encode(), hashlib.sha256).hexdigest()


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
            hash_version=current_pepper_version(),
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
    """The usable token whose secret is `raw`, with its user loaded; None when its checksum is wrong
    (without a database lookup), or when it is unknown, expired, revoked or inactive. One indexed
    query whatever the number of peppers; a token found under an older scheme is re-hashed under the
    current pepper. Touches last_used_at at most once a minute."""
    if not is_well_formed(raw):
        return None
    versions = list(peppers())
    if not is_current_format(raw):
        versions.append(LEGACY_HASH_VERSION)
    digests = {version: hash_token(raw, version) for version in versions}
    token = ApiToken.objects.select_related("user").filter(token_hash__in=digests.values()).first()
    if token is None or digests.get(token.hash_version) != token.token_hash or not token.is_usable:
        return None
    current = current_pepper_version()
    if token.hash_version != current:
        token.token_hash, token.hash_version = digests[current], current
        ApiToken.objects.filter(pk=token.pk).update(token_hash=token.token_hash, hash_version=current)
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
