"""The domain-event handler that turns events into webhook deliveries (registered in ready())."""

from apps.events.registry import register
from apps.integrations.events import WEBHOOK_EVENT_TYPES
from apps.integrations.services.webhooks import deliveries_create_for_event


@register("integrations.webhooks", *WEBHOOK_EVENT_TYPES)
def create_webhook_deliveries(event) -> None:
    """One delivery per subscribed active webhook of the event's workspace; sent after commit."""
    deliveries_create_for_event(event)
