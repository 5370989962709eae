from django.apps import AppConfig


class CollaborationConfig(AppConfig):
    name = "apps.collaboration"
    label = "collaboration"
    verbose_name = "Collaboration"

    def ready(self) -> None:
        from django.db.models import OuterRef

        from apps.collaboration import lifecycle
        from apps.collaboration.access import CommentRules, MentionRules
        from apps.collaboration.models import Comment, Mention
        from apps.core import access, trash
        from apps.core.audit import register_audited
        from apps.projects.models import Project
        from apps.tasks.models import Task, TaskList
        from apps.tasks.selectors import count_subquery, register_task_annotation
        from apps.workspaces.models import Workspace

        register_task_annotation(
            "comments_count", lambda: count_subquery(Comment.objects.filter(task=OuterRef("pk")), "task")
        )
        register_audited(Comment)
        register_audited(Mention)
        access.register(Comment, CommentRules())
        access.register(Mention, MentionRules())
        comments = Comment.all_objects
        trash.register_contents(Workspace, Comment, lambda ws: comments.filter(workspace=ws))
        trash.register_contents(Project, Comment, lambda project: comments.filter(task__project=project))
        trash.register_contents(TaskList, Comment, lambda task_list: comments.filter(task__task_list=task_list))
        trash.register_contents(Task, Comment, lambda task: comments.filter(task=task))
        trash.register_contents(Comment, Comment, lambda comment: comments.filter(parent=comment))
        trash.register(
            trash.TrashSpec(
                resource_type="comment",
                model=Comment,
                name=lambda comment: comment.content[:80],
                parent=lambda comment: trash.first_deleted(
                    comment.parent, comment.task, comment.task.task_list, comment.task.project
                ),
                delete=lifecycle.comment_delete,
                restore=lifecycle.comment_restore,
            )
        )
