"""Admin for module 5: read-only views of plans and baselines; milestones are edited and moved to
the trash through the services, so the same rules, events and audit entries apply as through the
API (a refused change is reported, not forced)."""

from django.contrib import admin, messages

from apps.core.admin import ServiceSaveMixin
from apps.core.exceptions import DomainError
from apps.scheduling import lifecycle, services
from apps.scheduling.models import Baseline, Milestone, ProjectPlan


@admin.register(ProjectPlan)
class ProjectPlanAdmin(admin.ModelAdmin):
    list_display = ["project", "state", "submitted_at", "approved_at", "approved_by", "locked_at"]
    list_filter = ["state"]
    list_select_related = ["project", "approved_by"]
    search_fields = ["project__name"]
    readonly_fields = [field.name for field in ProjectPlan._meta.fields]

    def has_add_permission(self, request):
        return False  # the workflow runs through the API so rights are checked and events emitted

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Baseline)
class BaselineAdmin(admin.ModelAdmin):
    list_display = ["name", "project", "created_by", "created_at"]
    list_select_related = ["project", "created_by"]
    search_fields = ["name", "project__name"]
    readonly_fields = [field.name for field in Baseline._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Milestone)
class MilestoneAdmin(ServiceSaveMixin, admin.ModelAdmin):
    list_display = ["name", "project", "due_date", "completed_at", "deleted_at"]
    list_filter = [("completed_at", admin.EmptyFieldListFilter), ("deleted_at", admin.EmptyFieldListFilter)]
    list_select_related = ["project"]
    search_fields = ["name", "project__name"]
    readonly_fields = ["id", "workspace", "project", "created_by", "created_at", "updated_at", "deleted_at"]
    fields = ["name", "due_date", "completed_at", *readonly_fields]

    def get_queryset(self, request):
        return Milestone.all_objects.select_related("project")

    actions = ["move_to_trash"]

    def has_add_permission(self, request):
        return False  # created through the API so rights are checked and milestone.created is emitted

    def has_delete_permission(self, request, obj=None):
        return False  # deleting goes to the trash (action below), never straight to the database

    def save_through_service(self, request, obj, form):
        data = {
            name: form.cleaned_data[name] for name in form.changed_data if name in ("name", "due_date", "completed_at")
        }
        services.milestone_update(actor=request.user, milestone=Milestone.objects.get(pk=obj.pk), data=data)

    @admin.action(description="Move to trash")
    def move_to_trash(self, request, queryset):
        for milestone in queryset.filter(deleted_at__isnull=True):
            try:
                lifecycle.milestone_delete(actor=request.user, obj=milestone)
            except DomainError as exc:
                self.message_user(request, f"{milestone}: {exc.message}", level=messages.ERROR)
