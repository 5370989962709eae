"""Data of the one delivery pipeline and the new token format:

- Deliveries stored before the one pipeline carry the former body, with the raw event payload (the
  archive's `notify_team`, ...): rewrite each in the message shape, with only the catalogue's public
  fields, so their retries and redeliveries send what new deliveries send.
- Token lists show the first 10 characters of a token (`token_prefix`); rows stored 12.
"""

from django.db import migrations

BATCH = 2000


def message_shape(apps, schema_editor):
    from apps.events.catalogue import public_payload

    delivery_model = apps.get_model("integrations", "WebhookDelivery")
    rows = []
    for delivery in delivery_model.objects.filter(body__has_key="event_type").only("pk", "event_type", "body").iterator():
        body = delivery.body
        delivery.body = {
            "id": body.get("event_id"),
            "type": body.get("event_type") or delivery.event_type,
            "timestamp": body.get("occurred_at"),
            "workspace_id": body.get("workspace_id"),
            "data": public_payload(delivery.event_type, body.get("data") or {}),
        }
        rows.append(delivery)
        if len(rows) >= BATCH:
            delivery_model.objects.bulk_update(rows, ["body"])
            rows = []
    delivery_model.objects.bulk_update(rows, ["body"])


def ten_character_prefixes(apps, schema_editor):
    from django.db.models.functions import Left

    apps.get_model("integrations", "ApiToken").objects.update(token_prefix=Left("token_prefix", 10))


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0003_one_delivery_pipeline_and_token_hash_versions"),
    ]

    operations = [
        migrations.RunPython(message_shape, migrations.RunPython.noop),
        migrations.RunPython(ten_character_prefixes, migrations.RunPython.noop),
    ]
