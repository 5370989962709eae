"""Tamper evidence for the audit log: every LogEntry is sealed into a SHA-256 hash chain.

Sealing is deferred (AUDIT_SEAL_DEFERRED, the default): audited writes only insert their entries and,
after commit, ask for a sealer run (`audit_chain_seal_task`, also a beat job every few seconds). The
sealer links every committed, unsealed entry in the order it finds them, in batches, under a row lock
on the single `AuditChainHead` row that only sealers, retention and erasure take: no audited write
waits on the head, and the chain can never fork. Until it is sealed an entry is *pending*;
verification counts pending entries and fails only on entries left unsealed for longer than
AUDIT_SEAL_GRACE_SECONDS. With AUDIT_SEAL_DEFERRED off (the test suite), each entry is sealed in the
transaction that wrote it, under the head lock, as before.

    link.hash = SHA-256(prev_hash "|" canonical(core fields) "|" personal_digest)
    personal_digest = SHA-256(salt "|" canonical(personal fields))

Core fields (id, resource, action, actor id, workspace, timestamp, ...) are verified on every entry.
Personal fields (e-mail, IP, object representation, changes, extra data) are verified through the
salted digest; a GDPR erasure may rewrite them, and then drops the salt and stamps `redacted_at`, so
the chain stays verifiable while the person is gone. Retention removes the oldest links only after
writing an `AuditChainAnchor` with the last removed hash (see `audit_retention`).

On PostgreSQL a trigger (migration 0002) rejects UPDATE and DELETE of audit entries, links and
anchors unless the transaction set `pronaflow.audit_maintenance` (only erasure and retention do).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.archive.models import AuditChainAnchor, AuditChainHead, AuditChainLink
from apps.archive.selectors import audit_changes_text

GENESIS_HASH = "0" * 64
CORE_DATA_KEYS = ("action", "workspace_id")
ENTRY_FIELDS = (
    "id",
    "content_type_id",
    "object_pk",
    "action",
    "actor_id",
    "timestamp",
    "cid",
    "actor_email",
    "remote_addr",
    "object_repr",
    "changes",
    "serialized_data",
    "additional_data",
)


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _sha256(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _content_type_label(content_type_id: int) -> str:
    content_type = ContentType.objects.get_for_id(content_type_id)
    return f"{content_type.app_label}.{content_type.model}"


def core_fields(row: dict) -> dict:
    data = row["additional_data"] or {}
    return {
        "id": row["id"],
        "content_type": _content_type_label(row["content_type_id"]),
        "object_pk": row["object_pk"],
        "action": row["action"],
        "actor_id": str(row["actor_id"]) if row["actor_id"] is not None else None,
        "timestamp": row["timestamp"].isoformat(),
        "cid": row["cid"],
        **{f"data.{key}": data.get(key) for key in CORE_DATA_KEYS},
    }


def personal_fields(row: dict) -> dict:
    data = row["additional_data"] or {}
    return {
        "actor_email": row["actor_email"],
        "remote_addr": row["remote_addr"],
        "object_repr": row["object_repr"],
        "changes": row["changes"],
        "serialized_data": row["serialized_data"],
        "extra": {key: value for key, value in data.items() if key not in CORE_DATA_KEYS},
    }


def personal_digest(row: dict, salt: str) -> str:
    return _sha256(salt, _canonical(personal_fields(row)))


def link_hash(prev_hash: str, row: dict, digest: str) -> str:
    return _sha256(prev_hash, _canonical(core_fields(row)), digest)


def _entry_row(entry_id: int) -> dict:
    # Re-read what the database stored, so the hash covers exactly the persisted values.
    return LogEntry.objects.filter(pk=entry_id).values(*ENTRY_FIELDS).get()


def lock_chain_head() -> AuditChainHead:
    """The chain head, row-locked until the caller's transaction ends (created at genesis if
    missing). Taken by sealers, retention and erasure only. Must run inside a transaction."""
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditChainHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS_HASH})
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


def audit_entries_seal_pending(*, batch_size: int = 1000) -> int:
    """The deferred chain writer: seal every committed, unsealed audit entry, `batch_size` per
    transaction, in the order found (entry id within a batch), so entries join the chain in commit
    order after the fact. Concurrent runs serialise on the head lock and never seal an entry twice.
    Returns the number of entries sealed (0 when none was pending)."""
    sealed = 0
    while True:
        with transaction.atomic():
            head = lock_chain_head()
            ids = list(
                LogEntry.objects.filter(chain_link__isnull=True)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return sealed
            rows = {row["id"]: row for row in LogEntry.objects.filter(pk__in=ids).values(*ENTRY_FIELDS)}
            seq, prev = head.seq, head.hash
            links = []
            for entry_id in ids:
                row = rows[entry_id]
                salt = secrets.token_hex(16)
                digest = personal_digest(row, salt)
                seq += 1
                link = AuditChainLink(
                    entry_id=entry_id,
                    seq=seq,
                    prev_hash=prev,
                    hash=link_hash(prev, row, digest),
                    personal_digest=digest,
                    personal_salt=salt,
                    export_changes=audit_changes_text(row["changes"]),
                )
                links.append(link)
                prev = link.hash
            AuditChainLink.objects.bulk_create(links)
            AuditChainHead.objects.filter(pk=1).update(seq=seq, hash=prev)
            sealed += len(links)


def audit_entry_seal(*, entry_id: int) -> AuditChainLink:
    """Append one entry to the hash chain at once, under the head lock, in the caller's transaction
    (the non-deferred mode, AUDIT_SEAL_DEFERRED off)."""
    with transaction.atomic():
        head = lock_chain_head()
        row = _entry_row(entry_id)
        salt = secrets.token_hex(16)
        digest = personal_digest(row, salt)
        link = AuditChainLink.objects.create(
            entry_id=entry_id,
            seq=head.seq + 1,
            prev_hash=head.hash,
            hash=link_hash(head.hash, row, digest),
            personal_digest=digest,
            personal_salt=salt,
            export_changes=audit_changes_text(row["changes"]),
        )
        AuditChainHead.objects.filter(pk=1).update(seq=link.seq, hash=link.hash)
    return link


def chain_head() -> dict:
    head = AuditChainHead.objects.filter(pk=1).values("seq", "hash").first()
    return head or {"seq": 0, "hash": GENESIS_HASH}


def enter_maintenance() -> None:
    """Allow this transaction to rewrite or remove audit rows (erasure and retention only)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('pronaflow.audit_maintenance', 'on', true)")


@dataclass
class ChainReport:
    intact: bool = True
    checked: int = 0
    redacted: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    head_seq: int = 0
    head_hash: str = GENESIS_HASH
    anchor_seq: int | None = None
    unsealed_entries: int = 0
    pending_entries: int = 0
    problems: list[dict] = field(default_factory=list)

    def fail(self, seq, entry_id, reason: str, limit: int) -> None:
        self.intact = False
        if len(self.problems) < limit:
            self.problems.append({"seq": seq, "entry_id": entry_id, "reason": reason})

    def as_dict(self) -> dict:
        return {
            "intact": self.intact,
            "checked_entries": self.checked,
            "redacted_entries": self.redacted,
            "first_seq": self.first_seq,
            "last_seq": self.last_seq,
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
            "anchor_seq": self.anchor_seq,
            "unsealed_entries": self.unsealed_entries,
            "pending_entries": self.pending_entries,
            "problems": self.problems,
        }


def audit_chain_size() -> int:
    """How many links a verification walks: from the newest retention anchor (or genesis) to the
    head. Two single-row reads, whatever the chain's length (for choosing the inline or background
    verification)."""
    anchor_seq = AuditChainAnchor.objects.order_by("-last_purged_seq").values_list("last_purged_seq", flat=True).first()
    return max(0, chain_head()["seq"] - (anchor_seq or 0))


def audit_chain_verify(
    *,
    max_problems: int = 50,
    chunk_size: int = 5000,
    on_progress: Callable[[int, int], None] | None = None,
) -> ChainReport:
    """Walk the chain in sequence order and recompute every hash.

    Detects: altered core or (unredacted) personal fields, removed entries (gaps in `seq`, a link
    without its entry, a tail shorter than the head), reordered or forged links (also links past
    the head), entries written without a seal. Starts from the newest retention anchor, if any, and
    stops at the head read when it starts, so links sealed during a long walk are left for the next
    one. Reads in constant memory (`chunk_size` links per fetch of a server-side cursor) and calls
    `on_progress(checked, total)` after every `chunk_size` links and at the end, `total` being the
    number of links between the anchor and that head.
    """
    report = ChainReport()
    anchor = AuditChainAnchor.objects.order_by("-last_purged_seq").first()
    expected_seq, prev = (anchor.last_purged_seq + 1, anchor.last_purged_hash) if anchor else (1, GENESIS_HASH)
    report.anchor_seq = anchor.last_purged_seq if anchor else None
    head = chain_head()
    report.head_seq, report.head_hash = head["seq"], head["hash"]
    total = max(0, report.head_seq - (expected_seq - 1))

    links = (
        AuditChainLink.objects.filter(seq__lte=report.head_seq)
        .order_by("seq")
        .values(
            "seq",
            "entry_id",
            "prev_hash",
            "hash",
            "personal_digest",
            "personal_salt",
            "redacted_at",
            *[f"entry__{name}" for name in ENTRY_FIELDS],
        )
    )
    for link in links.iterator(chunk_size=chunk_size):
        row = {name: link[f"entry__{name}"] for name in ENTRY_FIELDS}
        expected_seq, prev = _verify_link(report, link, row, expected_seq, prev, max_problems)
        if on_progress is not None and report.checked % chunk_size == 0:
            on_progress(report.checked, total)
    if on_progress is not None and report.checked % chunk_size:
        on_progress(report.checked, total)

    # The tail: removing the newest entries leaves a chain that ends before the head.
    if expected_seq - 1 != report.head_seq or prev != report.head_hash:
        report.fail(
            report.last_seq, None, f"chain ends at #{expected_seq - 1}, head is #{report.head_seq}", max_problems
        )
    # Links past the head (forged, or appended around the sealer). One statement, so a seal
    # committing meanwhile (links and head move together) is never mistaken for one.
    current_head = Coalesce(Subquery(AuditChainHead.objects.filter(pk=1).values("seq")[:1]), Value(0))
    beyond = AuditChainLink.objects.filter(seq__gt=current_head).order_by("seq").values("seq", "entry_id").first()
    if beyond is not None:
        report.fail(beyond["seq"], beyond["entry_id"], "link past the chain head", max_problems)
    # Entries not sealed yet: pending while recent (the sealer runs every few seconds), a failure
    # once older than the grace period (written around the application, or the sealer is down).
    unsealed = LogEntry.objects.filter(chain_link__isnull=True)
    grace = dt.timedelta(seconds=getattr(settings, "AUDIT_SEAL_GRACE_SECONDS", 300))
    report.pending_entries = unsealed.filter(timestamp__gte=timezone.now() - grace).count()
    report.unsealed_entries = unsealed.count() - report.pending_entries
    if report.unsealed_entries:
        report.fail(None, None, f"{report.unsealed_entries} audit entries carry no seal", max_problems)
    return report


def _verify_link(report: ChainReport, link: dict, row: dict, expected_seq: int, prev: str, max_problems: int):
    """Check one link (and `row`, its audit entry) against its predecessor; returns the (expected
    seq, previous hash) of the next link."""
    seq = link["seq"]
    report.checked += 1
    report.first_seq = seq if report.first_seq is None else report.first_seq
    report.last_seq = seq
    if seq != expected_seq:
        report.fail(seq, link["entry_id"], f"sequence gap: expected #{expected_seq}", max_problems)
    if link["prev_hash"] != prev:
        report.fail(seq, link["entry_id"], "previous hash does not match the preceding link", max_problems)
    if link["redacted_at"] is not None:
        report.redacted += 1
        digest = link["personal_digest"]
    else:
        digest = personal_digest(row, link["personal_salt"] or "")
        if digest != link["personal_digest"]:
            report.fail(seq, link["entry_id"], "personal fields were altered", max_problems)
            digest = link["personal_digest"]
    if link_hash(link["prev_hash"], row, digest) != link["hash"]:
        report.fail(seq, link["entry_id"], "entry content does not match its hash", max_problems)
    return seq + 1, link["hash"]
