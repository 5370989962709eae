"""Read queries of module 5. Projects and milestones come through the access rules, so a row the
caller may not see does not exist for them (404).

Schedules load their rows with `.values_list()` (one query for the tasks, one for the
dependencies) and compute in `apps.scheduling.cpm`, so their query count does not grow with the
project. Dates are ISO dates (calendar dates of the workspace's schedule), timestamps UTC,
durations, slack and variances whole days.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from apps.core import access as core_access
from apps.core.db import UUIDText
from apps.core.exceptions import Conflict, NotFound
from apps.projects.models import Project
from apps.scheduling import access, cpm
from apps.scheduling.choices import PlanState
from apps.scheduling.models import Baseline, BaselineTask, Milestone, ProjectPlan
from apps.tasks.choices import TaskStatus
from apps.tasks.models import Subtask, Task, TaskAssignee, TaskDependency
from apps.tasks.selectors import count_subquery

TASK_ORDER = ("position", "created_at", "id")


def _text(field: str) -> UUIDText:
    """A UUID column read as its canonical text: ids arrive as str, which the driver does not parse
    into UUID objects and Python hashes in C (a tenth of the CPM's time at 10,000 tasks)."""
    return UUIDText(field)


def project_get(*, actor, project_id) -> Project:
    """A project the actor can see (workspace loaded), else NotFound (404)."""
    project = access.visible_projects(actor).select_related("workspace").filter(pk=project_id).first()
    if project is None:
        raise NotFound("Project not found.")
    return project


# --- Critical path ---------------------------------------------------------------------------


def _dependency_rows(project: Project) -> list[tuple]:
    """(task_id, depends_on_id, type) of the project's dependencies, in one query. Edges to tasks
    outside the project's alive tasks are dropped by the CPM."""
    return list(
        TaskDependency.objects.filter(task__project_id=project.pk)
        .annotate(successor=_text("task_id"), predecessor=_text("depends_on_id"))
        .values_list("successor", "predecessor", "type")
    )


def _schedule(project: Project, task_rows: list[tuple], dependency_rows: list[tuple]) -> cpm.Schedule:
    """Run the CPM over `(id, start_date, due_date, estimated_hours)` rows. Conflict (409) on a cycle."""
    try:
        return cpm.critical_path(
            task_rows,
            dependency_rows,
            project_start=project.start_date,
            work_days=project.workspace.work_days or cpm.ALL_DAYS,
            fallback_start=project.created_at.date(),
        )
    except cpm.CycleError as exc:
        raise Conflict(
            "The task dependencies of this project contain a cycle; remove one of them.",
            details={"cycle": [str(task_id) for task_id in exc.cycle]},
        ) from None


def _span(project: Project, schedule: cpm.Schedule, *, has_tasks: bool) -> tuple:
    """(start, finish) of the project by its schedule: the CPM's first working day and the last
    task's earliest finish; without tasks the project's start and no finish. The critical path and
    the Gantt both report this one span, so they never disagree."""
    if not has_tasks:
        return project.start_date, None
    return schedule.start, schedule.finish


def critical_path_get(*, project: Project) -> dict[str, Any]:
    """The project's schedule by the critical path method (rules in `apps.scheduling.cpm`).

    Shape: `{project_id, project_start_date, project_finish_date, critical_path: [task ids in
    schedule order], tasks: [{id, title, start_date, due_date, duration_days, earliest_start,
    earliest_finish, latest_start, latest_finish, slack_days, is_critical}]}`; finishes are
    inclusive dates, durations and slack in working days of the workspace's `work_days`. Trashed
    tasks and dependencies on other projects' tasks are left out. Raises Conflict (409) when the
    dependencies contain a cycle (`details.cycle` lists its task ids). Two queries.
    """
    rows = list(
        Task.objects.filter(project=project)
        .annotate(sid=_text("id"))
        .order_by(*TASK_ORDER)
        .values_list("sid", "title", "start_date", "due_date", "estimated_hours")
    )
    schedule = _schedule(project, [(r[0], r[2], r[3], r[4]) for r in rows], _dependency_rows(project))
    info = {r[0]: r for r in rows}
    iso = _iso_cache()
    tasks = []
    for item in schedule.tasks:
        _id, title, start, due, _hours = info[item.id]
        tasks.append(
            {
                "id": item.id,
                "title": title,
                "start_date": iso(start),
                "due_date": iso(due),
                "duration_days": item.duration_days,
                "earliest_start": iso(item.earliest_start),
                "earliest_finish": iso(item.earliest_finish),
                "latest_start": iso(item.latest_start),
                "latest_finish": iso(item.latest_finish),
                "slack_days": item.slack_days,
                "is_critical": item.is_critical,
            }
        )
    start, finish = _span(project, schedule, has_tasks=bool(rows))
    return {
        "project_id": str(project.pk),
        "project_start_date": start,
        "project_finish_date": finish,
        "critical_path": schedule.critical_path,
        "tasks": tasks,
    }


def _iso_cache():
    """date -> ISO string, memoised: a schedule has few distinct days and many tasks, and plain
    strings render in the JSON encoder's C path."""
    cache: dict = {None: None}

    def iso(day):
        text = cache.get(day)
        if text is None and day is not None:
            text = cache[day] = day.isoformat()
        return text

    return iso


# --- Baselines -------------------------------------------------------------------------------


def _latest_baseline_dates(project: Project) -> dict:
    """task id -> (start_date, due_date) in the project's latest baseline (one query)."""
    latest = Baseline.objects.filter(project_id=project.pk).order_by("-created_at", "-id").values("pk")[:1]
    rows = (
        BaselineTask.objects.filter(baseline_id=Subquery(latest))
        .annotate(task_text=_text("task_id"))
        .values_list("task_text", "start_date", "due_date")
    )
    return {task_id: (start, due) for task_id, start, due in rows}


def variance_days(due_date: dt.date | None, baseline_due_date: dt.date | None) -> int | None:
    """Calendar days the due date moved since the baseline (positive = later); None if either is unset."""
    if due_date is None or baseline_due_date is None:
        return None
    return (due_date - baseline_due_date).days


def baseline_overview(*, project: Project) -> dict[str, Any]:
    """The project's baselines (newest first) and every alive task against the latest one.

    Shape: `{baselines: [{id, name, created_at, created_by}], tasks: [{task_id, title, start_date,
    due_date, baseline_start_date, baseline_due_date, variance_days}]}`; `created_by` is a user id,
    `variance_days` the due date minus the baseline's due date in calendar days (0 when it did not
    move, null when either is missing or the task is newer than the baseline). Three queries.
    """
    baselines = [
        {"id": str(pk), "name": name, "created_at": created_at, "created_by": str(by) if by else None}
        for pk, name, created_at, by in Baseline.objects.filter(project_id=project.pk)
        .order_by("-created_at", "-id")
        .values_list("pk", "name", "created_at", "created_by_id")
    ]
    dates = _latest_baseline_dates(project)
    tasks = []
    for pk, title, start, due in (
        Task.objects.filter(project=project)
        .annotate(sid=_text("id"))
        .order_by(*TASK_ORDER)
        .values_list("sid", "title", "start_date", "due_date")
    ):
        base_start, base_due = dates.get(pk, (None, None))
        tasks.append(
            {
                "task_id": pk,
                "title": title,
                "start_date": start,
                "due_date": due,
                "baseline_start_date": base_start,
                "baseline_due_date": base_due,
                "variance_days": variance_days(due, base_due),
            }
        )
    return {"baselines": baselines, "tasks": tasks}


# --- Gantt -----------------------------------------------------------------------------------


def _progress(status: str, subtasks: int, done: int) -> int:
    """0-100: completed tasks are done; otherwise the share of checked subtasks."""
    if status == TaskStatus.COMPLETED:
        return 100
    return round(100 * done / subtasks) if subtasks else 0


def gantt_get(*, project: Project) -> dict[str, Any]:
    """Everything a Gantt chart draws, in a constant number of queries (six).

    Shape: `{project_id, start_date, end_date, tasks: [{id, title, status, start_date, due_date,
    progress, assignee_ids, depends_on: [task ids], is_critical, baseline_start_date,
    baseline_due_date, variance_days}], milestones: [{id, name, due_date, completed_at}]}`.
    `start_date`/`end_date` are the critical path's `project_start_date`/`project_finish_date`
    (the schedule's first working day and the CPM finish, which dependencies, durations and the
    work week decide: a task's stored due date or a milestone may lie outside them; no tasks: the
    project's start and null). With a dependency cycle they span the tasks' own dates instead.
    `progress` is 0-100. `depends_on` names predecessors in the same project only.
    `is_critical` comes from the CPM; when the dependencies contain a cycle every task is
    reported non-critical rather than refusing the chart (the critical-path endpoint answers 409).
    """
    subtasks = Subtask.objects.filter(task=OuterRef("pk"))
    rows = list(
        Task.objects.filter(project=project)
        .annotate(
            n_subtasks=count_subquery(subtasks, "task"),
            n_done=count_subquery(subtasks.filter(is_done=True), "task"),
        )
        .annotate(sid=_text("id"))
        .order_by(*TASK_ORDER)
        .values_list("sid", "title", "status", "start_date", "due_date", "estimated_hours", "n_subtasks", "n_done")
    )
    task_ids = {row[0] for row in rows}
    dependencies = _dependency_rows(project)
    depends_on: dict = {}
    for task_id, depends_on_id, _type in dependencies:
        if task_id in task_ids and depends_on_id in task_ids:
            depends_on.setdefault(task_id, []).append(depends_on_id)
    assignees: dict = {}
    for task_id, user_id in (
        TaskAssignee.objects.filter(task__project_id=project.pk)
        .annotate(task_text=_text("task_id"))
        .order_by("assigned_at", "pk")
        .values_list("task_text", "user_id")
    ):
        assignees.setdefault(task_id, []).append(str(user_id))
    try:
        schedule = _schedule(project, [(r[0], r[3], r[4], r[5]) for r in rows], dependencies)
    except Conflict:
        schedule = None
    critical = set(schedule.critical_path) if schedule is not None else set()
    baseline = _latest_baseline_dates(project)
    milestones = [
        {"id": str(pk), "name": name, "due_date": due, "completed_at": completed_at}
        for pk, name, due, completed_at in Milestone.objects.filter(project_id=project.pk)
        .order_by("due_date", "created_at", "id")
        .values_list("pk", "name", "due_date", "completed_at")
    ]
    tasks = []
    for pk, title, status, start, due, _hours, n_subtasks, n_done in rows:
        base_start, base_due = baseline.get(pk, (None, None))
        tasks.append(
            {
                "id": pk,
                "title": title,
                "status": status,
                "start_date": start,
                "due_date": due,
                "progress": _progress(status, n_subtasks, n_done),
                "assignee_ids": assignees.get(pk, []),
                "depends_on": depends_on.get(pk, []),
                "is_critical": pk in critical,
                "baseline_start_date": base_start,
                "baseline_due_date": base_due,
                "variance_days": variance_days(due, base_due),
            }
        )
    if schedule is not None:
        start, end = _span(project, schedule, has_tasks=bool(rows))
    else:  # a cycle: no schedule, so the span of the tasks' own dates
        dates = [d for r in rows for d in (r[3], r[4]) if d is not None]
        start, end = (min(dates), max(dates)) if dates else (project.start_date, None)
    return {
        "project_id": str(project.pk),
        "start_date": start,
        "end_date": end,
        "tasks": tasks,
        "milestones": milestones,
    }


# --- Plan ------------------------------------------------------------------------------------


def plan_get(*, project: Project) -> dict[str, Any]:
    """The plan state of the project: `{project_id, state, submitted_at, approved_at, approved_by,
    locked_at}` (UTC timestamps, `approved_by` a user id). A project that never left draft has no
    plan row and answers `draft` with nulls."""
    plan = ProjectPlan.objects.filter(project_id=project.pk).first()
    return plan_body(project, plan)


def plan_body(project: Project, plan: ProjectPlan | None) -> dict[str, Any]:
    """The plan response of `project` from its plan row (None: a draft that never moved)."""
    return {
        "project_id": str(project.pk),
        "state": plan.state if plan else PlanState.DRAFT,
        "submitted_at": plan.submitted_at if plan else None,
        "approved_at": plan.approved_at if plan else None,
        "approved_by": str(plan.approved_by_id) if plan and plan.approved_by_id else None,
        "locked_at": plan.locked_at if plan else None,
    }


# --- Milestones ------------------------------------------------------------------------------


def milestone_list(*, actor) -> QuerySet[Milestone]:
    """Alive milestones of the projects the actor can see."""
    return core_access.restrict(Milestone.objects.all(), actor, "view")


def milestone_get(*, actor, milestone_id) -> Milestone:
    """One visible milestone (project and workspace loaded), else NotFound (404)."""
    return core_access.get_or_404(
        Milestone.objects.select_related("project__workspace"),
        actor,
        milestone_id,
        "view",
        message="Milestone not found.",
    )
