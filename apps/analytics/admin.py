"""Admin for reports and their executions. Edits go through the API (so the beat schedule stays in
sync); the actions call the services the scheduler uses."""

from django.contrib import admin, messages
from django.utils.text import Truncator

from apps.analytics import services
from apps.analytics.choices import ExecutionStatus, ExecutionTrigger
from apps.analytics.models import Report, ReportExecution


class ReportExecutionInline(admin.TabularInline):
    model = ReportExecution
    extra = 0
    fields = ["created_at", "status", "trigger", "triggered_by", "start_date", "end_date", "finished_at"]
    readonly_fields = fields
    can_delete = False
    ordering = ["-created_at"]
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace", "type", "schedule_summary", "created_by", "last_executed_at", "created_at"]
    list_filter = ["type", ("periodic_task", admin.EmptyFieldListFilter), "periodic_task__enabled"]
    search_fields = ["name", "description", "workspace__name"]
    list_select_related = ["workspace", "created_by"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "id",
        "workspace",
        "name",
        "description",
        "type",
        "filters",
        "metrics",
        "schedule",
        "periodic_task",
        "consecutive_failures",
        "created_by",
        "last_executed_at",
        "created_at",
        "updated_at",
    ]
    inlines = [ReportExecutionInline]
    actions = ["run_now", "delete_with_schedule"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the action below also removes the beat schedule

    @admin.display(description="Schedule")
    def schedule_summary(self, report: Report) -> str:
        schedule = report.schedule
        if not schedule:
            return "on demand"
        when = {"weekly": f" day {schedule.get('day_of_week')}", "monthly": f" day {schedule.get('day_of_month')}"}
        return f"{schedule['type']}{when.get(schedule['type'], '')} at {schedule['time']}"

    @admin.action(description="Run now")
    def run_now(self, request, queryset):
        for report in queryset.select_related("workspace"):
            execution = services.report_run_now(actor=None, report=report, trigger=ExecutionTrigger.MANUAL)
            level = messages.SUCCESS if execution.status == ExecutionStatus.COMPLETED else messages.ERROR
            self.message_user(request, f"{report}: {execution.status}", level=level)

    @admin.action(description="Delete with executions and schedule")
    def delete_with_schedule(self, request, queryset):
        for report in queryset.select_related("workspace"):
            services.report_delete(actor=None, report=report)


@admin.register(ReportExecution)
class ReportExecutionAdmin(admin.ModelAdmin):
    list_display = [
        "report",
        "status",
        "trigger",
        "triggered_by",
        "start_date",
        "end_date",
        "created_at",
        "finished_at",
        "error_summary",
    ]
    list_filter = ["status", "trigger"]
    search_fields = ["report__name", "report__workspace__name"]
    list_select_related = ["report", "triggered_by"]
    date_hierarchy = "created_at"

    @admin.display(description="Error", ordering="error")
    def error_summary(self, execution: ReportExecution) -> str:
        return Truncator(execution.error).chars(120) if execution.error else ""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in ReportExecution._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
