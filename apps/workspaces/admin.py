"""Admin for workspaces, memberships and invitations. Actions call the services, so the same rules,
events and audit entries apply as through the API; a refused action is reported, not forced."""

from django.contrib import admin, messages

from apps.core.admin import JSONDepthLimitMixin, ServiceSaveMixin
from apps.core.exceptions import DomainError
from apps.workspaces import lifecycle, services
from apps.workspaces.models import Invitation, Workspace, WorkspaceMember


def _run(modeladmin, request, queryset, action) -> None:
    done = 0
    for obj in queryset:
        try:
            action(obj)
            done += 1
        except DomainError as exc:
            modeladmin.message_user(request, f"{obj}: {exc.message}", level=messages.ERROR)
    if done:
        modeladmin.message_user(request, f"{done} done.", level=messages.SUCCESS)


class WorkspaceMemberInline(admin.TabularInline):
    model = WorkspaceMember
    extra = 0
    fields = ["user", "role", "joined_at"]
    readonly_fields = ["user", "role", "joined_at"]
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Workspace)
class WorkspaceAdmin(JSONDepthLimitMixin, ServiceSaveMixin, admin.ModelAdmin):
    list_display = ["name", "type", "created_by", "created_at", "deleted_at"]
    list_filter = ["type", "allow_member_invitations", ("deleted_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "description", "created_by__email"]
    readonly_fields = ["id", "created_by", "created_at", "updated_at", "deleted_at", "deleted_by", "deletion_id"]
    list_select_related = ["created_by"]
    inlines = [WorkspaceMemberInline]
    actions = ["move_to_trash"]

    def get_queryset(self, request):
        return Workspace.all_objects.all()

    def has_add_permission(self, request):
        return False  # created through the API so the creator becomes owner and the event is emitted

    def has_delete_permission(self, request, obj=None):
        return False  # deleting goes to the trash (action below), never straight to the database

    def save_through_service(self, request, obj, form):
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        workspace = Workspace.objects.get(pk=obj.pk)
        services.workspace_update(actor=request.user, workspace=workspace, data=data)
        services.workspace_settings_update(actor=request.user, workspace=workspace, data=data)

    @admin.action(description="Move to trash (owner only)")
    def move_to_trash(self, request, queryset):
        _run(
            self,
            request,
            queryset.filter(deleted_at__isnull=True),
            lambda ws: lifecycle.workspace_delete(actor=request.user, obj=ws),
        )


@admin.register(WorkspaceMember)
class WorkspaceMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "workspace", "role", "joined_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__username", "workspace__name"]
    list_select_related = ["user", "workspace"]
    readonly_fields = ["workspace", "user", "role", "joined_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "workspace", "role", "status", "invited_by", "expires_at", "accepted_at"]
    list_filter = ["status", "role"]
    search_fields = ["email", "workspace__name"]
    list_select_related = ["workspace", "invited_by"]
    # The token hash stays out of the admin: nothing there could help to accept an invitation.
    fields = [
        "workspace",
        "email",
        "role",
        "status",
        "invited_by",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "created_at",
    ]
    readonly_fields = fields
    actions = ["cancel", "expire_overdue"]

    def has_add_permission(self, request):
        return False  # invitations are sent through the API so the token reaches the invitee only

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Cancel the selected pending invitations")
    def cancel(self, request, queryset):
        _run(
            self,
            request,
            queryset.select_related("workspace"),
            lambda inv: services.invitation_cancel(actor=request.user, workspace=inv.workspace, invitation=inv),
        )

    @admin.action(description="Mark every overdue pending invitation as expired")
    def expire_overdue(self, request, queryset):
        count = services.invitations_expire()
        self.message_user(request, f"{count} invitation(s) marked expired.", level=messages.SUCCESS)
