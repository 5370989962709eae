"""The critical path method (CPM) over plain tuples: no Django, no database, testable alone.

Input rows are what the selectors load with `.values_list()`:

- tasks: `(id, start_date, due_date, estimated_hours)`; dates are `datetime.date` or None.
- dependencies: `(task_id, depends_on_id, type)` or `(task_id, depends_on_id, type, lag_days)`,
  `type` one of FS, SS, FF, SF (module 4's DependencyType values); `task_id` depends on
  `depends_on_id`. Edges naming a task that is not in `tasks` are ignored (another project's task).

Units are working days of a `WorkCalendar` (ISO weekdays in `work_days`; all seven = calendar days).
Internally a task occupies the half-open interval `[ES, ES + duration)` of day indexes, index 0
being the schedule's first working day; outside, finish dates are inclusive (Mon-Wed is 3 days).

Rules:
- Duration: working days from `start_date` to `due_date`, both included (at least 1) when the task
  has both dates; otherwise `ceil(estimated_hours / 8)` (at least 1); otherwise 1.
- A task's own `start_date` is a "start no earlier than" constraint; every task starts no earlier
  than the schedule start.
- Links, for a successor S of a predecessor P with lag L (working days, negative = lead):
  FS: S starts after P finishes + L; SS: S starts >= P starts + L; FF: S finishes >= P finishes + L;
  SF: S finishes >= P starts + L.
- Forward pass over Kahn's topological order gives earliest dates; the backward pass from the
  project finish gives latest dates; slack = latest start - earliest start. Every task with zero
  slack is critical, so parallel critical paths and ties are all reported.
- A dependency cycle raises `CycleError` naming the tasks on one cycle.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_left
from collections import deque
from collections.abc import Hashable, Iterable, Sequence
from typing import NamedTuple

HOURS_PER_DAY = 8
ALL_DAYS = (1, 2, 3, 4, 5, 6, 7)
FS, SS, FF, SF = "FS", "SS", "FF", "SF"
_FS, _SS, _FF, _SF = range(4)
_LINK_CODES = {FS: _FS, SS: _SS, FF: _FF, SF: _SF}  # unknown types count as finish-to-start
_ONE_DAY = dt.timedelta(days=1)


class CycleError(ValueError):
    """The dependencies contain a cycle; `cycle` lists the ids of one cycle in dependency order."""

    def __init__(self, cycle: list) -> None:
        self.cycle = cycle
        super().__init__(f"The task dependencies contain a cycle of {len(cycle)} tasks.")


class WorkCalendar:
    """Maps dates to working-day indexes counted from `anchor` (snapped forward to a working day)."""

    def __init__(self, anchor: dt.date, work_days: Iterable[int] = ALL_DAYS) -> None:
        days = {int(day) for day in work_days if 1 <= int(day) <= 7} or set(ALL_DAYS)
        while anchor.isoweekday() not in days:
            anchor += _ONE_DAY
        self.anchor = anchor
        self.per_week = len(days)
        # Day offsets (0-6) of the working days in the week that starts at the anchor.
        self.offsets = [k for k in range(7) if (anchor + dt.timedelta(days=k)).isoweekday() in days]
        self._origin = anchor.toordinal()

    def index(self, day: dt.date) -> int:
        """Working days in `[anchor, day)`; negative before the anchor. A non-working day gets the
        index of the next working day."""
        weeks, rest = divmod(day.toordinal() - self._origin, 7)
        return weeks * self.per_week + bisect_left(self.offsets, rest)

    def date(self, index: int) -> dt.date:
        """The working day with this index."""
        weeks, rest = divmod(index, self.per_week)
        return dt.date.fromordinal(self._origin + weeks * 7 + self.offsets[rest])

    def working_days(self, start: dt.date, finish: dt.date) -> int:
        """Working days from `start` to `finish`, both included."""
        return self.index(finish + _ONE_DAY) - self.index(start)


class ScheduledTask(NamedTuple):
    id: Hashable
    duration_days: int
    earliest_start: dt.date
    earliest_finish: dt.date
    latest_start: dt.date
    latest_finish: dt.date
    slack_days: int
    is_critical: bool


class Schedule(NamedTuple):
    start: dt.date
    finish: dt.date | None
    tasks: list[ScheduledTask]  # in schedule order: earliest start, then topological order
    critical_path: list  # ids of the zero-slack tasks, in schedule order


def task_duration(calendar: WorkCalendar, start: dt.date | None, due: dt.date | None, hours) -> int:
    """Working days a task takes (see the module rules); always at least 1."""
    if start is not None and due is not None and due >= start:
        return max(1, calendar.working_days(start, due))
    if hours is not None and hours > 0:
        return max(1, math.ceil(hours / HOURS_PER_DAY))
    return 1


def schedule_anchor(project_start: dt.date | None, tasks: Sequence[tuple], fallback: dt.date) -> dt.date:
    """The schedule's first day: the project's start, else its earliest task date, else `fallback`."""
    if project_start is not None:
        return project_start
    dates = [row[1] or row[2] for row in tasks if row[1] or row[2]]
    return min(dates) if dates else fallback


def topological_order(count: int, successors: list[list[tuple]], indegree: list[int]) -> list[int]:
    """Kahn's algorithm over node indexes; ties keep the input order. Shorter than `count` on a cycle."""
    indegree = indegree[:]
    queue = deque(i for i in range(count) if indegree[i] == 0)
    order = []
    while queue:
        node = queue.popleft()
        order.append(node)
        for succ, _type, _lag in successors[node]:
            indegree[succ] -= 1
            if indegree[succ] == 0:
                queue.append(succ)
    return order


def _find_cycle(done: set[int], predecessors: list[list[int]]) -> list[int]:
    """One cycle among the nodes Kahn's algorithm could not order: walk back through unordered
    predecessors (each has one) until a node repeats."""
    node = next(i for i in range(len(predecessors)) if i not in done)
    seen: dict[int, int] = {}
    path: list[int] = []
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = next(p for p in predecessors[node] if p not in done)
    cycle = path[seen[node] :]
    cycle.reverse()  # predecessor first
    return cycle


def critical_path(
    tasks: Sequence[tuple],
    dependencies: Iterable[tuple],
    *,
    project_start: dt.date | None = None,
    work_days: Iterable[int] = ALL_DAYS,
    fallback_start: dt.date | None = None,
) -> Schedule:
    """Run CPM over `tasks` and `dependencies` (shapes in the module docstring).

    Returns a `Schedule` whose dates are inclusive working days and whose durations and slack are
    counted in working days. Raises `CycleError` when the dependencies contain a cycle.
    """
    anchor = schedule_anchor(project_start, tasks, fallback_start or dt.date.today())
    calendar = WorkCalendar(anchor, work_days)
    count = len(tasks)
    position = {row[0]: i for i, row in enumerate(tasks)}
    duration = [0] * count
    earliest = [0] * count
    for i, (_id, start, due, hours) in enumerate(tasks):
        duration[i] = task_duration(calendar, start, due, hours)
        if start is not None:
            earliest[i] = max(0, calendar.index(start))

    successors: list[list[tuple]] = [[] for _ in range(count)]
    predecessors: list[list[int]] = [[] for _ in range(count)]
    indegree = [0] * count
    get = position.get
    for row in dependencies:
        succ, pred = get(row[0]), get(row[1])
        if succ is None or pred is None:
            continue
        if succ == pred:
            raise CycleError([row[0]])
        lag = int(row[3] or 0) if len(row) > 3 else 0
        successors[pred].append((succ, _LINK_CODES.get(row[2], _FS), lag))
        predecessors[succ].append(pred)
        indegree[succ] += 1

    order = topological_order(count, successors, indegree)
    if len(order) < count:
        raise CycleError([tasks[i][0] for i in _find_cycle(set(order), predecessors)])

    # Forward pass: earliest starts (finishes are exclusive: start + duration).
    for pred in order:
        pred_start = earliest[pred]
        pred_finish = pred_start + duration[pred]
        for succ, link, lag in successors[pred]:
            if link == _FS:
                bound = pred_finish + lag
            elif link == _SS:
                bound = pred_start + lag
            elif link == _FF:
                bound = pred_finish + lag - duration[succ]
            else:
                bound = pred_start + lag - duration[succ]
            if bound > earliest[succ]:
                earliest[succ] = bound

    finish = max(map(sum, zip(earliest, duration, strict=True)), default=0)

    # Backward pass: latest (exclusive) finishes, from the project finish.
    latest = [finish] * count
    for pred in reversed(order):
        bound_min = latest[pred]
        for succ, link, lag in successors[pred]:
            if link == _FS:
                bound = latest[succ] - duration[succ] - lag
            elif link == _SS:
                bound = latest[succ] - duration[succ] - lag + duration[pred]
            elif link == _FF:
                bound = latest[succ] - lag
            else:
                bound = latest[succ] - lag + duration[pred]
            if bound < bound_min:
                bound_min = bound
        latest[pred] = bound_min

    rank = [0] * count
    for n, node in enumerate(order):
        rank[node] = n
    ordered = sorted(range(count), key=lambda i: (earliest[i], rank[i]))
    # Every index used below lies in [0, finish]: one date per working day of the schedule.
    day = [calendar.date(index) for index in range(finish + 1)]
    scheduled = []
    critical = []
    for i in ordered:
        start, length, late_finish = earliest[i], duration[i], latest[i]
        slack = late_finish - length - start
        task_id = tasks[i][0]
        if slack == 0:
            critical.append(task_id)
        scheduled.append(
            ScheduledTask(
                task_id,
                length,
                day[start],
                day[start + length - 1],
                day[late_finish - length],
                day[late_finish - 1],
                slack,
                slack == 0,
            )
        )
    return Schedule(calendar.anchor, day[finish - 1] if count else None, scheduled, critical)
