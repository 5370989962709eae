"""The demo's webhooks are history for the dashboards: after `seed_demo` nothing is left to send."""

import io

import pytest
from django.core.management import call_command

from apps.accounts.models import User
from apps.integrations.models import Webhook, WebhookDelivery

pytestmark = pytest.mark.django_db


def test_seed_demo_leaves_no_webhook_that_sends_and_says_why_it_is_degraded(client_for):
    call_command("seed_demo", stdout=io.StringIO())
    webhooks = Webhook.objects.filter(workspace__name="Acme Product Team")
    assert webhooks.count() == 2 and not webhooks.filter(is_active=True).exists()
    assert all(webhook.disabled_reason for webhook in webhooks)
    deliveries = WebhookDelivery.objects.filter(webhook__in=webhooks)
    assert deliveries.filter(status="failed").exists() and deliveries.filter(status="delivered").exists()
    assert not deliveries.filter(status__in=["pending", "retrying"]).exists()

    owner = User.objects.get(email="owner@pronaflow.demo")
    status = client_for(owner).get("/api/v1/integration/status").json()["data"]["webhooks"]
    assert status["status"] == "degraded"  # the switched-off CI hook, as the README says
    assert status["active_webhooks"] == 0 and status["pending_deliveries"] == 0
