"""Every write of module 6: comments and mentions. Services check rights themselves, run in one
transaction and emit their events there (dispatched after commit)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.accounts.models import User
from apps.collaboration.models import Comment, Mention
from apps.core.access import can, require
from apps.core.exceptions import ValidationFailed
from apps.events.services import emit
from apps.projects.access import require_project_writable
from apps.projects.policies import require_task_editor
from apps.tasks.models import Task

# "@alice" or "@bob.smith" preceded by start or a non-word character (so e-mail addresses do not
# mention anyone); a trailing dot is punctuation, not part of the name.
MENTION_PATTERN = re.compile(r"(?<![\w@.])@([\w.+-]{1,150})")
MAX_MENTION_CANDIDATES = 50
EXCERPT_LENGTH = 200


def mentioned_usernames(content: str) -> list[str]:
    """The distinct @usernames written in `content`, in order of appearance."""
    names = (match.rstrip(".") for match in MENTION_PATTERN.findall(content))
    return list(dict.fromkeys(name for name in names if name))[:MAX_MENTION_CANDIDATES]


def _mentionable_users(*, task: Task, author, user_ids: Iterable, content: str, exclude: Iterable = ()) -> list[User]:
    """Users named by id or @username who can see `task`, other than the author. Anyone else is
    silently ignored, so a mention reveals nothing about who exists or what they can see."""
    user_ids = [str(pk) for pk in user_ids]
    usernames = mentioned_usernames(content)
    if not user_ids and not usernames:
        return []
    condition = Q(pk__in=user_ids)
    for name in usernames:
        condition |= Q(username__iexact=name)
    candidates = (
        User.objects.filter(condition, is_active=True)
        .exclude(pk=getattr(author, "pk", None))
        .exclude(pk__in=[str(pk) for pk in exclude])
        .order_by("username")[:MAX_MENTION_CANDIDATES]
    )
    return [user for user in candidates if can(user, task, "view")]


def _record_mentions(*, comment: Comment, task: Task, actor, users: list[User]) -> None:
    Mention.objects.bulk_create(
        [Mention(workspace_id=comment.workspace_id, comment=comment, user=user) for user in users],
        ignore_conflicts=True,
    )
    emit(
        "comment.mentioned",
        aggregate=comment,
        actor=actor,
        workspace=task.workspace,
        project=task.project_id,
        payload={
            "comment_id": str(comment.pk),
            "task_id": str(task.pk),
            "project_id": str(task.project_id),
            "workspace_id": str(task.workspace_id),
            "author_id": str(comment.author_id) if comment.author_id else None,
            "mentioned_user_ids": [str(user.pk) for user in users],
        },
    )


def require_commenter(actor, task: Task) -> None:
    """Commenting needs the right to work on the project's tasks (403) on a writable project (409)."""
    require_task_editor(actor, task.project, "You cannot comment in this project.")


def comment_create(
    *, actor, task: Task, content: str, parent: Comment | None = None, mention_ids: Iterable = ()
) -> Comment:
    """Post a comment (optionally a reply) on `task`; the author starts watching the task.

    Mentions come from `mention_ids` and from @username in the content; users who cannot see the
    task are ignored. Emits `comment.created`, and `comment.mentioned` when someone was mentioned.
    Raises 403 without task rights, 409 on an archived project, 422 when the parent is a comment of
    another task.
    """
    require_commenter(actor, task)
    if parent is not None and parent.task_id != task.pk:
        raise ValidationFailed.field("parent_id", "The parent comment belongs to another task.")
    with transaction.atomic():
        comment = Comment.objects.create(
            workspace_id=task.workspace_id,
            task=task,
            author=actor,
            parent=parent,
            content=content,
        )
        task.watchers.add(actor)
        emit(
            "comment.created",
            aggregate=comment,
            actor=actor,
            workspace=task.workspace,
            project=task.project_id,
            payload={
                "comment_id": str(comment.pk),
                "task_id": str(task.pk),
                "project_id": str(task.project_id),
                "workspace_id": str(task.workspace_id),
                "author_id": str(actor.pk),
                "parent_id": str(parent.pk) if parent else None,
                "excerpt": content[:EXCERPT_LENGTH],
            },
        )
        users = _mentionable_users(task=task, author=actor, user_ids=mention_ids, content=content)
        if users:
            _record_mentions(comment=comment, task=task, actor=actor, users=users)
    return comment


def comment_update(*, actor, comment: Comment, content: str, mention_ids: Iterable = ()) -> Comment:
    """Edit a comment's content (author only) and stamp `edited_at`; the audit log keeps the
    previous text. People newly mentioned are notified (`comment.mentioned`); earlier mentions stay.
    Raises 403 for anyone but the author, 409 on an archived project."""
    task = comment.task
    require(comment.author_id == actor.pk, "Only the author can edit a comment.")
    require_project_writable(task.project)
    with transaction.atomic():
        if content != comment.content:
            comment.content = content
            comment.edited_at = timezone.now()
            comment.save(update_fields=["content", "edited_at", "updated_at"])
        already = Mention.objects.filter(comment=comment).values_list("user_id", flat=True)
        users = _mentionable_users(
            task=task, author=actor, user_ids=mention_ids, content=content, exclude=list(already)
        )
        if users:
            _record_mentions(comment=comment, task=task, actor=actor, users=users)
    return comment


def mention_mark_read(*, actor, mention: Mention) -> Mention:
    """Mark one of the actor's mentions read (idempotent: the first read time is kept)."""
    require(mention.user_id == actor.pk, "This mention is not yours.")
    if not mention.is_read:
        mention.is_read = True
        mention.read_at = timezone.now()
        mention.save(update_fields=["is_read", "read_at"])
    return mention
