"""API-token authentication: `Authorization: Bearer prona_...`.

Listed first in DEFAULT_AUTHENTICATION_CLASSES. Any other bearer value (a JWT) returns None so the
JWT authentication that follows handles it. A `prona_` value that is unknown, expired, revoked or
inactive, or whose owner's account is not active, is a 401 — never a fall-through.
"""

from __future__ import annotations

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from apps.accounts.choices import UserStatus
from apps.core.audit import bind_actor
from apps.integrations.services.tokens import TOKEN_PREFIX, token_authenticate
from apps.integrations.services.usage import endpoint_template, usage_record

TOKEN_PREFIX_BYTES = TOKEN_PREFIX.encode()


class ApiTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if len(parts) != 2 or parts[0].lower() != self.keyword or not parts[1].startswith(TOKEN_PREFIX_BYTES):
            return None
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed("Invalid API token.") from None
        token = token_authenticate(raw)
        if token is None:
            raise AuthenticationFailed("The API token is invalid, expired, revoked or inactive.")
        user = token.user
        if not user.is_active or user.status != UserStatus.ACTIVE:
            raise AuthenticationFailed("The account that owns this API token is not active.")
        bind_actor(user)
        django_request = request._request
        usage_record(token=token, method=request.method, endpoint=endpoint_template(django_request))
        return user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
