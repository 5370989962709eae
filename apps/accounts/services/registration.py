"""Registration and e-mail verification, and the profile fields chosen at registration."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.accounts.choices import OneTimeTokenPurpose, UserStatus
from apps.accounts.models import User
from apps.accounts.services.emails import _schedule_email, _send, _token_consume, _token_issue
from apps.accounts.services.password import _validated_password
from apps.core.audit import record_action
from apps.core.exceptions import Conflict


def _check_unique(*, email: str | None = None, username: str | None = None, exclude_pk=None) -> None:
    others = User.objects.exclude(pk=exclude_pk) if exclude_pk else User.objects.all()
    if email and others.filter(email__iexact=email).exists():
        raise Conflict("An account with this e-mail address already exists.", details={"email": ["taken"]})
    if username and others.filter(username__iexact=username).exists():
        raise Conflict("This username is taken.", details={"username": ["taken"]})


def user_register(*, email: str, username: str, password: str, full_name: str = "") -> User:
    """Create a `pending_verification` account and e-mail its verification link (after commit).

    Raises Conflict (e-mail or username taken) and ValidationFailed (password rules).
    Writes no audit action; emits no domain event.
    """
    email = User.objects.normalize_email(email).strip().lower()
    username = username.strip()
    _check_unique(email=email, username=username)
    user = User(email=email, username=username, full_name=full_name.strip(), status=UserStatus.PENDING_VERIFICATION)
    _validated_password(password, user)
    user.set_password(password)
    with transaction.atomic():
        user.save(force_insert=True)
        _schedule_email("verification", user)
    return user


def email_verification_send(*, user: User) -> None:
    """Issue a verification token and e-mail its link, if the account still waits for one.

    Raises nothing of its own (mail transport errors propagate, so the Celery task retries).
    Writes no audit action; emits no domain event.
    """
    if user.status != UserStatus.PENDING_VERIFICATION:
        return
    hours = settings.EMAIL_VERIFICATION_HOURS
    raw = _token_issue(user, OneTimeTokenPurpose.EMAIL_VERIFICATION, timedelta(hours=hours))
    link = f"{settings.FRONTEND_URL}/verify-email?user_id={user.pk}&token={raw}"
    _send(
        user,
        template="verify_email",
        subject="Confirm your PronaFlow e-mail address",
        context={"link": link, "hours": hours},
    )


def email_verification_resend(*, email: str) -> None:
    """Send the verification e-mail again if `email` belongs to an unverified account; silent otherwise.

    Raises nothing. Writes no audit action; emits no domain event.
    """
    user = User.objects.filter(email__iexact=email.strip(), status=UserStatus.PENDING_VERIFICATION).first()
    if user is not None:
        with transaction.atomic():
            _schedule_email("verification", user)


def email_verify(*, user_id, token: str) -> User:
    """Confirm the address with the e-mailed token (single use, EMAIL_VERIFICATION_HOURS).

    Raises InvalidRequest for an unknown, used or expired token (the same answer for all).
    Audit: `user.email_verified`; emits no domain event.
    """
    with transaction.atomic():
        user = _token_consume(user_id, OneTimeTokenPurpose.EMAIL_VERIFICATION, token)
        user.email_verified_at = timezone.now()
        fields = ["email_verified_at", "updated_at"]
        if user.status == UserStatus.PENDING_VERIFICATION:
            user.status = UserStatus.ACTIVE
            fields.append("status")
        user.save(update_fields=fields)
        record_action("user.email_verified", actor=user, target=user)
    return user


def user_profile_update(*, actor: User, data: dict) -> User:
    """PATCH /auth/me: full_name and username. Raises Conflict for a taken username.

    Writes no audit action; emits no domain event.
    """
    fields = []
    if "username" in data and data["username"] != actor.username:
        _check_unique(username=data["username"], exclude_pk=actor.pk)
        actor.username = data["username"]
        fields.append("username")
    if "full_name" in data:
        actor.full_name = data["full_name"].strip()
        fields.append("full_name")
    if fields:
        with transaction.atomic():
            actor.save(update_fields=[*fields, "updated_at"])
    return actor
