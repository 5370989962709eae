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


def _seal_audit_entry(sender, instance, created, raw=False, **kwargs) -> None:
    """Every new audit entry joins the hash chain in the transaction that wrote it."""
    if created and not raw:
        from apps.archive.services.audit_chain import audit_entry_seal

        audit_entry_seal(entry_id=instance.pk)
