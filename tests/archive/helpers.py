from auditlog.models import LogEntry

from apps.events.models import DomainEvent


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == code
    return body


def domain_entries(action: str):
    return LogEntry.objects.filter(additional_data__action=action).order_by("id")


def events(event_type: str):
    return DomainEvent.objects.filter(event_type=event_type).order_by("occurred_at")
