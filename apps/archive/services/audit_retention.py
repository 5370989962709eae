"""Audit retention (AUDIT_RETENTION_DAYS, 0 = keep forever) without breaking verifiability.

The job removes only a *prefix* of the chain: every link up to the last one whose entry is older
than the cutoff and that has no newer link before it. Before removing, it writes an
`AuditChainAnchor` holding the sequence number and hash of the last removed link; verification then
starts from the newest anchor (the first kept link must point at the anchor's hash), so the kept
part of the chain still proves itself and any other removal still shows as a gap.
"""

from __future__ import annotations

import datetime as dt

from auditlog.models import LogEntry
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.archive.models import AuditChainAnchor, AuditChainHead, AuditChainLink
from apps.archive.services.audit_chain import enter_maintenance


def audit_retention_enforce(*, now: dt.datetime | None = None, batch_size: int = 5000) -> int:
    """Remove audit entries older than AUDIT_RETENTION_DAYS; returns how many were removed.

    Takes the chain head lock, so no entry is sealed while the prefix is cut. Writes one anchor.
    """
    days = settings.AUDIT_RETENTION_DAYS
    if days <= 0:
        return 0
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    with transaction.atomic():
        AuditChainHead.objects.select_for_update().filter(pk=1).first()
        first_kept = (
            AuditChainLink.objects.filter(entry__timestamp__gte=cutoff).order_by("seq").values_list("seq", flat=True)
        ).first()
        to_remove = AuditChainLink.objects.filter(entry__timestamp__lt=cutoff)
        if first_kept is not None:
            to_remove = to_remove.filter(seq__lt=first_kept)
        last = to_remove.order_by("-seq").values("seq", "hash").first()
        if last is None:
            return 0
        enter_maintenance()
        removed = 0
        while True:
            batch = list(
                AuditChainLink.objects.filter(seq__lte=last["seq"])
                .order_by("seq")
                .values_list("pk", "entry_id")[:batch_size]
            )
            if not batch:
                break
            AuditChainLink.objects.filter(pk__in=[pk for pk, _ in batch]).delete()
            LogEntry.objects.filter(pk__in=[entry_id for _, entry_id in batch]).delete()
            removed += len(batch)
        AuditChainAnchor.objects.create(
            last_purged_seq=last["seq"], last_purged_hash=last["hash"], purged_count=removed, purged_before=cutoff
        )
    return removed
