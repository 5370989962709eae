from apps.events.models import DomainEvent


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == code
    return body


def events(event_type: str) -> list[DomainEvent]:
    return list(DomainEvent.objects.filter(event_type=event_type).order_by("occurred_at"))
