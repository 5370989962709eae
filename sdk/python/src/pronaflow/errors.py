"""Exceptions raised by the client.

Every error answer of the API (`{"success": false, "error": {"code", "message", "details"}}`) is
raised as a `PronaFlowError` subclass chosen by its `code` (or, failing that, its HTTP status).
"""

from __future__ import annotations

from typing import Any


class PronaFlowError(Exception):
    """An error answered by the API, or a failure to reach it.

    status: HTTP status (None when no response was received); code: the API error code
    (e.g. "VALIDATION_ERROR"); message; details (field -> messages for validation errors);
    request_id: the X-Request-ID header, to quote when reporting a problem.
    """

    default_code: str | None = None

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        details: Any = None,
        request_id: str | None = None,
        headers: dict[str, str] | None = None,
        body: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code or self.default_code
        self.details = details if details is not None else {}
        self.request_id = request_id
        self.headers = headers or {}
        self.body = body

    def __str__(self) -> str:
        parts = [f"{self.code or 'ERROR'}"]
        if self.status is not None:
            parts.append(f"({self.status})")
        parts.append(f": {self.message}")
        text = " ".join(parts[:-1]) + parts[-1]
        if self.details:
            text += f" details={self.details!r}"
        if self.request_id:
            text += f" [request id {self.request_id}]"
        return text

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status!r}, code={self.code!r}, message={self.message!r}, "
            f"request_id={self.request_id!r})"
        )


class APIConnectionError(PronaFlowError):
    """The server could not be reached (after the retries)."""

    default_code = "CONNECTION_ERROR"


class APITimeoutError(APIConnectionError):
    default_code = "TIMEOUT"


class APIStatusError(PronaFlowError):
    """An error answer whose code has no more specific class."""


class InvalidRequestError(APIStatusError):
    default_code = "INVALID_REQUEST"


class AuthenticationError(APIStatusError):
    default_code = "UNAUTHORIZED"


class PermissionDeniedError(APIStatusError):
    default_code = "FORBIDDEN"


class NotFoundError(APIStatusError):
    default_code = "NOT_FOUND"


class MethodNotAllowedError(APIStatusError):
    default_code = "METHOD_NOT_ALLOWED"


class ConflictError(APIStatusError):
    default_code = "CONFLICT"


class ValidationError(APIStatusError):
    """422: `details` maps each field to its messages."""

    default_code = "VALIDATION_ERROR"


class RateLimitError(APIStatusError):
    """429: `retry_after` is the Retry-After header in seconds (None when absent)."""

    default_code = "RATE_LIMITED"

    @property
    def retry_after(self) -> float | None:
        value = self.headers.get("retry-after")
        try:
            return float(value) if value is not None else None
        except ValueError:
            return None


class InternalServerError(APIStatusError):
    default_code = "INTERNAL_ERROR"


class ServiceUnavailableError(APIStatusError):
    default_code = "SERVICE_UNAVAILABLE"


class MFARequiredError(PronaFlowError):
    """Login needs a second factor: call `PronaFlow.login(..., totp_code=...)` or
    `client.auth.mfa_verify(mfa_token=err.mfa_token, totp_code=...)`."""

    default_code = "MFA_REQUIRED"

    def __init__(self, message: str, *, mfa_token: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.mfa_token = mfa_token


ERRORS_BY_CODE: dict[str, type[APIStatusError]] = {
    cls.default_code: cls  # type: ignore[misc]
    for cls in (
        InvalidRequestError,
        AuthenticationError,
        PermissionDeniedError,
        NotFoundError,
        MethodNotAllowedError,
        ConflictError,
        ValidationError,
        RateLimitError,
        InternalServerError,
        ServiceUnavailableError,
    )
}
ERRORS_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: InvalidRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    405: MethodNotAllowedError,
    409: ConflictError,
    422: ValidationError,
    429: RateLimitError,
    500: InternalServerError,
    503: ServiceUnavailableError,
}


def error_class(status: int, code: str | None) -> type[APIStatusError]:
    if code and code in ERRORS_BY_CODE:
        return ERRORS_BY_CODE[code]
    if status in ERRORS_BY_STATUS:
        return ERRORS_BY_STATUS[status]
    return InternalServerError if status >= 500 else APIStatusError
