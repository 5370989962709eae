"""The transactional outbox: events are written with the change, dispatched after commit only,
handled once per handler however often they are dispatched, and re-dispatched when lost."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from apps.events import registry
from apps.events.models import DomainEvent, HandlerReceipt
from apps.events.services import emit, event_dispatch
from apps.events.tasks import events_redispatch_pending_task
from apps.workspaces.models import Workspace
from tests.worker import running_worker, wait_for

pytestmark = pytest.mark.django_db

calls: list[str] = []


@registry.register("tests.recorder", "probe.happened")
def _record(event):
    calls.append(str(event.pk))


@registry.register("tests.flaky", "probe.flaky")
def _flaky(event):
    calls.append("flaky")
    if calls.count("flaky") == 1:
        raise RuntimeError("transient failure")


@pytest.fixture(autouse=True)
def _reset_calls():
    calls.clear()


@pytest.fixture
def workspace(user):
    return Workspace.objects.create(name="Spine", created_by=user)


def test_event_is_dispatched_after_commit(workspace, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        event = emit("probe.happened", aggregate=workspace, actor=user, workspace=workspace, payload={"n": 1})
        assert calls == []
    assert len(callbacks) == 1
    assert calls == [str(event.pk)]
    event.refresh_from_db()
    assert event.dispatched_at is not None
    assert event.aggregate_type == "Workspace" and event.aggregate_id == str(workspace.pk)


def test_nothing_is_emitted_or_dispatched_on_rollback(workspace, user, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        emit("probe.happened", aggregate=workspace, actor=user, workspace=workspace, payload={})
        raise RuntimeError("abort")
    assert callbacks == []
    assert calls == []
    assert not DomainEvent.objects.filter(event_type="probe.happened").exists()


def test_payload_is_stored_as_json_types(workspace, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        event = emit(
            "probe.happened",
            aggregate=workspace,
            actor=user,
            workspace=workspace,
            payload={"id": workspace.pk, "when": timezone.now().date()},
        )
    event.refresh_from_db()
    assert event.payload["id"] == str(workspace.pk)
    assert isinstance(event.payload["when"], str)


def test_unserialisable_payload_fails_at_the_call_site(workspace, user):
    with pytest.raises(TypeError):
        emit("probe.happened", aggregate=workspace, actor=user, workspace=workspace, payload={"x": object()})


def test_dispatching_twice_runs_each_handler_once(workspace, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        event = emit("probe.happened", aggregate=workspace, actor=user, workspace=workspace, payload={})
    DomainEvent.objects.filter(pk=event.pk).update(dispatched_at=None)  # as if the ack was lost
    assert event_dispatch(event_id=event.pk) is True
    assert calls == [str(event.pk)]
    assert HandlerReceipt.objects.filter(event=event, handler="tests.recorder").count() == 1


def test_failed_handler_is_retried_by_the_redispatch_job(workspace, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        event = emit("probe.flaky", aggregate=workspace, actor=user, workspace=workspace, payload={})
    event.refresh_from_db()
    assert event.dispatched_at is None and event.dispatch_attempts >= 1
    DomainEvent.objects.filter(pk=event.pk).update(occurred_at=timezone.now() - timedelta(minutes=5))
    assert events_redispatch_pending_task() == 1
    event.refresh_from_db()
    assert event.dispatched_at is not None
    assert calls.count("flaky") == 2


def test_lost_dispatch_is_picked_up_by_the_redispatch_job(workspace, user):
    with transaction.atomic():
        event = emit("probe.happened", aggregate=workspace, actor=user, workspace=workspace, payload={})
    # Inside the test transaction on_commit never fires: exactly a lost dispatch.
    DomainEvent.objects.filter(pk=event.pk).update(occurred_at=timezone.now() - timedelta(minutes=5))
    assert events_redispatch_pending_task() == 1
    assert calls == [str(event.pk)]


def test_the_redispatch_job_walks_a_backlog_larger_than_its_batch(workspace, user):
    """After a long broker outage the backlog is re-queued in one run, batch after batch, each
    event once: not one batch per beat tick."""
    with transaction.atomic():
        events = [
            emit("probe.happened", aggregate=workspace, actor=user, workspace=workspace, payload={}) for _ in range(7)
        ]
    old = timezone.now() - timedelta(minutes=5)
    DomainEvent.objects.filter(pk__in=[e.pk for e in events[:4]]).update(occurred_at=old)  # ties on the key
    DomainEvent.objects.filter(pk__in=[e.pk for e in events[4:]]).update(occurred_at=old + timedelta(seconds=1))
    assert events_redispatch_pending_task(batch_size=3) == 7
    assert sorted(calls) == sorted(str(e.pk) for e in events)
    assert not DomainEvent.objects.filter(dispatched_at__isnull=True).exists()


@pytest.mark.worker
# Committed rows are needed for the worker to see them; serialized_rollback restores the rows
# data migrations seeded (content types, groups, themes) that the flush after such tests removes.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_dispatches_committed_events(user):
    workspace = Workspace.objects.create(name="Worker", created_by=user)
    with running_worker():
        with transaction.atomic():
            event = emit("workspace.probe", aggregate=workspace, actor=user, workspace=workspace, payload={})
        wait_for(lambda: DomainEvent.objects.filter(pk=event.pk, dispatched_at__isnull=False).exists())
    event.refresh_from_db()
    assert event.dispatch_attempts == 1
