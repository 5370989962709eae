"""The PronaFlow response envelope, built in one place.

`Envelope` marks a body that is already in its final shape, so the renderer leaves it alone.
Views return plain data (the renderer wraps it) or use `ok()` when they need a message or
extra top-level keys.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import status as http_status
from rest_framework.response import Response


class Envelope(dict):
    """A response body that already is an envelope."""


def utc_timestamp() -> str:
    return timezone.now().isoformat().replace("+00:00", "Z")


def ok(
    data: Any = None, *, message: str | None = None, status: int = http_status.HTTP_200_OK, **extra: Any
) -> Response:
    body = Envelope(success=True)
    if data is not None:
        body["data"] = data
    if message:
        body["message"] = message
    body.update(extra)
    return Response(body, status=status)


def error_body(code: str, message: str, details: Any = None) -> Envelope:
    return Envelope(
        success=False,
        error={"code": code, "message": message, "details": details if details is not None else {}},
        timestamp=utc_timestamp(),
    )
