"""JWT material: the access/refresh pair of a session and the short-lived MFA challenge token.

Claims of both session tokens: `sub` (user id), `email`, `username`, `roles`, `sid` (session id),
`iat`, `exp`, `jti`, `token_type`. Refresh tokens are written to simplejwt's outstanding-token table
so logout, rotation and revocation can blacklist them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken, Token
from rest_framework_simplejwt.utils import datetime_from_epoch

SESSION_CLAIM = "sid"
MFA_TOKEN_MINUTES = 5


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str
    refresh_jti: str
    refresh_expires_at: object  # aware datetime
    expires_in: int  # seconds until the access token expires


class MFAChallengeToken(Token):
    """Proof that the password step of a login succeeded; exchanged at /auth/mfa/verify."""

    token_type = "mfa"  # noqa: S105 (a token kind, not a secret)
    lifetime = timedelta(minutes=MFA_TOKEN_MINUTES)


def build_token_pair(user, session_id) -> TokenPair:
    """Signs a refresh token (recorded as outstanding) and its access token for `session_id`."""
    refresh = RefreshToken()
    refresh[api_settings.USER_ID_CLAIM] = str(user.pk)
    refresh["email"] = user.email
    refresh["username"] = user.username
    refresh["roles"] = user.roles
    refresh[SESSION_CLAIM] = str(session_id)
    access = refresh.access_token
    encoded = str(refresh)
    expires_at = datetime_from_epoch(refresh["exp"])
    OutstandingToken.objects.create(
        user=user, jti=refresh["jti"], token=encoded, created_at=refresh.current_time, expires_at=expires_at
    )
    return TokenPair(
        access=str(access),
        refresh=encoded,
        refresh_jti=refresh["jti"],
        refresh_expires_at=expires_at,
        expires_in=int(api_settings.ACCESS_TOKEN_LIFETIME.total_seconds()),
    )


def build_mfa_token(user) -> str:
    token = MFAChallengeToken()
    token[api_settings.USER_ID_CLAIM] = str(user.pk)
    return str(token)
