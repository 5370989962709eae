from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "apps.projects"
    label = "projects"
    verbose_name = "Projects"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from apps.collaboration.models import Comment
        from apps.core import trash
        from apps.projects.models import Project, ProjectMember
        from apps.tasks.models import Task, TaskList

        auditlog.register(Project)
        auditlog.register(ProjectMember)
        trash.register(
            trash.TrashSpec(
                resource_type="project",
                model=Project,
                name=lambda project: project.name,
                contents=lambda project: [
                    TaskList.all_objects.filter(project=project),
                    Task.all_objects.filter(project=project),
                    Comment.all_objects.filter(task__project=project),
                ],
                parent=lambda project: trash.first_deleted(project.workspace),
            )
        )
