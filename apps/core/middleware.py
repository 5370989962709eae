"""Request ids, rate-limit headers and Cache-Control for every API response."""

import re
import uuid

from apps.core.api.throttling import apply_rate_limit_headers, rate_limit_state_for
from apps.core.logging import current_request_id

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIDMiddleware:
    """Accepts a well-formed incoming X-Request-ID or makes one; echoes it on the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = current_request_id.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request.id
        return response


class RateLimitHeadersMiddleware:
    """Puts X-RateLimit-* on every /api/ response, errors included.

    The DRF throttle counts requests that reach it; requests rejected earlier (bad token,
    unknown route, forbidden) are counted here, so every API request is counted exactly once.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            apply_rate_limit_headers(response, rate_limit_state_for(request))
        return response


class ApiNoStoreMiddleware:
    """`Cache-Control: no-store` on every /api/ response (tokens, profiles, tenant data, exports,
    errors): no browser or shared cache keeps a copy. A view serving a public catalogue opts out by
    setting its own `Cache-Control` containing `public`; any other value set by a view (the live
    stream's `no-cache`) is replaced."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/") and "public" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-store"
        return response
