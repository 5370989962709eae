from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core import trash as core_trash
from apps.core.api.fields import StrictBooleanField
from apps.core.api.serializers import StrictInputMixin


class ArchiveRequestSerializer(StrictInputMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    archive_all_related = StrictBooleanField(required=False, default=True)
    notify_team = StrictBooleanField(required=False, default=True)


class UnarchiveRequestSerializer(StrictInputMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ArchiveStateSerializer(serializers.Serializer):
    """The project's archive state after archive / unarchive (the spec's response)."""

    id = serializers.UUIDField(source="project.id")
    status = serializers.CharField(source="project.status")
    archived_at = serializers.DateTimeField(source="project.archived_at", allow_null=True)
    archived_by = serializers.UUIDField(source="project.archived_by_id", allow_null=True)
    reason = serializers.CharField()


class ArchiveHistorySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    action = serializers.CharField()
    reason = serializers.CharField()
    timestamp = serializers.DateTimeField()
    performed_by = serializers.UUIDField(source="performed_by_id", allow_null=True)
    archive_all_related = serializers.BooleanField()
    notify_team = serializers.BooleanField()
    related_counts = serializers.DictField(child=serializers.IntegerField())


class TrashCreateSerializer(StrictInputMixin, serializers.Serializer):
    resource_type = serializers.ChoiceField(choices=[])
    resource_id = serializers.UUIDField()
    force = StrictBooleanField(
        required=False,
        default=False,
        help_text="Like DELETE's ?force=true: also trash what a non-empty task list holds (else 409).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource_type"].choices = core_trash.resource_types()


class TrashItemSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    resource_type = serializers.CharField()
    resource_id = serializers.UUIDField()
    resource_name = serializers.CharField()
    workspace_id = serializers.UUIDField()
    deleted_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    deleted_by = serializers.UUIDField(source="deleted_by_id", allow_null=True)


class TrashRestoreSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    resource_type = serializers.CharField()
    status = serializers.CharField()
    restored_at = serializers.DateTimeField()


class ChangeSerializer(serializers.Serializer):
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class AuditLogSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="UUIDv5 of the audit entry's row; `sequence` places it in the hash chain.")
    action = serializers.CharField()
    user_id = serializers.UUIDField(allow_null=True)
    user_email = serializers.CharField(allow_null=True)
    resource_type = serializers.CharField()
    resource_id = serializers.CharField()
    resource_name = serializers.CharField()
    workspace_id = serializers.CharField(allow_null=True)
    changes = serializers.DictField(child=ChangeSerializer())
    timestamp = serializers.DateTimeField()
    ip_address = serializers.CharField(allow_null=True)
    sequence = serializers.IntegerField(allow_null=True, help_text="Position in the audit hash chain.")
    hash = serializers.CharField(allow_null=True, help_text="SHA-256 sealing this entry to the previous one.")
    previous_hash = serializers.CharField(allow_null=True)


class ChainProblemSerializer(serializers.Serializer):
    seq = serializers.IntegerField(allow_null=True)
    entry_id = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField()


class ChainReportSerializer(serializers.Serializer):
    intact = serializers.BooleanField()
    checked_entries = serializers.IntegerField()
    redacted_entries = serializers.IntegerField()
    first_seq = serializers.IntegerField(allow_null=True)
    last_seq = serializers.IntegerField(allow_null=True)
    head_seq = serializers.IntegerField()
    head_hash = serializers.CharField()
    anchor_seq = serializers.IntegerField(allow_null=True)
    unsealed_entries = serializers.IntegerField(help_text="Entries left unsealed past AUDIT_SEAL_GRACE_SECONDS.")
    pending_entries = serializers.IntegerField(help_text="Recent entries waiting for the sealer (not a problem).")
    problems = ChainProblemSerializer(many=True)


class AuditChainVerificationSerializer(serializers.Serializer):
    """A background verification of the audit hash chain, as GET /audit-logs/verifications/{id}
    shows it: progress while it runs, then the verdict and the same report GET /audit-logs/verify
    answers inline for a short chain."""

    id = serializers.UUIDField()
    status = serializers.CharField(help_text="queued, running, completed or failed (could not run: see error).")
    checked_entries = serializers.IntegerField(help_text="Links verified so far.")
    total_entries = serializers.IntegerField(help_text="Links between the newest anchor and the head when it started.")
    percent = serializers.SerializerMethodField(help_text="0-100; 100 once completed.")
    intact = serializers.BooleanField(allow_null=True, help_text="The verdict; null until completed.")
    first_problem = serializers.SerializerMethodField(
        help_text="The first broken link found (its `seq` is its position in the chain), or null."
    )
    result = ChainReportSerializer(source="report", allow_null=True, help_text="The full report once completed.")
    error = serializers.CharField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    url = serializers.SerializerMethodField(help_text="Where to poll this verification.")

    def get_percent(self, verification) -> int:
        if verification.status == "completed":
            return 100
        if not verification.total_entries:
            return 0
        return min(99, 100 * verification.checked_entries // verification.total_entries)

    @extend_schema_field(ChainProblemSerializer(allow_null=True))
    def get_first_problem(self, verification) -> dict | None:
        return verification.problems[0] if verification.problems else None

    def get_url(self, verification) -> str:
        from django.urls import reverse

        path = reverse("archive:audit-logs-verification", kwargs={"verification_id": verification.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class ComplianceExportSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    format = serializers.CharField()
    progress = serializers.IntegerField(help_text="0-100.")
    total_rows = serializers.IntegerField()
    processed_rows = serializers.IntegerField()
    start_date = serializers.DateTimeField()
    end_date = serializers.DateTimeField()
    workspace_id = serializers.UUIDField(allow_null=True)
    sha256 = serializers.CharField()
    error = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, job) -> str | None:
        from django.urls import reverse

        from apps.archive.services.exports import download_token

        if job.status != "completed" or not job.file:
            return None
        path = reverse("archive:compliance-export-download", kwargs={"export_id": job.pk})
        url = f"{path}?token={download_token(job)}"
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class ErasureRequestSerializer(StrictInputMixin, serializers.Serializer):
    password = serializers.CharField(write_only=True, trim_whitespace=False)
    confirm = StrictBooleanField()

    def validate_confirm(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError("Set confirm to true to erase your account.")
        return value


class ErasureResultSerializer(serializers.Serializer):
    user_id = serializers.UUIDField()
    pseudonym = serializers.CharField()
    erased_at = serializers.DateTimeField()
    sessions_revoked = serializers.IntegerField()
    api_tokens_revoked = serializers.IntegerField(default=0)
    oauth_connections_revoked = serializers.IntegerField(default=0)
    webhooks_deactivated = serializers.IntegerField(default=0, help_text="Webhooks the person created.")
    event_consumers_deactivated = serializers.IntegerField(default=0)
    audit_entries_pseudonymised = serializers.IntegerField()


class MyDataSerializer(serializers.Serializer):
    exported_at = serializers.DateTimeField()
    user = serializers.DictField()
    related = serializers.DictField(help_text="model -> field -> rows that point at you")
    audit_log = AuditLogSerializer(many=True)
