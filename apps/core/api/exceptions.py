"""The one exception handler: every failure answers in the error envelope with the spec's codes."""

import contextlib
import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, InterfaceError, OperationalError
from django.http import Http404
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import set_rollback

from apps.core.api.envelope import error_body
from apps.core.exceptions import DatabaseUnavailable, DomainError
from apps.core.idempotency import IdempotentReplay

logger = logging.getLogger("pronaflow.api")

# HTTP status -> the spec's error code, for errors DRF raises itself (413, 406 and 415 have codes of
# their own beside the spec's: a client can tell a wrong Content-Type or Accept from a bad value).
STATUS_CODES = {
    400: "INVALID_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "VALIDATION_ERROR",
    429: "RATE_LIMITED",
}


def field_errors(detail) -> dict:
    """DRF's nested error detail as field -> list of messages (nested fields kept nested)."""
    if isinstance(detail, dict):
        return {
            key: field_errors(value) if isinstance(value, dict) else _messages(value) for key, value in detail.items()
        }
    return {"non_field_errors": _messages(detail)}


def _messages(value) -> list:
    if isinstance(value, list):
        flat = []
        for item in value:
            flat.extend(
                _messages(item)
                if isinstance(item, list)
                else [field_errors(item) if isinstance(item, dict) else str(item)]
            )
        return flat
    return [str(value)]


def _respond(status: int, code: str, message: str, details=None, headers=None) -> Response:
    set_rollback()
    return Response(error_body(code, message, details), status=status, headers=headers)


def api_exception_handler(exc, context):
    if isinstance(exc, IdempotentReplay):  # not an error: the stored answer of an Idempotency-Key
        return exc.as_response()
    if isinstance(exc, (OperationalError, InterfaceError)):
        # Nothing is wrong with the request: 503 with Retry-After, not a 500.
        request = context.get("request")
        logger.warning(
            "Database unavailable on %s %s: %s", getattr(request, "method", "?"), getattr(request, "path", "?"), exc
        )
        exc = DatabaseUnavailable()
    if isinstance(exc, DomainError):
        retry_after = getattr(exc, "retry_after", None)
        headers = {"Retry-After": str(retry_after)} if retry_after else None
        return _respond(exc.status, exc.code, exc.message, exc.details, headers)
    if isinstance(exc, drf.ValidationError):
        return _respond(422, "VALIDATION_ERROR", "Validation failed.", field_errors(exc.detail))
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return _respond(422, "VALIDATION_ERROR", "Validation failed.", detail)
    if isinstance(exc, RequestDataTooBig):
        from django.conf import settings

        return _respond(
            413,
            "PAYLOAD_TOO_LARGE",
            f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.",
        )
    if isinstance(exc, Http404):
        return _respond(404, "NOT_FOUND", "Resource not found.")
    if isinstance(exc, DjangoPermissionDenied):
        return _respond(403, "FORBIDDEN", "You do not have permission to perform this action.")
    if isinstance(exc, DataError):
        # A value the serializers let through but the database cannot store or compare
        # (out-of-range dates, numbers): the request's fault, not the server's.
        logger.info("Data error: %s", exc)
        return _respond(400, "INVALID_REQUEST", "A value is out of the range the server accepts.")
    if isinstance(exc, IntegrityError):
        logger.info("Integrity conflict: %s", exc)
        return _respond(409, "CONFLICT", "The request conflicts with an existing resource.")
    if isinstance(exc, drf.APIException):
        if isinstance(exc, drf.NotAcceptable):
            _identify(context.get("request"))
        status = exc.status_code
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if isinstance(exc, drf.Throttled):
            headers["Retry-After"] = str(max(1, int(exc.wait or 1)))
            message = f"Rate limit exceeded. Retry in {headers['Retry-After']} seconds."
        else:
            message = _detail_message(exc.detail)
        if isinstance(exc, drf.ParseError):
            message = f"Malformed request body: {message}"
        code = STATUS_CODES.get(status, "INVALID_REQUEST" if status < 500 else "INTERNAL_ERROR")
        return _respond(status, code, message, headers=headers or None)
    request = context.get("request")
    logger.exception("Unhandled error on %s %s", getattr(request, "method", "?"), getattr(request, "path", "?"))
    return _respond(
        500, "INTERNAL_ERROR", "An unexpected error occurred. Quote the X-Request-ID header when reporting it."
    )


def _identify(request) -> None:
    """Authenticate a request DRF refused before it authenticated it (content negotiation comes
    first: a 406), so that the rate limit counts it against its caller, not the anonymous bucket
    of its IP. Credentials that fail leave it anonymous."""
    if request is None:
        return
    with contextlib.suppress(drf.APIException):
        request.user  # noqa: B018 - runs the authenticators once; DRF keeps the outcome


def _detail_message(detail) -> str:
    if isinstance(detail, (list, tuple)) and detail:
        return str(detail[0])
    if isinstance(detail, dict) and detail:
        return str(next(iter(detail.values())))
    return str(detail)
