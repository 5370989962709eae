"""Domain exceptions. Services raise these; `apps.core.api.exceptions` maps them onto the envelope.

They carry no HTTP or DRF types so services stay usable from the admin, tasks and commands.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base class: `code` is one of the API error codes, `status` its HTTP status."""

    code = "INVALID_REQUEST"
    status = 400
    default_message = "Invalid request."

    def __init__(self, message: str | None = None, *, details: Any = None) -> None:
        self.message = message or self.default_message
        self.details = details
        super().__init__(self.message)


class InvalidRequest(DomainError):
    code, status, default_message = "INVALID_REQUEST", 400, "Invalid request parameters."


class NotAuthenticated(DomainError):
    code, status, default_message = "UNAUTHORIZED", 401, "Authentication credentials were not provided or are invalid."


class PermissionDenied(DomainError):
    code, status, default_message = "FORBIDDEN", 403, "You do not have permission to perform this action."


class NotFound(DomainError):
    code, status, default_message = "NOT_FOUND", 404, "Resource not found."


class Conflict(DomainError):
    code, status, default_message = "CONFLICT", 409, "The request conflicts with the current state of the resource."


class ValidationFailed(DomainError):
    """422 with `details` mapping field -> list of messages."""

    code, status, default_message = "VALIDATION_ERROR", 422, "Validation failed."

    def __init__(self, details: dict[str, list[str]] | None = None, message: str | None = None) -> None:
        super().__init__(message, details=details or {})

    @classmethod
    def field(cls, name: str, message: str) -> ValidationFailed:
        return cls({name: [message]})


class RateLimited(DomainError):
    code, status, default_message = "RATE_LIMITED", 429, "Rate limit exceeded."

    def __init__(self, message: str | None = None, *, retry_after: int, details: Any = None) -> None:
        super().__init__(message, details=details)
        self.retry_after = max(1, int(retry_after))


class ServiceUnavailable(DomainError):
    code, status, default_message = "SERVICE_UNAVAILABLE", 503, "A required service is unavailable."


class DatabaseUnavailable(ServiceUnavailable):
    """The database restarted, dropped the connection or is unreachable (a django.db OperationalError
    or InterfaceError, a deadlock victim included): a retry after `retry_after` seconds may succeed."""

    default_message = "The database is unavailable. Retry shortly."
    retry_after = 2
