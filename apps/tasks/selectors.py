"""Read queries of module 4. Every queryset starts from `apps.core.access.restrict`, so a row the caller
may not see does not exist for them (404)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Expression,
    IntegerField,
    JSONField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from apps.accounts.models import User
from apps.core.access import can, restrict
from apps.core.db import prepared_cursor
from apps.core.exceptions import NotFound
from apps.projects.models import Project
from apps.tasks.choices import TaskPriority
from apps.tasks.models import Subtask, Task, TaskAssignee, TaskDependency, TaskList

# Sorting by priority follows its meaning, not the alphabet.
PRIORITY_RANK = {TaskPriority.LOW: 0, TaskPriority.MEDIUM: 1, TaskPriority.HIGH: 2, TaskPriority.CRITICAL: 3}


def count_subquery(queryset: QuerySet, outer_field: str = "pk") -> Coalesce:
    """An integer subquery counting `queryset` rows per outer row (no join fan-out, no GROUP BY)."""
    counted = queryset.order_by().values(outer_field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def project_get(*, actor, project_id) -> Project:
    """A project the actor can see, else NotFound."""
    project = restrict(Project.objects, actor).filter(pk=project_id).first()
    if project is None:
        raise NotFound("Project not found.")
    return project


def task_list_list(*, actor) -> QuerySet[TaskList]:
    """Task lists of the projects the actor can see, with their alive task counts."""
    tasks = Task.objects.filter(task_list=OuterRef("pk"))
    return restrict(TaskList.objects, actor).annotate(tasks_count=count_subquery(tasks, "task_list"))


def task_list_get(*, actor, task_list_id) -> TaskList:
    """One visible task list (with its project), else NotFound."""
    task_list = task_list_list(actor=actor).select_related("project").filter(pk=task_list_id).first()
    if task_list is None:
        raise NotFound("Task list not found.")
    return task_list


def _with_assignees(queryset: QuerySet[Task]) -> QuerySet[Task]:
    return queryset.prefetch_related(
        Prefetch("assignments", queryset=TaskAssignee.objects.select_related("user").order_by("assigned_at", "pk"))
    )


# Per-task figures that downstream apps contribute to task rows (collaboration: `comments_count`),
# registered in their `ready()` so this app never imports them: name -> () -> expression.
_task_annotations: dict[str, Callable[[], Expression]] = {}


def register_task_annotation(name: str, build: Callable[[], Expression]) -> None:
    """Add `name` (an expression over `OuterRef("pk")` of a task) to every task row of the lists."""
    _task_annotations[name] = build


def _priority_rank() -> Case:
    return Case(
        *[When(priority=value, then=Value(rank)) for value, rank in PRIORITY_RANK.items()],
        default=Value(1),
        output_field=IntegerField(),
    )


def _task_counts() -> dict[str, Expression]:
    """The per-task figures of a list row: subtasks (all, done) and what other apps registered."""
    subtasks = Subtask.objects.filter(task=OuterRef("pk"))
    return {
        "subtasks_count": count_subquery(subtasks, "task"),
        "subtasks_done_count": count_subquery(subtasks.filter(is_done=True), "task"),
        **{name: build() for name, build in _task_annotations.items()},
    }


def task_list_tasks(*, actor) -> QuerySet[Task]:
    """Visible tasks with everything the list view shows: assignees prefetched, counts annotated."""
    queryset = restrict(Task.objects, actor).annotate(**_task_counts(), priority_rank=_priority_rank())
    return _with_assignees(queryset)


def task_list_scope(*, actor) -> QuerySet[Task]:
    """Visible tasks to filter, sort, count and page: no per-task counts yet (`task_page_rows` adds
    them for the returned rows only); `priority_rank` serves `?sort=priority`."""
    return restrict(Task.objects, actor).annotate(priority_rank=_priority_rank())


# The task columns a list row shows (TaskSerializer's model fields), in its order.
TASK_ROW_FIELDS = (
    "id",
    "workspace_id",
    "project_id",
    "task_list_id",
    "title",
    "description",
    "status",
    "priority",
    "position",
    "start_date",
    "due_date",
    "estimated_hours",
    "tags",
    "created_by_id",
    "started_at",
    "completed_at",
    "created_at",
    "updated_at",
)


# The assignees of each page row as a JSON array of [user id, username, full name] in assignment order:
# on PostgreSQL they come with the page rows, one round trip fewer.
_ASSIGNEES = RawSQL(
    "SELECT coalesce(jsonb_agg(jsonb_build_array(a.user_id, u.username, u.full_name) ORDER BY a.assigned_at, a.id),"
    " '[]'::jsonb) FROM tasks_taskassignee a JOIN accounts_user u ON u.id = a.user_id"
    ' WHERE a.task_id = "tasks_task"."id"',
    (),
    output_field=JSONField(),
)


def task_page_rows(queryset: QuerySet[Task], window: slice) -> list[dict]:
    """The `window` of `queryset` (filtered and ordered, e.g. `task_list_scope(...)`) as `.values()` rows
    with their counts and an `assignees` list of `(id, username, full_name)` in assignment order.

    One query on PostgreSQL whatever the page: the page's ids are chosen by the filtered, ordered query
    with its LIMIT/OFFSET (an index can serve it, and skipped rows cost no count subqueries); the
    counts and the assignees are computed for those ids only. Elsewhere the assignees take a second
    query.
    """
    page = Task.objects.filter(pk__in=queryset.values("pk")[window]).annotate(priority_rank=_priority_rank())
    if queryset.query.order_by:
        page = page.order_by(*queryset.query.order_by)
    if connection.vendor == "postgresql":
        rows = list(page.values(*TASK_ROW_FIELDS, **_task_counts(), assignee_rows=_ASSIGNEES))
        for row in rows:
            people = row.pop("assignee_rows")
            row["assignees"] = [(uuid.UUID(user_id), username, name) for user_id, username, name in people]
        return rows
    rows = list(page.values(*TASK_ROW_FIELDS, **_task_counts()))
    by_task = {row["id"]: row for row in rows}
    for row in rows:
        row["assignees"] = []
    assignments = (
        TaskAssignee.objects.filter(task_id__in=list(by_task))
        .order_by("assigned_at", "pk")
        .values_list("task_id", "user_id", "user__username", "user__full_name")
    )
    for task_id, *user in assignments:
        by_task[task_id]["assignees"].append(tuple(user))
    return rows


# --- The list's page and total in one statement (PostgreSQL) ------------------------------------------

# Each project has a count version (migration 0004: bumped by triggers whenever a statement may change
# its live tasks, from a sequence, so a value is never reused). One statement reads the caller's visible
# projects in scope with their versions (the `scope` CTE, which the page's rows are restricted to as
# well), counts the scope only when that fingerprint differs from the one this process counted last for
# the same caller and filters, and returns the page. The total, the versions and the page come from
# the same snapshot; a change to the counted rows or to which projects the caller sees is a new
# fingerprint.
_TOTALS_MAX = 4096
_totals: dict[tuple, tuple[str, int]] = {}
_STATEMENTS_MAX = 512  # about 20 KB each (the SQL and its parameters)
_statements: dict[tuple, tuple] = {}
_converters: dict[int, object] = {}
_row_converters: dict[int, tuple] = {}  # id(compiler) -> (compiler, its converters)
_IN_SCOPE = RawSQL("SELECT id FROM scope", ())
_PAGE_AND_TOTAL_SQL = """
WITH scope AS MATERIALIZED (
  SELECT s.id, v.version FROM ({visible}) AS s (id) LEFT JOIN tasks_count_version v ON v.project_id = s.id
), mark AS (
  SELECT coalesce(md5(string_agg(id::text || ':' || coalesce(version::text, '-'), ',' ORDER BY id)), 'none') AS fp
  FROM scope
), total AS (
  SELECT mark.fp, CASE WHEN mark.fp = %s THEN NULL ELSE (SELECT count(*) FROM ({count}) AS c) END AS n FROM mark
)
SELECT total.fp, total.n, page.* FROM total
LEFT JOIN LATERAL (SELECT row_number() OVER () AS pf_ord, p.* FROM ({page}) AS p) AS page ON true
ORDER BY page.pf_ord
"""


def task_list_scope_cte() -> QuerySet[Task]:
    """Live tasks of the projects in the `scope` of `task_page_and_total`'s statement (the caller's
    visible projects), with `priority_rank` for `?sort=priority`: the queryset to filter and sort
    before handing it to `task_page_and_total`; it means nothing outside that statement."""
    return Task.objects.filter(project_id__in=_IN_SCOPE).annotate(priority_rank=_priority_rank())


def _page_and_total_statement(actor, lookups: dict, ordering: tuple, window: slice) -> tuple:
    """(sql, parameters before the fingerprint, parameters after it, compiler, column names) of
    `task_page_and_total`'s statement, compiled once per process and thread for the same caller,
    filters, order and window: they are all it depends on (the project rules read the user's id only;
    the flags that could ever matter are in the key too), and the compiler's converters are reused."""
    key = (
        actor.pk,
        actor.is_staff,
        actor.is_superuser,
        tuple(sorted((field, str(value)) for field, value in lookups.items())),
        ordering,
        window.start,
        window.stop,
        threading.get_ident(),  # the compiler holds this thread's connection
    )
    statement = _statements.get(key)
    if statement is not None:
        return statement
    visible = restrict(Project.objects, actor)
    if "project_id" in lookups:
        visible = visible.filter(pk=lookups["project_id"])
    visible_sql, visible_params = visible.order_by().values("pk").query.sql_with_params()
    queryset = task_list_scope_cte().filter(**lookups)
    count_sql, count_params = queryset.order_by().values("pk").query.sql_with_params()
    page = Task.objects.filter(pk__in=queryset.order_by(*ordering).values("pk")[window])
    page = page.annotate(priority_rank=_priority_rank()).order_by(*ordering)
    page = page.values(*TASK_ROW_FIELDS, **_task_counts(), assignee_rows=_ASSIGNEES)
    compiler = page.query.get_compiler(using=connection.alias)
    page_sql, page_params = compiler.as_sql()
    names = [*page.query.extra_select, *page.query.values_select, *page.query.annotation_select]
    # Compiled by Django from querysets; every value is a parameter.
    sql = _PAGE_AND_TOTAL_SQL.format(visible=visible_sql, count=count_sql, page=page_sql)
    # The page's columns are the same for every key: one compiler per thread serves for the converters.
    compiler = _converters.setdefault(key[-1], compiler)
    statement = (sql, list(visible_params), [*count_params, *page_params], compiler, names)
    if len(_statements) >= _STATEMENTS_MAX:
        _statements.clear()
    _statements[key] = statement
    return statement


def task_page_and_total(*, actor, lookups: dict, ordering, window: slice) -> tuple[list[dict], int]:
    """The `window` of the tasks `actor` sees with the plain equality `lookups` (`{field: value}` on
    task columns, validated) in `ordering` (`task_list_scope_cte()` sorted by the view's sort
    backend gives it), as `task_page_rows` returns it, and the number of those tasks, in one
    statement: `(rows, total)`; rows past the end are `[]`. The same answer as
    `task_list_scope(actor=actor).filter(**lookups)` paged and counted; the count itself runs only
    when the scope changed since this process counted it. PostgreSQL only (the versions come from its
    triggers)."""
    sql, before, after, compiler, names = _page_and_total_statement(actor, lookups, tuple(ordering), window)
    key = (str(actor.pk), tuple(sorted((field, str(value)) for field, value in lookups.items())))
    known = _totals.get(key)
    with prepared_cursor() as cursor:
        cursor.execute(sql, [*before, known[0] if known else None, *after])
        fetched = cursor.fetchall()
    fingerprint, total = fetched[0][0], fetched[0][1]
    if total is None:
        total = known[1]
    else:
        if len(_totals) >= _TOTALS_MAX:
            _totals.clear()
        _totals[key] = (fingerprint, total)
    values = [row[3:] for row in fetched if row[2] is not None]
    converters = _row_converters.get(id(compiler))
    if converters is None or converters[0] is not compiler:
        # The same for every statement this thread's compiler serves: worked out once.
        converters = (
            compiler,
            compiler.get_converters([column[0] for column in compiler.select[: compiler.col_count]]),
        )
        _row_converters[id(compiler)] = converters
    converters = converters[1]
    if converters:
        values = compiler.apply_converters(values, converters)
    rows = [dict(zip(names, row, strict=True)) for row in values]
    for row in rows:
        people = row.pop("assignee_rows")
        row["assignees"] = [(uuid.UUID(user_id), username, name) for user_id, username, name in people]
    return rows, total


def task_get(*, actor, task_id, detail: bool = False) -> Task:
    """One visible task (project and list joined), else NotFound. `detail` also loads subtasks."""
    queryset = task_list_tasks(actor=actor).select_related("project", "task_list")
    if detail:
        queryset = queryset.prefetch_related("subtasks", "watchers")
    task = queryset.filter(pk=task_id).first()
    if task is None:
        raise NotFound("Task not found.")
    return task


def subtask_list(*, task: Task) -> QuerySet[Subtask]:
    return Subtask.objects.filter(task=task)


def subtask_get(*, actor, subtask_id) -> Subtask:
    """A subtask of a visible task, else NotFound."""
    subtask = (
        Subtask.objects.select_related("task", "task__project")
        .filter(pk=subtask_id, task__in=restrict(Task.objects, actor).values("pk"))
        .first()
    )
    if subtask is None:
        raise NotFound("Subtask not found.")
    return subtask


def dependency_list(*, actor, task: Task) -> QuerySet[TaskDependency]:
    """Dependencies touching `task` in either direction whose other end the actor can also see
    (a predecessor in a private project must not leak through its dependent)."""
    visible = restrict(Task.objects, actor).values("pk")
    return (
        TaskDependency.objects.filter(Q(task=task) | Q(depends_on=task))
        .filter(task__in=visible, depends_on__in=visible)
        .select_related("task", "depends_on")
        .order_by("created_at", "pk")
    )


def dependency_get(*, actor, dependency_id) -> TaskDependency:
    """A dependency whose two tasks are visible, else NotFound."""
    visible = restrict(Task.objects, actor).values("pk")
    dependency = (
        TaskDependency.objects.select_related("task", "task__project", "depends_on")
        .filter(pk=dependency_id, task__in=visible, depends_on__in=visible)
        .first()
    )
    if dependency is None:
        raise NotFound("Dependency not found.")
    return dependency


def users_who_can_see_project(*, project: Project, user_ids) -> list[User]:
    """The users among `user_ids` for whom `project` is visible, through the same tenancy rules
    as every request (the candidates are few: assignee lists and mentions are capped)."""
    users = User.objects.filter(pk__in=list(user_ids), is_active=True)
    return [user for user in users if can(user, project, "view")]
