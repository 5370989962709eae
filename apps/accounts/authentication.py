"""Bearer authentication for the API (JWT access tokens of a live session)."""

from django.core.signals import setting_changed
from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.authentication import JWTAuthentication as SimpleJWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.utils import aware_utcnow, get_md5_hash_password

from apps.accounts.selectors import session_check, user_by_id
from apps.accounts.tokens import SESSION_CLAIM
from apps.core.api.throttling import counted, user_window
from apps.core.audit import bind_actor

# Raw access token -> its payload, once its signature and claims were checked in this process. A repeat
# is the same bytes (header, payload and signature), so only the checks that depend on the time run
# again. Bounded; emptied when the JWT settings change (tests).
_verified: dict[bytes, dict] = {}
_VERIFIED_MAX = 4096


def _forget_verified(*, setting, **kwargs) -> None:
    if setting == "SIMPLE_JWT":
        _verified.clear()


setting_changed.connect(_forget_verified)


class JWTAuthentication(SimpleJWTAuthentication):
    """simplejwt's bearer authentication, plus: the token's session must still be live and the account
    active (a logout, revocation, password change or suspension ends access at once, not at expiry).
    Binds the caller as the actor of audit entries. The scheme is case-insensitive (RFC 7235), so
    `bearer`, the token_type the login answers, works as well as `Bearer`."""

    def get_raw_token(self, header: bytes) -> bytes | None:
        parts = header.split(maxsplit=1)
        schemes = {scheme.lower().encode() for scheme in api_settings.AUTH_HEADER_TYPES}
        if parts and parts[0].lower() in schemes:
            header = b" ".join([api_settings.AUTH_HEADER_TYPES[0].encode(), *parts[1:]])
        return super().get_raw_token(header)

    def get_validated_token(self, raw_token: bytes):
        """simplejwt's, with PyJWT's decoding and signature check done once per process for the same
        token: a repeat gets a fresh token object on a copy of the stored payload and runs
        `Token.verify()` (expiry with the leeway, id and type claims) at the current time. A repeat
        that fails those checks takes simplejwt's whole path, so its errors are simplejwt's."""
        token_classes = api_settings.AUTH_TOKEN_CLASSES
        payload = _verified.get(raw_token) if len(token_classes) == 1 else None
        if payload is not None:
            token = token_classes[0].__new__(token_classes[0])
            token.token, token.current_time, token.payload = raw_token, aware_utcnow(), dict(payload)
            try:
                token.verify()
            except TokenError:
                _verified.pop(raw_token, None)
            else:
                return token
        token = super().get_validated_token(raw_token)
        if len(token_classes) == 1 and type(token) is token_classes[0]:
            if len(_verified) >= _VERIFIED_MAX:
                _verified.clear()
            _verified[raw_token] = dict(token.payload)
        return token

    def get_user(self, validated_token):
        """simplejwt's get_user (the same checks, errors and messages), reading the row with the
        precompiled `user_by_id` instead of building a query per request."""
        try:
            user_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError as error:
            raise InvalidToken(_("Token contained no recognizable user identification")) from error
        if api_settings.USER_ID_FIELD not in ("id", "pk"):
            return super().get_user(validated_token)
        user = user_by_id(user_id)
        if user is None:
            raise AuthenticationFailed(_("User not found"), code="user_not_found")
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        revoked = api_settings.CHECK_REVOKE_TOKEN
        if revoked and validated_token.get(api_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(user.password):
            raise AuthenticationFailed(_("The user's password has been changed."), code="password_changed")
        return user

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, token = result
        if not user.may_sign_in:
            raise AuthenticationFailed(_("The account is not active."), code="user_inactive")
        # The session check and the request's rate-limit count share one Redis round trip. Only /api/
        # requests are counted (RateLimitHeadersMiddleware counts each exactly once).
        django_request = request._request
        window = user_window(user) if django_request.path.startswith("/api/") else None
        live, state = session_check(token.get(SESSION_CLAIM), user_id=user.pk, window=window)
        if not live:
            raise AuthenticationFailed(_("The session has ended. Sign in again."), code="session_ended")
        if state is not None:
            counted(django_request, state)
        bind_actor(user)
        return result
