"""Slow work runs on its own queues: webhook deliveries on `webhooks`, e-mail on `email`, the rest
(event dispatch, notifications, periodic jobs) on the default `celery` queue."""

import pytest
from django.conf import settings

from pronaflow.celery import app

WEBHOOKS = ["apps.integrations.tasks.webhook_deliver_task"]
EMAIL = [
    "apps.notifications.tasks.email_notifications_send_task",
    "apps.notifications.tasks.digests_send_due_task",
    "apps.events.tasks.consumer_email_deliver_task",
    "apps.accounts.tasks.email_verification_send_task",
    "apps.accounts.tasks.password_reset_send_task",
]
DEFAULT = [
    "apps.events.tasks.event_dispatch_task",
    "apps.events.tasks.events_redispatch_pending_task",
    "apps.integrations.tasks.webhook_deliveries_retry_due_task",
    "apps.analytics.tasks.report_run_task",
    "apps.archive.tasks.compliance_export_render_task",
]


def _queue(name: str) -> str:
    app.loader.import_default_modules()
    assert name in app.tasks, name
    route = app.amqp.router.route({}, name)
    return route["queue"].name


@pytest.mark.parametrize(
    ("name", "queue"),
    [(n, "webhooks") for n in WEBHOOKS] + [(n, "email") for n in EMAIL] + [(n, "celery") for n in DEFAULT],
)
def test_task_routes(name, queue):
    assert _queue(name) == queue
    assert queue in settings.WORKER_QUEUES
