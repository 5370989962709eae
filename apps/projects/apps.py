from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "apps.projects"
    label = "projects"
    verbose_name = "Projects"

    def ready(self) -> None:
        from apps.core import access, trash
        from apps.core.audit import register_audited
        from apps.events.models import DomainEvent
        from apps.events.registry import register_directory
        from apps.projects import lifecycle
        from apps.projects.access import DomainEventRules, EventDirectory, ProjectRules
        from apps.projects.models import Project, ProjectMember
        from apps.workspaces.models import Workspace

        register_audited(Project)
        register_audited(ProjectMember)
        access.register(Project, ProjectRules())
        # Who sees an event is a question of workspace and project visibility: this app answers it.
        access.register(DomainEvent, DomainEventRules())
        register_directory(EventDirectory())
        trash.register_contents(Workspace, Project, lambda ws: Project.all_objects.filter(workspace=ws))
        trash.register(
            trash.TrashSpec(
                resource_type="project",
                model=Project,
                name=lambda project: project.name,
                parent=lambda project: trash.first_deleted(project.workspace),
                delete=lifecycle.project_delete,
                restore=lifecycle.project_restore,
            )
        )
