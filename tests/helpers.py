"""Assertions shared by every test module: the response envelope and the domain events written."""

from __future__ import annotations

from apps.events.models import DomainEvent


def assert_error(response, status: int, code: str, field: str | None = None) -> dict:
    """The response is the error envelope `{"success": false, "error": {"code", "message", "details"},
    "timestamp"}` with this status and code; with `field`, `details` names that field. Returns the body."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["success"] is False, body
    error = body["error"]
    assert error["code"] == code, body
    assert isinstance(error["message"], str) and error["message"], body
    assert "details" in error, body
    assert body["timestamp"].endswith("Z"), body
    if field is not None:
        assert field in error["details"], body
    return body


def data(response, status: int = 200):
    """The `data` of a success envelope answered with `status`."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["success"] is True
    return body["data"]


def events(event_type: str) -> list[DomainEvent]:
    """The domain events of one type, oldest first."""
    return list(DomainEvent.objects.filter(event_type=event_type).order_by("occurred_at"))
