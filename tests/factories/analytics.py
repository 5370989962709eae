"""Factories and data helpers of module 11: tasks with exact timestamps, reports, executions."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from apps.analytics.choices import Metric, ReportType
from apps.analytics.models import Report, ReportExecution
from apps.tasks.models import Task
from tests.factories.workspaces import WorkspaceFactory

UTC = dt.UTC


def at(day: str, time: str = "12:00") -> dt.datetime:
    """An aware UTC datetime from 'YYYY-MM-DD' and 'HH:MM'."""
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=UTC)


def make_task(
    project,
    *,
    created: dt.datetime,
    started: dt.datetime | None = None,
    completed: dt.datetime | None = None,
    due: str | None = None,
    status: str | None = None,
    title: str = "Task",
    deleted: bool = False,
) -> Task:
    """A task whose created_at/started_at/completed_at are exactly as given (status follows)."""
    if status is None:
        status = "completed" if completed else ("in_progress" if started else "todo")
    task = Task.objects.create(
        workspace_id=project.workspace_id,
        project=project,
        title=title,
        status=status,
        due_date=dt.date.fromisoformat(due) if due else None,
        started_at=started,
        completed_at=completed,
        created_by=project.created_by,
    )
    update = {"created_at": created, "updated_at": completed or started or created}
    if deleted:
        update["deleted_at"] = timezone.now()
    Task.all_objects.filter(pk=task.pk).update(**update)
    for field, value in update.items():
        setattr(task, field, value)
    return task


def make_many_tasks(project, count: int, *, created: dt.datetime, completed_every: int = 2) -> None:
    """`count` tasks created at `created`; every `completed_every`-th completed a day later."""
    done = created + dt.timedelta(days=1)
    tasks = [
        Task(
            workspace_id=project.workspace_id,
            project=project,
            title=f"Bulk {i}",
            status="completed" if i % completed_every == 0 else "todo",
            completed_at=done if i % completed_every == 0 else None,
        )
        for i in range(count)
    ]
    Task.objects.bulk_create(tasks)
    Task.objects.filter(project=project, title__startswith="Bulk ").update(created_at=created)


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Report {n}")
    type = ReportType.PROJECT_SUMMARY
    filters = factory.LazyFunction(lambda: {"project_ids": [], "start_date": None, "end_date": None})
    metrics = factory.LazyFunction(lambda: [Metric.COMPLETION_RATE.value, Metric.TEAM_VELOCITY.value])
    created_by = factory.LazyAttribute(lambda o: o.workspace.created_by)


class ReportExecutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportExecution

    report = factory.SubFactory(ReportFactory)
