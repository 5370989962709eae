from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "apps.tasks"
    label = "tasks"
    verbose_name = "Tasks"

    def ready(self) -> None:
        from apps.core import access, trash
        from apps.core.audit import register_audited
        from apps.projects.models import Project
        from apps.tasks import lifecycle
        from apps.tasks.access import ProjectChildRules, TaskChildRules
        from apps.tasks.models import Subtask, Task, TaskAssignee, TaskDependency, TaskList
        from apps.workspaces.models import Workspace

        for model in (TaskList, Subtask, TaskAssignee, TaskDependency):
            register_audited(model)
        register_audited(Task, m2m_fields={"watchers"})
        access.register(TaskList, ProjectChildRules())
        access.register(Task, ProjectChildRules())
        for model in (Subtask, TaskAssignee, TaskDependency):
            access.register(model, TaskChildRules())

        trash.register_contents(Workspace, TaskList, lambda ws: TaskList.all_objects.filter(workspace=ws))
        trash.register_contents(Workspace, Task, lambda ws: Task.all_objects.filter(workspace=ws))
        trash.register_contents(Project, TaskList, lambda project: TaskList.all_objects.filter(project=project))
        trash.register_contents(Project, Task, lambda project: Task.all_objects.filter(project=project))
        trash.register_contents(TaskList, Task, lambda task_list: Task.all_objects.filter(task_list=task_list))
        trash.register(
            trash.TrashSpec(
                resource_type="task_list",
                model=TaskList,
                name=lambda task_list: task_list.name,
                parent=lambda task_list: trash.first_deleted(task_list.project, task_list.project.workspace),
                delete=lifecycle.task_list_delete,
                restore=lifecycle.task_list_restore,
            )
        )
        trash.register(
            trash.TrashSpec(
                resource_type="task",
                model=Task,
                name=lambda task: task.title,
                parent=lambda task: trash.first_deleted(task.task_list, task.project, task.project.workspace),
                delete=lifecycle.task_delete,
                restore=lifecycle.task_restore,
            )
        )
