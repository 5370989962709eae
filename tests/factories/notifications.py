"""Factories for module 7 and 9 tests (notifications, event consumers) and an `emit_event` helper
that writes a domain event the way the owning services do. The rows events are about come from the
shared factories; task and project payloads from the apps that emit them."""

import factory
from django.db import transaction

from apps.collaboration.services import EXCERPT_LENGTH
from apps.events.models import EventConsumer
from apps.events.services import emit
from apps.notifications.models import Notification
from tests.factories.accounts import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    type = "task_assigned"
    title = "Task assigned to you"
    message = factory.Faker("sentence")
    action_url = "/tasks/00000000-0000-0000-0000-000000000000"


class EventConsumerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventConsumer

    owner = factory.SubFactory(UserFactory)
    event_type = "task.completed"
    handler_type = "email"
    config = factory.LazyFunction(lambda: {"recipients": ["manager@example.com"]})


def comment_payload(comment, **extra):
    """The `comment.created` payload. apps.collaboration.services.comment_create builds it inline (no
    builder to import yet), so this is the tests' one copy."""
    return {
        "comment_id": str(comment.pk),
        "task_id": str(comment.task_id),
        "project_id": str(comment.task.project_id),
        "workspace_id": str(comment.workspace_id),
        "author_id": str(comment.author_id),
        "parent_id": None,
        "excerpt": comment.content[:EXCERPT_LENGTH],
        **extra,
    }


def emit_event(capture, event_type, *, aggregate, actor, workspace, payload, project=None):
    """Emit like a service does (inside a transaction) and run the on-commit dispatch.
    `capture` is pytest-django's django_capture_on_commit_callbacks fixture."""
    with capture(execute=True), transaction.atomic():
        event = emit(
            event_type, aggregate=aggregate, actor=actor, workspace=workspace, payload=payload, project=project
        )
    event.refresh_from_db()
    return event
