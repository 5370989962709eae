import datetime as dt

from apps.events.models import DomainEvent
from apps.tasks.models import TaskDependency
from tests.factories.tasks import TaskFactory

BASE = "/api/v1/scheduling"


def day(offset: int) -> dt.date:
    """Monday 2026-01-05 plus `offset` calendar days."""
    return dt.date(2026, 1, 5) + dt.timedelta(days=offset)


def iso(offset: int) -> str:
    return day(offset).isoformat()


def project_url(project, tail: str) -> str:
    return f"{BASE}/projects/{project.pk}/{tail}"


def task(project, title, start=None, due=None, hours=None, **kwargs):
    """A task whose dates are day offsets from Monday 2026-01-05."""
    return TaskFactory(
        project=project,
        title=title,
        start_date=day(start) if start is not None else None,
        due_date=day(due) if due is not None else None,
        estimated_hours=hours,
        **kwargs,
    )


def link(task, depends_on, type_="FS"):
    return TaskDependency.objects.create(task=task, depends_on=depends_on, type=type_)


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == code
    return body


def events(event_type: str) -> list[DomainEvent]:
    return list(DomainEvent.objects.filter(event_type=event_type).order_by("occurred_at"))
