"""Admin for task lists, tasks and dependencies. Writes go through the services (same rights,
events and audit entries as the API); a refused action is reported, not forced."""

from django.contrib import admin, messages

from apps.core.admin import JSONDepthLimitMixin, ServiceSaveMixin
from apps.core.exceptions import DomainError
from apps.tasks import lifecycle, services
from apps.tasks.choices import TaskStatus
from apps.tasks.models import Subtask, Task, TaskAssignee, TaskDependency, TaskList


def _report(modeladmin, request, label, exc: DomainError) -> None:
    modeladmin.message_user(request, f"{label}: {exc.message}", level=messages.ERROR)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TaskAssigneeInline(ReadOnlyInline):
    model = TaskAssignee
    fk_name = "task"
    fields = ["user", "assigned_by", "assigned_at"]
    readonly_fields = fields


class SubtaskInline(ReadOnlyInline):
    model = Subtask
    fields = ["title", "is_done", "position"]
    readonly_fields = fields


class DependencyInline(ReadOnlyInline):
    model = TaskDependency
    fk_name = "task"
    fields = ["depends_on", "type", "created_at"]
    readonly_fields = fields


@admin.register(TaskList)
class TaskListAdmin(ServiceSaveMixin, admin.ModelAdmin):
    list_display = ["name", "project", "workspace", "position", "created_at", "deleted_at"]
    list_filter = [("deleted_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "project__name", "workspace__name"]
    list_select_related = ["project", "workspace"]
    readonly_fields = ["id", "workspace", "project", "created_at", "updated_at", "deleted_at", "deleted_by"]
    fields = ["name", "position", *readonly_fields]
    actions = ["move_to_trash"]

    def get_queryset(self, request):
        return TaskList.all_objects.select_related("project", "workspace")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_through_service(self, request, obj, form):
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in ("name", "position")}
        services.task_list_update(actor=request.user, task_list=TaskList.objects.get(pk=obj.pk), **data)

    @admin.action(description="Move to trash (with their tasks)")
    def move_to_trash(self, request, queryset):
        for task_list in queryset.filter(deleted_at__isnull=True).select_related("project"):
            try:
                lifecycle.task_list_delete(actor=request.user, obj=task_list, force=True)
            except DomainError as exc:
                _report(self, request, str(task_list), exc)


@admin.register(Task)
class TaskAdmin(JSONDepthLimitMixin, ServiceSaveMixin, admin.ModelAdmin):
    list_display = ["title", "project", "status", "priority", "due_date", "completed_at", "created_at", "deleted_at"]
    list_filter = ["status", "priority", ("deleted_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "description", "project__name", "workspace__name"]
    list_select_related = ["project"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "id",
        "workspace",
        "project",
        "task_list",
        "status",
        "created_by",
        "started_at",
        "completed_at",
        "created_at",
        "updated_at",
        "deleted_at",
        "deleted_by",
    ]
    fields = [
        "title",
        "description",
        "priority",
        "start_date",
        "due_date",
        "estimated_hours",
        "tags",
        "position",
        *readonly_fields,
    ]
    inlines = [TaskAssigneeInline, SubtaskInline, DependencyInline]
    actions = ["mark_completed", "reopen", "move_to_trash"]

    def get_queryset(self, request):
        return Task.all_objects.select_related("project", "workspace")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_through_service(self, request, obj, form):
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in services.PLAIN_FIELDS}
        if "position" in form.changed_data:
            data["position"] = form.cleaned_data["position"]
        services.task_update(actor=request.user, task=Task.objects.select_related("project").get(pk=obj.pk), data=data)

    def _set_status(self, request, queryset, status):
        for task in queryset.filter(deleted_at__isnull=True).select_related("project"):
            try:
                services.task_status_change(actor=request.user, task=task, status=status)
            except DomainError as exc:
                _report(self, request, str(task), exc)

    @admin.action(description="Mark completed")
    def mark_completed(self, request, queryset):
        self._set_status(request, queryset, TaskStatus.COMPLETED)

    @admin.action(description="Reopen (back to to do)")
    def reopen(self, request, queryset):
        self._set_status(request, queryset, TaskStatus.TODO)

    @admin.action(description="Move to trash")
    def move_to_trash(self, request, queryset):
        for task in queryset.filter(deleted_at__isnull=True).select_related("project", "workspace"):
            try:
                lifecycle.task_delete(actor=request.user, obj=task)
            except DomainError as exc:
                _report(self, request, str(task), exc)


@admin.register(TaskDependency)
class TaskDependencyAdmin(admin.ModelAdmin):
    list_display = ["task", "type", "depends_on", "created_at"]
    list_filter = ["type"]
    search_fields = ["task__title", "depends_on__title"]
    list_select_related = ["task", "depends_on"]
    readonly_fields = ["task", "depends_on", "type", "created_at"]
    actions = ["remove"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Remove dependency")
    def remove(self, request, queryset):
        for dependency in queryset.select_related("task__project"):
            try:
                services.dependency_delete(actor=request.user, dependency=dependency)
            except DomainError as exc:
                _report(self, request, str(dependency), exc)
