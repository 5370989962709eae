"""Request ids, rate-limit headers and Cache-Control for every API response; chunked request bodies
and the unread rest of a request body."""

import contextlib
import io
import re
import time
import uuid

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import UnreadablePostError

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


class ChunkedBodyMiddleware:
    """Reads a `Transfer-Encoding: chunked` body (no Content-Length) so Django can parse it.

    Django sizes the body by CONTENT_LENGTH alone, so a chunked body (which gunicorn de-chunks and
    ends, flagging `wsgi.input_terminated`) would be read as empty: a JSON create answered 422, and an
    oversized one was never refused. Here at most DATA_UPLOAD_MAX_MEMORY_SIZE + 1 bytes are read and
    the request gets them with their length, so the body parses as usual and one byte too many
    raises RequestDataTooBig on reading, like an oversized Content-Length body (413
    PAYLOAD_TOO_LARGE on the API). Servers that do not end the stream are left alone (reading could
    block). Sits before anything that reads the body (audit context, idempotency fingerprint)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        if (
            "chunked" in meta.get("HTTP_TRANSFER_ENCODING", "").lower()
            and not meta.get("CONTENT_LENGTH")
            and meta.get("wsgi.input_terminated")
        ):
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            stream = meta["wsgi.input"]
            raw = stream.read() if limit is None else stream.read(limit + 1)
            meta["CONTENT_LENGTH"] = str(len(raw))
            # WSGIRequest sized its stream from the missing CONTENT_LENGTH (0): give it the bytes read.
            request._stream = LimitedStream(io.BytesIO(raw), len(raw))
        return self.get_response(request)


# How long a response waits for the unread rest of its request body (UnreadBodyMiddleware).
UNREAD_BODY_SECONDS = 2.0


class UnreadBodyMiddleware:
    """Under gunicorn, reads what a request left of its body before the response goes out (bodies up
    to DATA_UPLOAD_MAX_MEMORY_SIZE, for at most UNREAD_BODY_SECONDS).

    An answer given without reading the body (401 before authentication, 404, 405, 406...) leaves it
    on the connection. gunicorn then reads at most 64 KB of it and otherwise closes the keep-alive
    connection after a response that said `Connection: keep-alive`, so the client's next request on
    that connection failed ("server disconnected"): a client that sent 1 MB to a wrong path lost its
    following request too. The wait is bounded through the socket's timeout: a body that never
    arrives whole (a slow or truncated client) gets its answer after UNREAD_BODY_SECONDS and
    gunicorn closes the connection, instead of holding a worker thread. A body over the limit is not
    read (gunicorn closes the connection after the answer). Other servers are left to drain or close
    on their own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        sock = request.META.get("gunicorn.socket")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return response
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        # `_body` is there once Django read the body whole (request.body, a parsed JSON body).
        if sock is None or length <= 0 or (limit is not None and length > limit) or hasattr(request, "_body"):
            return response
        previous = sock.gettimeout()
        deadline = time.monotonic() + UNREAD_BODY_SECONDS
        # Bounded by CONTENT_LENGTH and the deadline; a read that times out or a client that went
        # away ends it (Django raises UnreadablePostError for both).
        with contextlib.suppress(UnreadablePostError, OSError):
            try:
                while (left := deadline - time.monotonic()) > 0:
                    sock.settimeout(left)
                    if not request.read(65536):
                        break
            finally:
                sock.settimeout(previous)
        return response
