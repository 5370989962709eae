"""The compliance and trash console. Everything here is read-only except the actions, which call
the services (so rights, audit entries and events are the same as through the API). Staff see these
pages only with the permissions of the "Compliance officer" group (data migration 0003)."""

from __future__ import annotations

import datetime as dt

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timeuntil
from django.views.decorators.http import require_POST

from apps.archive import selectors
from apps.archive.choices import ExportStatus
from apps.archive.models import (
    ArchiveHistory,
    AuditChainAnchor,
    AuditChainVerification,
    AuditEntry,
    ComplianceExport,
    TrashItem,
)
from apps.archive.services import exports
from apps.archive.services import trash as trash_services
from apps.core import trash as core_trash
from apps.core.audit import record_action
from apps.core.exceptions import DomainError

if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)  # auditlog's own admin; the console below replaces it


def _actor(request):
    """The signed-in user as a model instance (audit entries need its real type, not the lazy proxy)."""
    return get_user_model().objects.get(pk=request.user.pk)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- trash --------------------------------------------------------------------------------


# Rows of each contained model listed by name on the confirmation page (the rest are counted).
CONFIRM_LIST_LIMIT = 10


def _contents(item: TrashItem, *, restore: bool) -> tuple[object | None, list[dict]]:
    """The item's resource and what comes back (restore: rows of the same deletion) or goes away
    (purge: every row it contains) with it, per model: label, count and the first names."""
    model = core_trash.spec_for(item.resource_type).model
    obj = model.all_objects.filter(pk=item.resource_id).first()
    if obj is None:
        return None, []
    groups = []
    for queryset in core_trash.contents_of(obj):
        rows = queryset.filter(deletion_id=obj.deletion_id) if restore else queryset
        total = rows.count()
        if total:
            names = [str(row) for row in rows[:CONFIRM_LIST_LIMIT]]
            meta = queryset.model._meta
            label = meta.verbose_name if total == 1 else meta.verbose_name_plural
            groups.append({"label": label, "count": total, "names": names})
    return obj, groups


@admin.register(TrashItem)
class TrashItemAdmin(ReadOnlyAdmin):
    list_display = (
        "resource_name",
        "resource_type",
        "workspace",
        "deleted_by",
        "deleted_at",
        "expires_in",
        "expires_at",
    )
    list_filter = ("resource_type", "deleted_at", "expires_at", "workspace")
    search_fields = ("resource_name", "=resource_id", "deleted_by__email", "workspace__name")
    list_select_related = ("workspace", "deleted_by")
    date_hierarchy = "deleted_at"
    actions = ("restore_selected", "purge_selected")

    def has_restore_permission(self, request) -> bool:
        return request.user.has_perm("archive.restore_trashitem")

    def has_purge_permission(self, request) -> bool:
        return request.user.has_perm("archive.purge_trashitem")

    @admin.display(description="expires in", ordering="expires_at")
    def expires_in(self, item: TrashItem) -> str:
        if item.expires_at <= timezone.now():
            return "due for purge"
        return timeuntil(item.expires_at, depth=1)

    def _run(self, request, queryset, service, verb: str) -> None:
        done, failed = 0, []
        for item in queryset:
            try:
                service(actor=_actor(request), trash_item=item)
                done += 1
            except DomainError as exc:
                failed.append(f"{item.resource_name}: {exc.message}")
        if done:
            self.message_user(request, f"{verb} {done} item(s).", messages.SUCCESS)
        for failure in failed:
            self.message_user(request, failure, messages.ERROR)

    def _confirm(self, request, queryset, *, action: str, restore: bool, title: str, service, verb: str):
        """First the confirmation page listing what each item brings back or takes away; the
        action runs when that page is posted back with `confirm`."""
        if request.POST.get("confirm") == "yes":
            self._run(request, queryset, service, verb)
            return None
        items = []
        for item in queryset.select_related("workspace", "deleted_by"):
            obj, groups = _contents(item, restore=restore)
            items.append({"item": item, "missing": obj is None, "groups": groups})
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "items": items,
            "action": action,
            "restore": restore,
            "verb": verb,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
            "queryset": queryset,
        }
        return TemplateResponse(request, "admin/archive/trashitem/confirm_action.html", context)

    @admin.action(description="Restore selected items", permissions=["restore"])
    def restore_selected(self, request, queryset):
        return self._confirm(
            request,
            queryset,
            action="restore_selected",
            restore=True,
            title="Restore from the trash?",
            service=trash_services.trash_item_restore,
            verb="Restored",
        )

    @admin.action(description="Permanently delete selected items", permissions=["purge"])
    def purge_selected(self, request, queryset):
        return self._confirm(
            request,
            queryset,
            action="purge_selected",
            restore=False,
            title="Delete for good?",
            service=trash_services.trash_item_purge,
            verb="Permanently deleted",
        )


# --- audit log ----------------------------------------------------------------------------


class WorkspaceFilter(admin.SimpleListFilter):
    title = "workspace"
    parameter_name = "workspace"

    def lookups(self, request, model_admin):
        from apps.workspaces.models import Workspace

        return [(str(pk), name) for pk, name in Workspace.all_objects.order_by("name").values_list("pk", "name")]

    def queryset(self, request, queryset):
        return queryset.filter(additional_data__workspace_id=self.value()) if self.value() else queryset


class ActionFilter(admin.SimpleListFilter):
    title = "action"
    parameter_name = "audit_action"

    def lookups(self, request, model_admin):
        domain = (
            LogEntry.objects.filter(additional_data__has_key="action")
            .values_list("additional_data__action", flat=True)
            .distinct()
            .order_by("additional_data__action")
        )
        verbs = [f"*.{verb}" for verb in selectors.VERB_ACTIONS]
        return [(value, value) for value in [*domain, *verbs] if value]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if value.startswith("*."):
            action = selectors.VERB_ACTIONS.get(value[2:])
            return queryset.filter(action=action).filter(~Q(additional_data__has_key="action"))
        return queryset.filter(additional_data__action=value)


class ActorFilter(admin.SimpleListFilter):
    title = "user"
    parameter_name = "actor"

    def lookups(self, request, model_admin):
        actors = LogEntry.objects.exclude(actor=None).values("actor_id").distinct()
        return [
            (str(pk), email) for pk, email in get_user_model().objects.filter(pk__in=actors).values_list("pk", "email")
        ]

    def queryset(self, request, queryset):
        return queryset.filter(actor_id=self.value()) if self.value() else queryset


class ResourceTypeFilter(admin.SimpleListFilter):
    title = "resource type"
    parameter_name = "resource_type"

    def lookups(self, request, model_admin):
        used = LogEntry.objects.values_list("content_type_id", flat=True).distinct().order_by()
        types = sorted({selectors.resource_type_of(content_type_id) for content_type_id in used})
        return [(value, value.replace("_", " ")) for value in types]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return queryset.filter(content_type_id__in=selectors.content_types_of(self.value()))


def _query(request) -> str:
    return f"?{request.GET.urlencode()}" if request.GET else ""


def _export_request(queryset, export_format: str) -> tuple[exports.ExportRequest, list[int]]:
    ids = list(queryset.values_list("pk", flat=True))
    bounds = LogEntry.objects.filter(pk__in=ids).order_by("timestamp").values_list("timestamp", flat=True)
    start = bounds.first() or timezone.now()
    end = bounds.last() or start
    return exports.ExportRequest(
        start=start, end=end + dt.timedelta(microseconds=1), format=export_format, scope=None
    ), ids


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("timestamp", "action_name", "user_email", "resource", "workspace_id", "remote_addr", "seal")
    list_filter = (
        WorkspaceFilter,
        ActionFilter,
        ActorFilter,
        ResourceTypeFilter,
        ("timestamp", admin.DateFieldListFilter),
    )
    search_fields = ("object_repr", "=object_pk", "actor_email", "actor__email")
    date_hierarchy = "timestamp"
    list_select_related = ("actor", "content_type", "chain_link")
    ordering = ("-timestamp", "-id")
    actions = ("export_csv", "export_pdf")
    readonly_fields = (
        "timestamp",
        "action_name",
        "user_email",
        "resource",
        "workspace_id",
        "remote_addr",
        "changes",
        "seal",
    )
    fields = readonly_fields

    def has_export_permission(self, request) -> bool:
        return request.user.has_perm("archive.export_compliance")

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "has_export_permission": self.has_export_permission(request)}
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        view = self.admin_site.admin_view(require_POST(self.export_filtered_view))
        return [
            path("export/<str:export_format>/", view, name="archive_auditentry_export"),
            *super().get_urls(),
        ]

    def export_filtered_view(self, request, export_format: str):
        """Export exactly the rows the changelist shows for these filters and this search (every
        page): CSV streamed or PDF rendered here up to the sync limits, else a background job whose
        progress the export-jobs list shows."""
        if export_format not in ("csv", "pdf"):
            raise Http404
        if not (self.has_view_permission(request) and self.has_export_permission(request)):
            raise PermissionDenied
        try:
            queryset = self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:  # malformed filters: the changelist's own error page
            return HttpResponseRedirect(reverse("admin:archive_auditentry_changelist") + "?e=1")
        export, ids = _export_request(queryset, export_format)
        limit = (
            settings.COMPLIANCE_PDF_SYNC_MAX_ROWS if export_format == "pdf" else settings.COMPLIANCE_CSV_SYNC_MAX_ROWS
        )
        if len(ids) > limit:
            try:
                job = exports.compliance_export_job_create(
                    actor=_actor(request), request=export, total=len(ids), entry_ids=ids
                )
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                return HttpResponseRedirect(reverse("admin:archive_auditentry_changelist") + _query(request))
            self.message_user(
                request,
                f"{len(ids)} entries are exported in the background; the export jobs list shows its progress.",
                messages.INFO,
            )
            return HttpResponseRedirect(reverse("admin:archive_complianceexport_change", args=[job.pk]))
        action = self.export_pdf if export_format == "pdf" else self.export_csv
        return action(request, LogEntry.objects.filter(pk__in=ids)) or HttpResponseRedirect(
            reverse("admin:archive_auditentry_changelist") + _query(request)
        )

    @admin.display(description="action")
    def action_name(self, entry):
        data = entry.additional_data or {}
        return data.get("action") or (
            f"{selectors.resource_type_of(entry.content_type_id)}.{selectors.VERBS.get(entry.action, 'accessed')}"
        )

    @admin.display(description="user")
    def user_email(self, entry):
        return entry.actor.email if entry.actor else entry.actor_email or "system"

    @admin.display(description="resource")
    def resource(self, entry):
        return f"{selectors.resource_type_of(entry.content_type_id)} {entry.object_repr[:60]}"

    @admin.display(description="workspace")
    def workspace_id(self, entry):
        return (entry.additional_data or {}).get("workspace_id") or "-"

    @admin.display(description="seal")
    def seal(self, entry):
        link = getattr(entry, "chain_link", None)
        if link is None:
            return "unsealed"
        return format_html("#{} <code>{}</code>", link.seq, link.hash[:16])

    @admin.action(description="Export selected entries as CSV", permissions=["export"])
    def export_csv(self, request, queryset):
        export, ids = _export_request(queryset, "csv")
        chunks = exports.audit_csv_stream(LogEntry.objects.filter(pk__in=ids).order_by("timestamp", "id"))
        exports.compliance_export_record(actor=_actor(request), request=export, total=len(ids), export_id="admin")
        response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="pronaflow-audit-{timezone.now():%Y%m%d-%H%M%S}.csv"'
        return response

    @admin.action(description="Export selected entries as PDF", permissions=["export"])
    def export_pdf(self, request, queryset):
        export, ids = _export_request(queryset, "pdf")
        if len(ids) > exports.settings.COMPLIANCE_PDF_SYNC_MAX_ROWS:
            self.message_user(
                request,
                f"{len(ids)} entries are too many for a PDF here; use the compliance export API (queued job) or CSV.",
                messages.WARNING,
            )
            return None
        records = list(selectors.audit_records(LogEntry.objects.filter(pk__in=ids).order_by("timestamp", "id")))
        digest = exports.csv_digest(records)
        actor = _actor(request)
        pdf = exports.render_pdf(actor=actor, request=export, records=records, digest=digest, export_id="admin")
        exports.compliance_export_record(actor=actor, request=export, total=len(ids), export_id="admin", sha256=digest)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="pronaflow-audit-{timezone.now():%Y%m%d-%H%M%S}.pdf"'
        return response


@admin.register(AuditChainAnchor)
class AuditChainAnchorAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "last_purged_seq", "last_purged_hash", "purged_count", "purged_before")


# --- archive history and export jobs --------------------------------------------------------


@admin.register(ArchiveHistory)
class ArchiveHistoryAdmin(ReadOnlyAdmin):
    list_display = ("timestamp", "project_name", "action", "reason", "performed_by", "archive_all_related")
    list_filter = ("action", "timestamp", "workspace")
    search_fields = ("project_name", "reason", "=project__id", "performed_by__email")
    list_select_related = ("performed_by", "workspace")
    date_hierarchy = "timestamp"


@admin.register(AuditChainVerification)
class AuditChainVerificationAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "requested_by",
        "status",
        "intact",
        "checked_entries",
        "total_entries",
        "head_seq",
        "finished_at",
    )
    list_filter = ("status", "intact")
    list_select_related = ("requested_by",)
    fields = (*list_display, "started_at", "problems", "error")
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("archive.verify_auditchain")

    def has_module_permission(self, request):
        return self.has_view_permission(request)


@admin.register(ComplianceExport)
class ComplianceExportAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "requested_by",
        "format",
        "status",
        "progress_bar",
        "total_rows",
        "start_date",
        "end_date",
        "expires_at",
    )
    list_filter = ("status", "format", "created_at")
    search_fields = ("requested_by__email", "sha256")
    list_select_related = ("requested_by",)
    date_hierarchy = "created_at"

    readonly_fields = ("progress_bar", "download")

    @admin.display(description="progress", ordering="progress")
    def progress_bar(self, job: ComplianceExport):
        return format_html(
            '<progress value="{}" max="100" aria-label="export progress">{} %</progress> {} %',
            job.progress,
            job.progress,
            job.progress,
        )

    @admin.display(description="file")
    def download(self, job: ComplianceExport):
        if job.status != ExportStatus.COMPLETED or not job.file:
            return "-"
        url = reverse("admin:archive_complianceexport_download", args=[job.pk])
        return format_html('<a href="{}">Download {}</a>', url, job.format.upper())

    def get_urls(self):
        view = self.admin_site.admin_view(self.download_view)
        return [path("<uuid:export_id>/download/", view, name="archive_complianceexport_download"), *super().get_urls()]

    def download_view(self, request, export_id):
        """The file of a finished job, for whoever may view export jobs (audited as a download)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        job = get_object_or_404(ComplianceExport, pk=export_id, status=ExportStatus.COMPLETED)
        if not job.file:
            raise Http404
        record_action(
            "compliance.export_downloaded",
            actor=_actor(request),
            target=job,
            workspace_id=job.workspace_id,
            extra={"sha256": job.sha256},
        )
        content_type = "application/pdf" if job.format == "pdf" else "text/csv; charset=utf-8"
        return FileResponse(
            job.file.open("rb"),
            as_attachment=True,
            filename=f"pronaflow-audit-{job.pk}.{job.format}",
            content_type=content_type,
        )
