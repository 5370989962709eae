from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "apps.tasks"
    label = "tasks"
    verbose_name = "Tasks"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from apps.collaboration.models import Comment
        from apps.core import trash
        from apps.tasks.models import Subtask, Task, TaskAssignee, TaskDependency, TaskList

        for model in (TaskList, Subtask, TaskAssignee, TaskDependency):
            auditlog.register(model)
        auditlog.register(Task, m2m_fields={"watchers"})
        trash.register(
            trash.TrashSpec(
                resource_type="task_list",
                model=TaskList,
                name=lambda task_list: task_list.name,
                contents=lambda task_list: [
                    Task.all_objects.filter(task_list=task_list),
                    Comment.all_objects.filter(task__task_list=task_list),
                ],
                parent=lambda task_list: trash.first_deleted(task_list.project, task_list.project.workspace),
            )
        )
        trash.register(
            trash.TrashSpec(
                resource_type="task",
                model=Task,
                name=lambda task: task.title,
                contents=lambda task: [Comment.all_objects.filter(task=task)],
                parent=lambda task: trash.first_deleted(task.task_list, task.project, task.project.workspace),
            )
        )
