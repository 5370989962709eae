"""The one JSON document an outside receiver gets for a domain event, whoever sends it (module 12
webhooks, module 7 webhook consumers: apps.integrations' delivery pipeline) and the e-mail channel's
view of an event. Only the payload fields the catalogue lists go out, so a field an emitter adds (say
the archive's `notify_team`) never leaves PronaFlow before it is reviewed there.

    {"id": event id, "type": "task.created", "timestamp": ISO 8601, "workspace_id": ..., "data": {...}}

Which delivery it is travels in the headers (`webhook-id`), so the document of an event is the same on
every retry and redelivery.
"""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder

from apps.events.catalogue import public_payload
from apps.events.models import DomainEvent


def message(*, event_id, event_type: str, timestamp, workspace_id, data: dict) -> dict:
    """A message document, ids as strings and dates in ISO 8601 (a JSON round trip)."""
    document = {"id": event_id, "type": event_type, "timestamp": timestamp, "workspace_id": workspace_id, "data": data}
    return json.loads(json.dumps(document, cls=DjangoJSONEncoder))


def event_message(event: DomainEvent) -> dict:
    """The message of a domain event: its public payload only."""
    return message(
        event_id=event.pk,
        event_type=event.event_type,
        timestamp=event.occurred_at,
        workspace_id=event.workspace_id,
        data=public_payload(event.event_type, event.payload),
    )


def encode(document: dict) -> bytes:
    """The exact bytes sent (and signed): compact JSON, the same on every attempt."""
    return json.dumps(document, separators=(",", ":")).encode()
