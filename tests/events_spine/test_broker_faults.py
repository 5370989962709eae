"""A broker that refuses or hangs after commit never fails or stalls the write; the relay
dispatches the event later."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError
from kombu.messaging import Producer

from apps.core import queueing
from apps.events.models import DomainEvent
from apps.events.tasks import events_redispatch_pending_task
from pronaflow.celery import app as celery_app
from tests.factories.projects import ProjectFactory, ProjectMemberFactory
from tests.factories.tasks import TaskListFactory
from tests.factories.workspaces import Team

pytestmark = pytest.mark.django_db


def _refuse(*args, **kwargs):
    raise KombuOperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def _hang(*args, **kwargs):
    time.sleep(3)


@pytest.fixture
def broker_mode():
    """Publish through the real broker path (not eagerly) for the duration of the test."""
    queueing.publishing_resume()
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = previous
    queueing.publishing_resume()


@pytest.fixture
def setup(db):
    team = Team()
    project = ProjectFactory(workspace=team.workspace, created_by=team.owner)
    ProjectMemberFactory(project=project, user=team.owner)
    return team, project, TaskListFactory(project=project)


@pytest.mark.parametrize("fault", [_refuse, _hang], ids=["refuses", "hangs"])
def test_task_create_answers_201_fast_when_the_broker_fails_and_the_relay_dispatches_later(
    client_for, setup, broker_mode, django_capture_on_commit_callbacks, fault, settings
):
    settings.TASK_PUBLISH_HANG_SECONDS = 0.2  # the hanging publish counts as a broker failure soon
    team, project, task_list = setup
    body = {"project_id": str(project.pk), "task_list_id": str(task_list.pk), "title": "Broker down"}
    with mock.patch.object(Producer, "publish", fault):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(team.member).post("/api/v1/tasks", body, format="json")
        elapsed = time.monotonic() - started
        assert response.status_code == 201, response.content
        assert elapsed < 1.5
        # The circuit is open: the next write does not even wait for the broker.
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            again = client_for(team.member).post("/api/v1/tasks", body, format="json")
        assert again.status_code == 201 and time.monotonic() - started < 1.0

    events = DomainEvent.objects.filter(event_type="task.created")
    assert events.count() == 2 and not events.filter(dispatched_at__isnull=False).exists()

    # The broker is back: the outbox relay (beat job) picks the events up.
    celery_app.conf.task_always_eager = True
    events.update(occurred_at=timezone.now() - timedelta(minutes=5))
    assert events_redispatch_pending_task.apply().get() == 2
    assert not events.filter(dispatched_at__isnull=True).exists()


def test_publish_never_raises_and_reports_the_failure(broker_mode):
    with mock.patch.object(Producer, "publish", _refuse):
        assert queueing.publish(events_redispatch_pending_task) is False
    assert queueing.publishing_paused()


def test_a_slow_broker_is_not_a_broken_one(client_for, setup, broker_mode, django_capture_on_commit_callbacks):
    """A publish slower than TASK_PUBLISH_WAIT_SECONDS (a busy machine) still succeeds in the
    background and leaves the circuit closed: the next writes keep publishing their events instead
    of leaving them to the relay, which would dispatch them minutes late."""
    team, project, task_list = setup
    body = {"project_id": str(project.pk), "task_list_id": str(task_list.pk), "title": "Busy machine"}
    published = []

    def slow(self, *args, **kwargs):
        time.sleep(0.8)
        published.append(kwargs.get("headers", {}).get("task"))

    with mock.patch.object(Producer, "publish", slow):
        for _ in range(2):
            started = time.monotonic()
            with django_capture_on_commit_callbacks(execute=True):
                response = client_for(team.member).post("/api/v1/tasks", body, format="json")
            assert response.status_code == 201 and time.monotonic() - started < 1.5
            assert not queueing.publishing_paused()
        time.sleep(1.0)  # the background publishes finish
    assert published.count("apps.events.tasks.event_dispatch_task") == 2
    assert not queueing.publishing_paused()
