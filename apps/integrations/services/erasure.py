"""Module 12's part of a GDPR erasure (registered with apps.accounts.erasure)."""

from __future__ import annotations

from django.utils import timezone

from apps.integrations.models import ApiToken, Consent, OAuthConnection, Webhook


def user_integrations_revoke(*, user) -> dict[str, int]:
    """Stop everything that acts for `user`, who is being erased: revoke their API tokens, deactivate
    their OAuth connections (dropping the stored provider tokens and account id) and the webhooks
    they created, and forget the IP address of their consents. Rows stay for the audit trail.
    Idempotent; returns counts {"api_tokens_revoked", "oauth_connections_revoked",
    "webhooks_deactivated"}. No event; the erasure's `user.erased` audit entry records the counts."""
    now = timezone.now()
    tokens = ApiToken.objects.filter(user=user, is_revoked=False).update(
        is_revoked=True, is_active=False, revoked_at=now, updated_at=now
    )
    connections = 0
    for connection in OAuthConnection.objects.filter(user=user).exclude(external_user_id__startswith="erased-"):
        OAuthConnection.objects.filter(pk=connection.pk).update(
            is_active=False,
            access_token_encrypted="",
            refresh_token_encrypted="",
            external_user_id=f"erased-{connection.pk}",
            updated_at=now,
        )
        connections += 1
    webhooks = Webhook.objects.filter(created_by=user, is_active=True).update(is_active=False, updated_at=now)
    Consent.objects.filter(user=user).exclude(ip_address=None).update(ip_address=None)
    return {"api_tokens_revoked": tokens, "oauth_connections_revoked": connections, "webhooks_deactivated": webhooks}
