from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "apps.archive"
    label = "archive"
    verbose_name = "Archive and compliance"

    def ready(self) -> None:
        from auditlog.models import LogEntry
        from django.db.models.signals import post_save

        from apps.archive.services.trash import on_trash_event
        from apps.core import trash

        trash.add_listener(on_trash_event)
        post_save.connect(_seal_audit_entry, sender=LogEntry, dispatch_uid="archive.seal_audit_entry")


SEAL_QUEUED_KEY = "archive:audit-seal-queued"


def _seal_audit_entry(sender, instance, created, raw=False, **kwargs) -> None:
    """Every new audit entry joins the hash chain: after commit through the sealer task (at most
    one queued per second; the beat job catches the rest), or at once in the writer's transaction
    when AUDIT_SEAL_DEFERRED is off."""
    if not created or raw:
        return
    from django.conf import settings
    from django.db import transaction

    if settings.AUDIT_SEAL_DEFERRED:
        transaction.on_commit(_queue_sealer)
        return
    from apps.archive.services.audit_chain import audit_entry_seal

    audit_entry_seal(entry_id=instance.pk)


def _queue_sealer() -> None:
    from django.core.cache import cache

    from apps.archive.tasks import audit_chain_seal_task
    from apps.core.queueing import publish

    try:
        queue = cache.add(SEAL_QUEUED_KEY, 1, timeout=1)
    except Exception:  # noqa: BLE001 - cache down: queue anyway, the sealer is idempotent
        queue = True
    if queue:
        publish(audit_chain_seal_task)
