"""OAuth connections: a user links (or unlinks) an account of an enabled provider."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core import crypto
from apps.core.audit import record_action
from apps.core.exceptions import Conflict, ValidationFailed
from apps.integrations.models import OAuthApp, OAuthConnection


def connection_create(
    *, actor, oauth_app: OAuthApp, access_token: str, external_user_id: str, refresh_token: str | None = None
) -> OAuthConnection:
    """Store `actor`'s connection to `oauth_app` with its provider tokens encrypted at rest.
    Raises ValidationFailed when the provider is disabled, Conflict when this provider account is
    already connected. Audited as oauth.connected."""
    if not oauth_app.is_enabled:
        raise ValidationFailed.field(
            "oauth_app_id", f"{oauth_app.display_name} is disabled and accepts no connections."
        )
    if OAuthConnection.objects.filter(user=actor, oauth_app=oauth_app, external_user_id=external_user_id).exists():
        raise Conflict("This provider account is already connected. Disconnect it first to connect it again.")
    try:
        with transaction.atomic():
            connection = OAuthConnection.objects.create(
                user=actor,
                oauth_app=oauth_app,
                external_user_id=external_user_id,
                access_token_encrypted=crypto.encrypt(access_token),
                refresh_token_encrypted=crypto.encrypt_optional(refresh_token),
                last_verified_at=timezone.now(),
            )
            record_action(
                "oauth.connected",
                actor=actor,
                target=connection,
                extra={"provider": oauth_app.provider_name, "external_user_id": external_user_id},
            )
    except IntegrityError:
        raise Conflict("This provider account is already connected.") from None
    return connection


def connection_delete(*, actor, connection: OAuthConnection) -> None:
    """Disconnect: the row and its encrypted tokens are deleted. Audited as oauth.disconnected."""
    with transaction.atomic():
        record_action(
            "oauth.disconnected",
            actor=actor,
            target=connection,
            extra={"provider": connection.oauth_app.provider_name, "external_user_id": connection.external_user_id},
        )
        connection.delete()
