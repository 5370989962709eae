"""Consents: versioned grants and revocations, audited."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from apps.core.audit import current_remote_addr, record_action
from apps.core.exceptions import Conflict
from apps.integrations.models import Consent


def consent_grant(
    *, actor, consent_type: str, resource_type: str = "", resource_id: str = "", description: str = ""
) -> Consent:
    """Record that `actor` grants a consent. Granting again the same (consent_type, resource_type,
    resource_id) creates version n+1, which becomes the current one; earlier versions stay as history.
    Audited as consent.granted. Raises Conflict when a concurrent grant won the race."""
    key = {"user": actor, "consent_type": consent_type, "resource_type": resource_type, "resource_id": resource_id}
    try:
        with transaction.atomic():
            list(Consent.objects.select_for_update().filter(**key, is_current=True))
            latest = Consent.objects.filter(**key).aggregate(v=Max("version"))["v"] or 0
            Consent.objects.filter(**key, is_current=True).update(is_current=False)
            consent = Consent.objects.create(
                **key,
                description=description,
                version=latest + 1,
                is_granted=True,
                is_current=True,
                granted_at=timezone.now(),
                ip_address=_ip(),
            )
            record_action(
                "consent.granted",
                actor=actor,
                target=consent,
                extra={
                    "consent_type": consent_type,
                    "resource_type": resource_type,
                    "resource_id": resource_id,
                    "version": consent.version,
                },
            )
    except IntegrityError:
        raise Conflict("Another grant of this consent was recorded at the same time; try again.") from None
    return consent


def consent_revoke(*, actor, consent: Consent) -> Consent:
    """Withdraw a consent: the row stays with is_granted false and revoked_at. Revoking twice is a
    no-op. Raises Conflict for a superseded version (revoke the current one). Audited as
    consent.revoked."""
    if not consent.is_current:
        raise Conflict("This is an earlier version of the consent; revoke the current version instead.")
    if not consent.is_granted:
        return consent
    with transaction.atomic():
        consent.is_granted = False
        consent.revoked_at = timezone.now()
        consent.save(update_fields=["is_granted", "revoked_at"])
        record_action(
            "consent.revoked",
            actor=actor,
            target=consent,
            extra={
                "consent_type": consent.consent_type,
                "resource_type": consent.resource_type,
                "version": consent.version,
            },
        )
    return consent


def _ip() -> str | None:
    address = current_remote_addr()
    return address if address and address != "unknown" else None
