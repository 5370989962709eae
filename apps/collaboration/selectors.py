"""Read queries of module 6, all scoped through `apps.core.access.restrict`."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db.models import CharField, F, FloatField, OuterRef, Q, QuerySet, TextField, UUIDField, Value
from django.db.models.functions import Substr

from apps.collaboration.models import Comment, Mention
from apps.core.access import restrict
from apps.core.exceptions import NotFound
from apps.projects.models import Project
from apps.tasks.models import Task
from apps.tasks.selectors import count_subquery

SEARCH_TYPES = ("project", "task", "comment")
EXCERPT_LENGTH = 200
SEARCH_CONFIG = "english"


def comment_list(*, task) -> QuerySet[Comment]:
    """The alive comments of a task (the caller already sees the task), authors joined, mentions
    prefetched, replies counted."""
    replies = Comment.objects.filter(parent=OuterRef("pk"))
    return (
        Comment.objects.filter(task=task)
        .select_related("author")
        .prefetch_related("mentions")
        .annotate(replies_count=count_subquery(replies, "parent"))
    )


def comment_get(*, actor, comment_id) -> Comment:
    """A comment on a task the actor can see, else NotFound."""
    comment = (
        restrict(Comment.objects, actor)
        .select_related("author", "task", "task__project")
        .prefetch_related("mentions")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None:
        raise NotFound("Comment not found.")
    return comment


def mention_list(*, actor) -> QuerySet[Mention]:
    """The actor's mentions on comments they can still see, newest first."""
    return (
        Mention.objects.filter(user_id=actor.pk, comment__in=restrict(Comment.objects, actor).values("pk"))
        .select_related("comment", "comment__author", "comment__task")
        .order_by("-created_at", "pk")
    )


def mention_get(*, actor, mention_id) -> Mention:
    """One of the actor's own visible mentions, else NotFound (other people's mentions do not exist)."""
    mention = mention_list(actor=actor).filter(pk=mention_id).first()
    if mention is None:
        raise NotFound("Mention not found.")
    return mention


# --- Search ---------------------------------------------------------------------------------

# Every branch of the union selects these columns, in this order.
RESULT_COLUMNS = ("r_type", "r_id", "r_title", "r_excerpt", "r_workspace", "r_project", "r_task", "r_rank", "r_created")


def _columns(kind: str, *, title, text: str, project, task, rank) -> dict:
    return {
        "r_type": Value(kind, output_field=CharField()),
        "r_id": F("id"),
        "r_title": title,
        "r_excerpt": Substr(text, 1, EXCERPT_LENGTH, output_field=TextField()),
        "r_workspace": F("workspace_id"),
        "r_project": project,
        "r_task": task,
        "r_rank": rank,
        "r_created": F("created_at"),
    }


def _matching(queryset: QuerySet, q: str, *, kind: str, title_field: str, text_field: str, title, project, task):
    """`queryset` rows matching `q` with the union's columns. PostgreSQL: full-text search with
    weights (title A, text B) and ranking, plus a substring match on the title so partial words
    are found; elsewhere a case-insensitive substring match."""
    if settings.USING_POSTGRES:
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        query = SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)
        vector = SearchVector(title_field, weight="A", config=SEARCH_CONFIG) + SearchVector(
            text_field, weight="B", config=SEARCH_CONFIG
        )
        queryset = queryset.alias(search_vector=vector).filter(
            Q(search_vector=query) | Q(**{f"{title_field}__icontains": q})
        )
        rank = SearchRank(vector, query)
    else:
        queryset = queryset.filter(Q(**{f"{title_field}__icontains": q}) | Q(**{f"{text_field}__icontains": q}))
        rank = Value(0.0, output_field=FloatField())
    columns = _columns(kind, title=title, text=text_field, project=project, task=task, rank=rank)
    return queryset.order_by().annotate(**columns).values(*RESULT_COLUMNS)


def search(*, actor, q: str, types: Iterable[str] = SEARCH_TYPES) -> QuerySet:
    """Projects, tasks and comments the actor can see that match `q`, best match first.

    One UNION query (plus its count), whatever the number of types."""
    no_task = Value(None, output_field=UUIDField())
    branches = []
    if "project" in types:
        branches.append(
            _matching(
                restrict(Project.objects, actor),
                q,
                kind="project",
                title_field="name",
                text_field="description",
                title=F("name"),
                project=F("id"),
                task=no_task,
            )
        )
    if "task" in types:
        branches.append(
            _matching(
                restrict(Task.objects, actor),
                q,
                kind="task",
                title_field="title",
                text_field="description",
                title=F("title"),
                project=F("project_id"),
                task=F("id"),
            )
        )
    if "comment" in types:
        branches.append(
            _matching(
                restrict(Comment.objects, actor),
                q,
                kind="comment",
                title_field="content",
                text_field="content",
                title=F("task__title"),
                project=F("task__project_id"),
                task=F("task_id"),
            )
        )
    first, *rest = branches
    combined = first.union(*rest, all=True) if rest else first
    return combined.order_by("-r_rank", "-r_created", "r_id")
