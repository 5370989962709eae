from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    name = "apps.workspaces"
    label = "workspaces"
    verbose_name = "Workspaces"

    def ready(self) -> None:
        from apps.core import access, trash
        from apps.core.audit import register_audited
        from apps.workspaces import lifecycle
        from apps.workspaces.access import MemberRules, WorkspaceRules
        from apps.workspaces.models import Invitation, Workspace, WorkspaceMember

        register_audited(Workspace)
        register_audited(WorkspaceMember)
        register_audited(Invitation, exclude_fields=["token_hash"])
        access.register(Workspace, WorkspaceRules())
        access.register(WorkspaceMember, MemberRules())
        trash.register(
            trash.TrashSpec(
                resource_type="workspace",
                model=Workspace,
                name=lambda ws: ws.name,
                workspace_id=lambda ws: ws.pk,
                delete=lifecycle.workspace_delete,
                restore=lifecycle.workspace_restore,
            )
        )
