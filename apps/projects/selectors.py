"""Reads of projects and project members, always scoped through `apps.core.access.restrict`.

Counts and progress are computed by the database as correlated subqueries, so a page of projects
costs the same number of queries whatever its size.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Round

from apps.core.access import restrict
from apps.core.exceptions import NotFound
from apps.projects.models import Project, ProjectMember

COMPLETED = "completed"
CANCELLED = "cancelled"


def _count(queryset: QuerySet, **filters) -> Coalesce:
    subquery = (
        queryset.filter(project_id=OuterRef("pk"), **filters)
        .order_by()
        .values("project_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(subquery, output_field=IntegerField()), 0)


def with_stats(queryset: QuerySet, *, actor) -> QuerySet:
    """Annotate tasks_count, completed_tasks_count, progress (percent of the tasks that are not
    cancelled, one decimal), members_count and the caller's project role `my_role`."""
    tasks = apps.get_model("tasks.Task").objects.all()  # alive tasks only (default manager)
    queryset = queryset.annotate(
        tasks_count=_count(tasks),
        completed_tasks_count=_count(tasks, status=COMPLETED),
        open_tasks_count=_count(tasks.exclude(status=CANCELLED)),
        members_count=_count(ProjectMember.objects.all()),
        my_role=Subquery(
            ProjectMember.objects.filter(project_id=OuterRef("pk"), user_id=actor.pk).values("role")[:1],
            output_field=CharField(),
        ),
    )
    return queryset.annotate(
        progress=Case(
            When(open_tasks_count=0, then=Value(0.0)),
            default=Round(
                Cast(F("completed_tasks_count"), FloatField()) * 100.0 / Cast(F("open_tasks_count"), FloatField()),
                1,
            ),
            output_field=FloatField(),
        )
    )


def project_list(*, actor) -> QuerySet:
    """Projects `actor` can see, with their counts and progress."""
    return with_stats(restrict(Project.objects, actor), actor=actor)


def project_get(*, actor, project_id) -> Project:
    """One project `actor` can see; 404 for missing, deleted, foreign or private-to-others ids."""
    project = project_list(actor=actor).filter(pk=project_id).first()
    if project is None:
        raise NotFound("Project not found.")
    return project


def project_member_list(*, project) -> QuerySet:
    return ProjectMember.objects.filter(project=project).select_related("user").order_by("added_at", "pk")


def project_member_get(*, project, user_id) -> ProjectMember:
    member = ProjectMember.objects.filter(project=project, user_id=user_id).select_related("user").first()
    if member is None:
        raise NotFound("Project member not found.")
    return member
