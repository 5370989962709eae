"""Module 8 data: archive history, the trash bin, the audit hash chain and compliance export jobs.

The audit entries themselves are django-auditlog `LogEntry` rows. `AuditEntry` is a proxy of it that
carries the compliance permissions and the read-only admin; `AuditChainLink` seals each entry into a
SHA-256 hash chain (see `apps.archive.services.audit_chain`).
"""

from auditlog.models import LogEntry
from django.conf import settings
from django.db import models
from django.utils import timezone

from apps.archive.choices import ArchiveAction, ExportFormat, ExportStatus, VerificationStatus
from apps.core.models import UUIDModel


class ArchiveHistory(UUIDModel):
    """One row per archive / unarchive of a project. Kept after the project is purged (no FK
    constraint), because the history is compliance evidence."""

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="archive_history",
    )
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    project_name = models.CharField(max_length=200)
    action = models.CharField(max_length=16, choices=ArchiveAction.choices)
    reason = models.TextField(blank=True)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    timestamp = models.DateTimeField(db_index=True)
    archive_all_related = models.BooleanField(default=False)
    notify_team = models.BooleanField(default=False)
    # What the project contained when it was archived (task lists, tasks, comments).
    related_counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-timestamp"]
        verbose_name_plural = "archive history"
        indexes = [models.Index(fields=["project", "-timestamp"])]

    def __str__(self) -> str:
        return f"{self.project_name} {self.action} at {self.timestamp:%Y-%m-%d %H:%M}"


class TrashItem(UUIDModel):
    """A resource in the trash bin; created and removed by the trash listener in the same
    transaction as the soft delete, restore or purge it describes."""

    resource_type = models.CharField(max_length=32, db_index=True)
    resource_id = models.UUIDField()
    resource_name = models.CharField(max_length=500)
    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="+")
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deleted_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    deletion_id = models.UUIDField(unique=True)

    class Meta:
        ordering = ["-deleted_at"]
        constraints = [
            models.UniqueConstraint(fields=["resource_type", "resource_id"], name="trash_item_resource_unique")
        ]
        indexes = [models.Index(fields=["workspace", "-deleted_at"])]
        permissions = [
            ("restore_trashitem", "Can restore trash items"),
            ("purge_trashitem", "Can permanently delete trash items"),
        ]

    def __str__(self) -> str:
        return f"{self.resource_type} {self.resource_name}"


class AuditEntry(LogEntry):
    """The audit log as the compliance console sees it (read-only)."""

    class Meta:
        proxy = True
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log"
        permissions = [
            ("export_compliance", "Can export compliance reports of every workspace"),
            ("verify_auditchain", "Can verify the audit hash chain"),
        ]


class AuditChainHead(models.Model):
    """The single row holding the chain's tip; locked (SELECT ... FOR UPDATE) by every writer so
    concurrent transactions append one after another and the chain cannot fork."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"head #{self.seq}"


class AuditChainLink(models.Model):
    """The seal of one audit entry: hash = SHA-256(prev_hash | core fields | personal_digest).

    Personal fields (e-mail, IP, object representation, changes) enter through a salted digest so a
    GDPR erasure can pseudonymise them (dropping the salt, `redacted_at`) without breaking the chain.
    """

    entry = models.OneToOneField(LogEntry, on_delete=models.CASCADE, related_name="chain_link")
    seq = models.BigIntegerField(unique=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    personal_digest = models.CharField(max_length=64)
    personal_salt = models.CharField(max_length=32, null=True, blank=True)
    redacted_at = models.DateTimeField(null=True, blank=True)
    # The entry's changes as the compliance CSV writes them (`audit_changes_text`), stored when the
    # entry is sealed because entries never change; GDPR erasure, which rewrites them, clears it.
    export_changes = models.TextField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


class AuditChainAnchor(models.Model):
    """Written by the retention job before it removes the oldest part of the chain: the hash and
    sequence number of the last removed link, so verification starts from here."""

    created_at = models.DateTimeField(auto_now_add=True)
    last_purged_seq = models.BigIntegerField()
    last_purged_hash = models.CharField(max_length=64)
    purged_count = models.PositiveIntegerField()
    purged_before = models.DateTimeField(help_text="Entries older than this were removed.")

    class Meta:
        ordering = ["-last_purged_seq"]

    def __str__(self) -> str:
        return f"anchor at #{self.last_purged_seq}"


class ComplianceExport(UUIDModel):
    """An export rendered outside the request (large PDFs): status, progress and the file."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="compliance_exports"
    )
    format = models.CharField(max_length=8, choices=ExportFormat.choices)
    status = models.CharField(max_length=16, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    start_date = models.DateTimeField()
    end_date = models.DateTimeField()
    workspace = models.ForeignKey(
        "workspaces.Workspace", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Workspace ids the requester may export (None: every workspace, compliance staff).
    scope_workspace_ids = models.JSONField(null=True, blank=True)
    # Exactly these audit entries (an export of a filtered admin list), instead of the date range.
    entry_ids = models.JSONField(null=True, blank=True, editable=False)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    progress = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to="compliance-exports/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # When the render task was last handed to the broker (at creation, then by the relay).
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.format} export {self.pk} ({self.status})"


class AuditChainVerification(UUIDModel):
    """One background run of the audit-chain verification (a Celery job), started from the admin or
    by GET /audit-logs/verify on a chain too long to verify in the request: its progress
    (`checked_entries` of `total_entries`) and verdict, the chain head it reached and whether every
    link recomputed to its hash (`report`: the same report the inline verification answers)."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=16, choices=VerificationStatus.choices, default=VerificationStatus.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # When the task was last handed to the broker (at creation, then by the relay).
    queued_at = models.DateTimeField(default=timezone.now)
    # Stamped with every progress update of a running walk (a silent run lost its worker).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    intact = models.BooleanField(null=True, blank=True)
    checked_entries = models.PositiveIntegerField(default=0)
    total_entries = models.PositiveIntegerField(default=0)
    head_seq = models.BigIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    report = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        verdict = {True: "intact", False: "BROKEN", None: self.status}[self.intact]
        return f"verification of {self.created_at:%Y-%m-%d %H:%M} ({verdict})"
