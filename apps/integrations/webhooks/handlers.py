"""The domain-event handler that turns events into webhook deliveries, and the channel that delivers
module 7's webhook event consumers through the same pipeline (both registered in ready())."""

from apps.events.choices import HandlerType
from apps.events.consumers import register_channel
from apps.events.registry import register
from apps.integrations.events import WEBHOOK_EVENT_TYPES
from apps.integrations.services.deliveries import consumer_delivery_create, deliveries_create_for_event


@register("integrations.webhooks", *WEBHOOK_EVENT_TYPES)
def create_webhook_deliveries(event) -> None:
    """One delivery per subscribed active webhook of the event's workspace; sent after commit."""
    deliveries_create_for_event(event)


register_channel(HandlerType.WEBHOOK, consumer_delivery_create, records_delivery=False)
