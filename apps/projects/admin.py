"""Admin for projects and project members. Actions call the services, so the same rules, events
and audit entries apply as through the API; a refused action is reported, not forced."""

from django.contrib import admin, messages

from apps.core.admin import ServiceSaveMixin
from apps.core.exceptions import DomainError
from apps.projects import lifecycle, services
from apps.projects.models import Project, ProjectMember


class ProjectMemberInline(admin.TabularInline):
    model = ProjectMember
    extra = 0
    fields = ["user", "role", "added_at"]
    readonly_fields = ["user", "role", "added_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(ServiceSaveMixin, admin.ModelAdmin):
    list_display = ["name", "workspace", "status", "visibility", "start_date", "end_date", "created_at", "deleted_at"]
    list_filter = ["status", "visibility", ("deleted_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "description", "workspace__name"]
    list_select_related = ["workspace"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "id",
        "workspace",
        "status",
        "created_by",
        "archived_at",
        "archived_by",
        "status_before_archive",
        "created_at",
        "updated_at",
        "deleted_at",
        "deleted_by",
        "deletion_id",
    ]
    fields = ["name", "description", "visibility", "start_date", "end_date", *readonly_fields]
    inlines = [ProjectMemberInline]
    actions = ["move_to_trash"]

    def get_queryset(self, request):
        return Project.all_objects.select_related("workspace")

    def has_add_permission(self, request):
        return False  # created through the API so the creator becomes manager and the event is emitted

    def has_delete_permission(self, request, obj=None):
        return False  # deleting goes to the trash (action below), never straight to the database

    def save_through_service(self, request, obj, form):
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in services.EDITABLE_FIELDS}
        services.project_update(actor=request.user, project=Project.objects.get(pk=obj.pk), data=data)

    @admin.action(description="Move to trash")
    def move_to_trash(self, request, queryset):
        for project in queryset.filter(deleted_at__isnull=True):
            try:
                lifecycle.project_delete(actor=request.user, obj=project)
            except DomainError as exc:
                self.message_user(request, f"{project}: {exc.message}", level=messages.ERROR)


@admin.register(ProjectMember)
class ProjectMemberAdmin(ServiceSaveMixin, admin.ModelAdmin):
    list_display = ["user", "project", "role", "added_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__username", "project__name"]
    list_select_related = ["user", "project"]
    readonly_fields = ["project", "user", "added_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_through_service(self, request, obj, form):
        services.project_member_update(
            actor=request.user,
            project=obj.project,
            member=ProjectMember.objects.get(pk=obj.pk),
            role=form.cleaned_data["role"],
        )
