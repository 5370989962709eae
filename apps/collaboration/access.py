"""Who may see and act on comments and mentions, registered in `CollaborationConfig.ready()`.

A comment is seen by whoever sees its task; edited by its author; deleted by its author, the
project's managers and the workspace's owners and admins. A mention is its user's own.
"""

from __future__ import annotations

from django.db.models import Q

from apps.collaboration.models import Comment
from apps.core.access import restrict
from apps.projects.access import projects_where
from apps.tasks.models import Task
from apps.workspaces.access import member_workspace_ids


class CommentRules:
    def view(self, user) -> Q:
        return Q(task_id__in=restrict(Task.objects, user).values("id"))

    def change(self, user) -> Q:
        return Q(author_id=user.pk) & self.view(user)

    def delete(self, user) -> Q:
        return Q(author_id=user.pk, workspace_id__in=member_workspace_ids(user, live=False)) | Q(
            task__project_id__in=projects_where(user, "change")
        )


class MentionRules:
    def view(self, user) -> Q:
        return Q(user_id=user.pk, comment__in=restrict(Comment.objects, user).values("pk"))

    change = view
