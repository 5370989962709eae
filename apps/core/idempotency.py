"""Idempotent POSTs with Stripe's semantics: the `Idempotency-Key` request header.

A client that sends `Idempotency-Key: <1-255 printable ASCII characters>` on a POST may repeat that
request safely (after a timeout, a dropped connection, a 502):

- the first request's status and body are stored for IDEMPOTENCY_KEY_TTL_HOURS (24 h), keyed by
  (caller, method, path, key), where the caller is the API token (`token:<id>`) or else the user
  (`user:<id>`), together with a SHA-256 fingerprint of the raw request body;
- a repeat with the same body answers the stored status and body with `Idempotent-Replayed: true`
  and runs nothing;
- the same key with another body answers 422 VALIDATION_ERROR naming the header;
- a repeat while the first request is still running waits for it and replays its answer (409
  CONFLICT for a claim that no request holds any more, until IDEMPOTENCY_LOCK_SECONDS);
- 5xx answers are not stored, and nothing of such a request is kept (one transaction, below): the
  request may be retried with the same key;
- the claim, the view's writes and the stored answer commit in one transaction, so a created row
  without its stored answer (which a retry would create again) cannot exist; a database lost on the
  way answers 503 SERVICE_UNAVAILABLE with nothing kept;
- anonymous requests ignore the header; a malformed key answers 400 INVALID_REQUEST.

Where it hooks in, and why
--------------------------
The caller is only known once DRF has authenticated the request, which happens inside the view, so
a plain Django middleware cannot claim the key before the view runs; authenticating a second time
in a middleware would repeat the authenticators' side effects (API-token usage counting, the audit
actor). Making every view inherit a mixin would touch every app. So the work is split between two
pieces, both configured once in settings and both in this module:

1. `IdempotencyGate` is listed last in REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]. Throttles are
   the one per-view hook DRF runs from its default settings *after* authentication and permission
   checks and *before* the handler (no view overrides `throttle_classes`; a test keeps it so). It
   validates the key, claims it by inserting the row first (the unique constraint arbitrates
   concurrent requests: a second insert of the same key waits for the first request's transaction),
   or answers the replay / 409 / 422 by raising.
2. `IdempotencyMiddleware` (last in MIDDLEWARE, so it sees the rendered response before the
   request-id and rate-limit headers are added) reads the raw body for the fingerprint before DRF
   parses it, opens the request's transaction (keyed requests only), and after the view stores
   the status and body on the claimed row in it, or rolls it all back on a 5xx or an exception.

A replay is raised as `IdempotentReplay`, which `api_exception_handler` turns back into the stored
response. Requests refused before the gate (401, 403 by a permission class, 429) never claim a
key, so they are not stored; everything the view answers below 500 is (Stripe stores 4xx too).
Every signed-in POST honours the header; the schema documents it on the operations that create
something (201, or 202 for a queued job), via the `add_idempotency_key_parameter` hook.

A claim left unfinished by a crashed worker is taken over after IDEMPOTENCY_LOCK_SECONDS.
`idempotency_keys_expire()` (beat job `apps.core.tasks.idempotency_key_expire_task`) deletes keys
older than the TTL; expired rows are also ignored at lookup, so the TTL holds between runs.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from rest_framework.throttling import BaseThrottle

from apps.core.api.envelope import error_body
from apps.core.exceptions import Conflict, DatabaseUnavailable, InvalidRequest, ValidationFailed
from apps.core.models import IdempotencyKey

logger = logging.getLogger("pronaflow.idempotency")

HEADER = "Idempotency-Key"
META_KEY = "HTTP_IDEMPOTENCY_KEY"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_PATTERN = re.compile(r"^[\x20-\x7e]{1,255}$")
# The same rule for the OpenAPI schema (ECMA-262 syntax).
KEY_SCHEMA_PATTERN = r"^[\x20-\x7E]{1,255}$"
METHODS = frozenset({"POST"})


def ttl() -> timedelta:
    return timedelta(hours=getattr(settings, "IDEMPOTENCY_KEY_TTL_HOURS", 24))


def lock_timeout() -> timedelta:
    return timedelta(seconds=getattr(settings, "IDEMPOTENCY_LOCK_SECONDS", 300))


class IdempotentReplay(Exception):
    """Raised by the gate to answer a repeat with the stored response."""

    def __init__(self, record: IdempotencyKey) -> None:
        super().__init__("idempotent replay")
        self.record = record

    def as_response(self) -> HttpResponse:
        record = self.record
        body = bytes(record.response_body or b"")
        response = HttpResponse(body, status=record.status_code, content_type=record.content_type or None)
        if not body and record.status_code == 204:
            del response["Content-Type"]
        response[REPLAYED_HEADER] = "true"
        return response


def _caller(request) -> str | None:
    """'token:<id>' for API-token requests, 'user:<id>' for other signed-in ones, None when anonymous."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    token_key = getattr(getattr(request, "auth", None), "rate_limit_key", None)
    return f"token:{token_key}" if token_key else f"user:{user.pk}"


def _claim(*, caller: str, method: str, path: str, key: str, fingerprint: str) -> IdempotencyKey:
    """Insert the row (the claim) or raise the answer a repeat deserves. One retry after removing
    an expired or abandoned row."""
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return IdempotencyKey.objects.create(
                    caller=caller, method=method, path=path, key=key, fingerprint=fingerprint
                )
        except IntegrityError:
            pass  # the key is taken: what it holds decides the answer below
        existing = IdempotencyKey.objects.filter(caller=caller, method=method, path=path, key=key).first()
        if existing is None:  # released (5xx) between our insert and this read: claim again
            continue
        now = timezone.now()
        if existing.created_at <= now - ttl() or (
            existing.status_code is None and existing.created_at <= now - lock_timeout()
        ):
            IdempotencyKey.objects.filter(pk=existing.pk, created_at=existing.created_at).delete()
            continue
        if existing.status_code is None:
            raise _in_progress()
        if existing.fingerprint != fingerprint:
            raise ValidationFailed(
                {HEADER: ["This key was already used with a different request body; use a new key."]}
            )
        raise IdempotentReplay(existing)
    raise _in_progress()


def _in_progress() -> Conflict:
    return Conflict(
        "A request with this Idempotency-Key is still being processed; retry later.",
        details={HEADER: ["A request with this key is still being processed."]},
    )


class IdempotencyGate(BaseThrottle):
    """Claims the request's Idempotency-Key after authentication (see the module docstring).

    Listed in DEFAULT_THROTTLE_CLASSES after the rate limiter; never throttles by itself."""

    def allow_request(self, request, view) -> bool:
        django_request = request._request
        if request.method not in METHODS or META_KEY not in django_request.META:
            return True
        rate_limit = getattr(django_request, "rate_limit", None)
        if rate_limit is not None and rate_limit.exceeded:  # DRF asks every throttle: nothing to claim
            return True
        if getattr(django_request, "idempotency_record", None) is not None:  # already claimed
            return True
        caller = _caller(request)
        if caller is None:
            return True
        key = django_request.META[META_KEY]
        if not KEY_PATTERN.match(key):
            raise InvalidRequest(
                "Invalid Idempotency-Key header.",
                details={HEADER: ["Must be 1 to 255 printable ASCII characters."]},
            )
        fingerprint = getattr(django_request, "idempotency_fingerprint", None)
        if fingerprint is None:  # the middleware is not installed (or the body was unreadable)
            fingerprint = _fingerprint(django_request)
        record = _claim(
            caller=caller, method=request.method, path=django_request.path, key=key, fingerprint=fingerprint
        )
        django_request.idempotency_record = record
        return True

    def wait(self) -> float | None:
        return None


def _fingerprint(request) -> str:
    return hashlib.sha256(request.body).hexdigest()


class IdempotencyMiddleware:
    """Fingerprints the body before DRF reads it; runs a keyed request in one transaction with its
    claim, and completes or releases the claim in that same transaction (see `_keyed`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in METHODS or META_KEY not in request.META or not request.path.startswith("/api/"):
            return self.get_response(request)
        try:
            request.idempotency_fingerprint = _fingerprint(request)
        except Exception:  # e.g. RequestDataTooBig: let the view report it
            logger.info("Idempotency-Key: request body unreadable", exc_info=True)
        try:
            return self._keyed(request)
        except (OperationalError, InterfaceError):
            # The database went away mid-request or at the commit: nothing was stored or kept, so a
            # retry with the same key is a first try.
            logger.warning(
                "Idempotency-Key: database unavailable on %s %s", request.method, request.path, exc_info=True
            )
            return _database_unavailable()

    def _keyed(self, request):
        """The claim, the view's writes and the stored answer commit together, or none of them does.

        Completed after the commit instead, a database lost in between left rows the client never
        saw a 201 for: the key released (a retry created them twice) or held (every retry answered 409
        until the claim was taken over, then ran again). A 5xx rolls the whole request back; a repeat
        that arrives while the first runs waits for it on the key's unique index and replays it."""
        with transaction.atomic():
            response = self.get_response(request)
            record = getattr(request, "idempotency_record", None)
            if response.status_code >= 500:
                transaction.set_rollback(True)
                request.idempotency_record = None
            elif record is not None:
                if response.streaming:  # not replayable: the writes stand, the key is free again
                    _release(request)
                else:
                    _complete(record, response)
        return response


def _database_unavailable() -> JsonResponse:
    error = DatabaseUnavailable()
    response = JsonResponse(error_body(error.code, error.message), status=error.status)
    response["Retry-After"] = str(error.retry_after)
    return response


def _release(request) -> None:
    record = getattr(request, "idempotency_record", None)
    if record is not None:
        IdempotencyKey.objects.filter(pk=record.pk).delete()
        request.idempotency_record = None


def _complete(record: IdempotencyKey, response) -> None:
    IdempotencyKey.objects.filter(pk=record.pk).update(
        status_code=response.status_code,
        content_type=response.get("Content-Type", "")[:150],
        response_body=response.content,
        completed_at=timezone.now(),
    )


def idempotency_keys_expire(*, now=None) -> int:
    """Delete keys older than the TTL; returns how many."""
    cutoff = (now or timezone.now()) - ttl()
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def add_idempotency_key_parameter(result, generator, request, public):
    """drf-spectacular postprocessing hook: documents the Idempotency-Key header on every POST that
    creates something (an operation answering 201, or 202 for a queued job)."""
    parameter = {
        "name": HEADER,
        "in": "header",
        "required": False,
        "description": (
            "Makes the request safe to retry: a repeat with the same key and body within 24 hours answers "
            "the first response again (with `Idempotent-Replayed: true`) instead of creating anything; the "
            "same key with another body answers 422, a repeat while the first is running waits for it and "
            "replays its answer, and a 5xx answer keeps nothing, so the key can be retried. "
            "Use a fresh random value (e.g. a UUID) per operation."
        ),
        "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": KEY_SCHEMA_PATTERN},
    }
    replayed = {
        "description": "`true` when this is the stored answer of an earlier request with the same Idempotency-Key.",
        "schema": {"type": "string", "enum": ["true"]},
    }
    for path_item in result.get("paths", {}).values():
        operation = path_item.get("post")
        responses = operation.get("responses", {}) if operation else {}
        if "201" not in responses and "202" not in responses:
            continue
        parameters = operation.setdefault("parameters", [])
        if not any(p.get("in") == "header" and p.get("name") == HEADER for p in parameters):
            parameters.append(dict(parameter))
        for status, response in responses.items():
            if status.startswith("2"):
                response.setdefault("headers", {}).setdefault(REPLAYED_HEADER, dict(replayed))
    return result
