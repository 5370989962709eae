from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    name = "apps.workspaces"
    label = "workspaces"
    verbose_name = "Workspaces"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from apps.collaboration.models import Comment
        from apps.core import trash
        from apps.projects.models import Project
        from apps.tasks.models import Task, TaskList
        from apps.workspaces.models import Invitation, Workspace, WorkspaceMember

        auditlog.register(Workspace)
        auditlog.register(WorkspaceMember)
        auditlog.register(Invitation, exclude_fields=["token_hash"])
        trash.register(
            trash.TrashSpec(
                resource_type="workspace",
                model=Workspace,
                name=lambda ws: ws.name,
                contents=lambda ws: [
                    Project.all_objects.filter(workspace=ws),
                    TaskList.all_objects.filter(workspace=ws),
                    Task.all_objects.filter(workspace=ws),
                    Comment.all_objects.filter(workspace=ws),
                ],
                workspace_id=lambda ws: ws.pk,
            )
        )
