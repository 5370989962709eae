"""TOTP multi-factor authentication: checking a TOTP or backup code, and setting MFA up,
confirming, disabling it and regenerating the backup codes."""

from __future__ import annotations

import base64
import hmac
import io
import secrets
from datetime import timedelta

import pyotp
import qrcode
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import MFABackupCode, User
from apps.accounts.services.lockout import _fail
from apps.accounts.services.password import _verify_password_or_fail
from apps.core import crypto
from apps.core.audit import record_action
from apps.core.exceptions import Conflict, ValidationFailed

MFA_ISSUER = "PronaFlow"
BACKUP_CODE_COUNT = 10
BACKUP_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i look-alikes


def _totp_step(user: User, code: str) -> int | None:
    """The time step `code` belongs to (current one, or one either side for clock drift), or None."""
    code = (code or "").strip().replace(" ", "")
    if not user.mfa_secret or not code.isdigit():
        return None
    totp = pyotp.TOTP(crypto.decrypt(user.mfa_secret))
    now = timezone.now()
    for offset in (0, -1, 1):
        moment = now + timedelta(seconds=offset * totp.interval)
        if hmac.compare_digest(totp.at(moment), code):
            return totp.timecode(moment)
    return None


def _accept_totp(user: User, code: str) -> bool:
    """True if `code` is valid and newer than the last accepted one; records its step. Caller locks the row."""
    step = _totp_step(user, code)
    if step is None or (user.mfa_last_used_step is not None and step <= user.mfa_last_used_step):
        return False
    user.mfa_last_used_step = step
    User.objects.filter(pk=user.pk).update(mfa_last_used_step=step)
    return True


def _normalise_backup_code(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def _accept_backup_code(user: User, code: str) -> bool:
    normalised = _normalise_backup_code(code)
    if not normalised:
        return False
    return (
        MFABackupCode.objects.filter(
            user=user, code_hash=crypto.keyed_hash(normalised, purpose="accounts"), used_at__isnull=True
        ).update(used_at=timezone.now())
        == 1
    )


def _accept_second_factor(user: User, *, totp_code: str | None, backup_code: str | None) -> bool:
    if totp_code:
        return _accept_totp(user, totp_code)
    return _accept_backup_code(user, backup_code or "")


def _qr_data_url(uri: str) -> str:
    buffer = io.BytesIO()
    qrcode.make(uri).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def mfa_enable(*, actor: User) -> dict:
    """Start TOTP set-up: a new secret (encrypted at rest), its otpauth URI and QR code.

    MFA stays off until `mfa_confirm`. Raises Conflict when MFA is already on.
    Writes no audit action; emits no domain event.
    """
    if actor.mfa_enabled:
        raise Conflict("MFA is already enabled.")
    secret = pyotp.random_base32()
    with transaction.atomic():
        actor.mfa_secret = crypto.encrypt(secret)
        actor.mfa_last_used_step = None
        actor.save(update_fields=["mfa_secret", "mfa_last_used_step", "updated_at"])
    uri = pyotp.TOTP(secret).provisioning_uri(name=actor.email, issuer_name=MFA_ISSUER)
    return {"secret": secret, "otpauth_uri": uri, "qr_code": _qr_data_url(uri)}


def _new_backup_codes(user: User) -> list[str]:
    MFABackupCode.objects.filter(user=user).delete()
    codes = []
    for _ in range(BACKUP_CODE_COUNT):
        raw = "".join(secrets.choice(BACKUP_CODE_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    MFABackupCode.objects.bulk_create(
        [
            MFABackupCode(user=user, code_hash=crypto.keyed_hash(_normalise_backup_code(c), purpose="accounts"))
            for c in codes
        ]
    )
    return codes


def mfa_confirm(*, actor: User, totp_code: str) -> list[str]:
    """Turn MFA on with a code from the authenticator; returns the 10 one-time backup codes.

    Raises Conflict (already on, or set-up not started) and ValidationFailed (wrong code).
    Audit: `user.mfa_enabled`; emits no domain event.
    """
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        if user.mfa_enabled:
            raise Conflict("MFA is already enabled.")
        if not user.mfa_secret:
            raise Conflict("Start MFA set-up with /auth/mfa/enable first.")
        if not _accept_totp(user, totp_code):
            raise ValidationFailed.field("totp_code", "Invalid authentication code.")
        user.mfa_enabled = True
        user.save(update_fields=["mfa_enabled", "updated_at"])
        codes = _new_backup_codes(user)
        record_action("user.mfa_enabled", actor=actor, target=user)
    actor.mfa_enabled = True
    return codes


def mfa_disable(
    *, actor: User, password: str, totp_code: str | None = None, backup_code: str | None = None, ip=None
) -> None:
    """Turn MFA off: needs the password and a current TOTP (or backup) code; wrong ones count towards lockout.

    Raises Conflict (MFA is off), ValidationFailed, RateLimited. Audit: `user.mfa_disabled`
    (a wrong password or code writes `user.login_failed`); emits no domain event.
    """
    if not actor.mfa_enabled:
        raise Conflict("MFA is not enabled.")
    _verify_password_or_fail(actor, password, field="password", ip=ip)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        accepted = _accept_second_factor(user, totp_code=totp_code, backup_code=backup_code)
        if accepted:
            user.mfa_enabled = False
            user.mfa_secret = ""
            user.mfa_last_used_step = None
            user.save(update_fields=["mfa_enabled", "mfa_secret", "mfa_last_used_step", "updated_at"])
            MFABackupCode.objects.filter(user=user).delete()
            record_action("user.mfa_disabled", actor=actor, target=user)
    if not accepted:
        field = "totp_code" if totp_code else "backup_code"
        _fail(actor, reason="mfa", ip=ip, error=ValidationFailed.field(field, "Invalid authentication code."))
    actor.mfa_enabled = False


def mfa_backup_codes_regenerate(*, actor: User) -> list[str]:
    """Replace the backup codes (the old ones stop working). Raises Conflict when MFA is off.

    Audit: `user.mfa_backup_codes_regenerated`; emits no domain event.
    """
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        if not user.mfa_enabled:
            raise Conflict("MFA is not enabled.")
        codes = _new_backup_codes(user)
        record_action("user.mfa_backup_codes_regenerated", actor=actor, target=user)
    return codes
