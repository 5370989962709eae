from django.apps import AppConfig


class CollaborationConfig(AppConfig):
    name = "apps.collaboration"
    label = "collaboration"
    verbose_name = "Collaboration"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from apps.collaboration.models import Comment, Mention
        from apps.core import trash

        auditlog.register(Comment)
        auditlog.register(Mention)
        trash.register(
            trash.TrashSpec(
                resource_type="comment",
                model=Comment,
                name=lambda comment: comment.content[:80],
                contents=lambda comment: [Comment.all_objects.filter(parent=comment)],
                parent=lambda comment: trash.first_deleted(
                    comment.parent, comment.task, comment.task.task_list, comment.task.project
                ),
            )
        )
