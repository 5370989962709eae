"""The CPM over plain tuples (apps.scheduling.cpm), on graphs computed by hand.

Day 0 is Monday 2026-01-05; unless a test says otherwise every day of the week is a working day.
"""

import datetime as dt
from decimal import Decimal

import pytest

from apps.scheduling.cpm import CycleError, WorkCalendar, critical_path

MONDAY = dt.date(2026, 1, 5)
WEEKDAYS = (1, 2, 3, 4, 5)


def d(offset: int) -> dt.date:
    return MONDAY + dt.timedelta(days=offset)


def run(tasks, deps, **kwargs):
    kwargs.setdefault("project_start", MONDAY)
    schedule = critical_path(tasks, deps, **kwargs)
    return schedule, {t.id: t for t in schedule.tasks}


def test_a_chain_is_one_critical_path_with_inclusive_durations():
    tasks = [("A", d(0), d(2), None), ("B", None, None, Decimal("16")), ("C", None, None, None)]
    schedule, by_id = run(tasks, [("B", "A", "FS"), ("C", "B", "FS")])
    assert by_id["A"].duration_days == 3  # Mon-Wed
    assert (by_id["B"].earliest_start, by_id["B"].earliest_finish) == (d(3), d(4))
    assert (by_id["C"].earliest_start, by_id["C"].earliest_finish) == (d(5), d(5))
    assert schedule.critical_path == ["A", "B", "C"]
    assert schedule.start == d(0) and schedule.finish == d(5)
    assert all(t.slack_days == 0 and t.latest_start == t.earliest_start for t in schedule.tasks)


def test_a_diamond_reports_both_critical_paths_and_the_slack_of_the_short_branch():
    tasks = [
        ("A", None, None, 16),
        ("B", None, None, 24),
        ("C", None, None, 24),
        ("E", None, None, 8),
        ("D", None, None, 8),
    ]
    deps = [("B", "A", "FS"), ("C", "A", "FS"), ("E", "A", "FS"), ("D", "B", "FS"), ("D", "C", "FS"), ("D", "E", "FS")]
    schedule, by_id = run(tasks, deps)
    assert schedule.critical_path == ["A", "B", "C", "D"]
    assert by_id["E"].slack_days == 2 and not by_id["E"].is_critical
    assert (by_id["E"].earliest_start, by_id["E"].latest_start, by_id["E"].latest_finish) == (d(2), d(4), d(4))
    assert by_id["D"].earliest_start == d(5) and schedule.finish == d(5)


def test_start_to_start_and_finish_to_finish_links_with_lag():
    # B starts 2 days after A starts; C finishes 1 day after B finishes; D is independent.
    tasks = [("A", None, None, 32), ("B", None, None, 24), ("C", None, None, 16), ("D", None, None, 8)]
    deps = [("B", "A", "SS", 2), ("C", "B", "FF", 1)]
    schedule, by_id = run(tasks, deps)
    assert (by_id["A"].earliest_start, by_id["A"].earliest_finish) == (d(0), d(3))
    assert (by_id["B"].earliest_start, by_id["B"].earliest_finish) == (d(2), d(4))
    assert (by_id["C"].earliest_start, by_id["C"].earliest_finish) == (d(4), d(5))
    assert schedule.finish == d(5)
    assert schedule.critical_path == ["A", "B", "C"]
    assert by_id["D"].slack_days == 5


def test_finish_to_finish_without_lag_leaves_slack_on_the_start_to_start_branch():
    tasks = [("A", d(0), d(3), None), ("B", None, None, 24), ("C", None, None, 16)]
    schedule, by_id = run(tasks, [("B", "A", "SS"), ("C", "A", "FF")])
    assert (by_id["C"].earliest_start, by_id["C"].earliest_finish) == (d(2), d(3))
    assert by_id["B"].slack_days == 1 and by_id["B"].latest_finish == d(3)
    assert schedule.critical_path == ["A", "C"]


def test_start_to_finish_link():
    # A may not start before day 5 (its start date); B must finish no earlier than A starts.
    tasks = [("A", d(5), d(6), None), ("B", None, None, 24)]
    _, by_id = run(tasks, [("B", "A", "SF")])
    assert (by_id["B"].earliest_start, by_id["B"].earliest_finish) == (d(2), d(4))
    assert by_id["B"].slack_days == 2 and by_id["A"].is_critical


def test_a_negative_lag_is_a_lead():
    tasks = [("A", None, None, 24), ("B", None, None, 16)]
    _, by_id = run(tasks, [("B", "A", "FS", -1)])
    assert by_id["B"].earliest_start == d(2)


def test_tasks_without_dates_take_their_estimate_rounded_up_or_one_day():
    tasks = [("A", None, None, Decimal("20")), ("B", None, None, None), ("C", d(1), None, Decimal("0"))]
    _, by_id = run(tasks, [])
    assert by_id["A"].duration_days == 3
    assert by_id["B"].duration_days == 1
    assert by_id["C"].duration_days == 1 and by_id["C"].earliest_start == d(1)


def test_a_five_day_week_skips_the_weekend():
    # A runs Thu-Tue (4 working days); B follows for 2 days, Wed-Thu; C has slack.
    tasks = [("A", d(3), d(8), None), ("B", None, None, 16), ("C", None, None, None)]
    schedule, by_id = run(tasks, [("B", "A", "FS")], work_days=WEEKDAYS)
    assert by_id["A"].duration_days == 4
    assert (by_id["B"].earliest_start, by_id["B"].earliest_finish) == (d(9), d(10))
    assert schedule.finish == d(10)
    assert schedule.critical_path == ["A", "B"]
    assert by_id["C"].slack_days == 8  # working days, weekends excluded
    assert by_id["C"].latest_start == d(10)


def test_the_schedule_starts_at_the_earliest_task_without_a_project_start():
    schedule, by_id = run([("A", d(9), d(10), None)], [], project_start=None)
    assert schedule.start == d(9) and by_id["A"].earliest_start == d(9)


def test_a_cycle_raises_with_its_tasks_in_dependency_order():
    tasks = [(name, None, None, None) for name in "ABCD"]
    with pytest.raises(CycleError) as exc:
        critical_path(tasks, [("B", "A", "FS"), ("C", "B", "FS"), ("A", "C", "FS"), ("D", "C", "FS")])
    cycle = exc.value.cycle
    assert sorted(cycle) == ["A", "B", "C"]
    start = cycle.index("A")
    assert cycle[start:] + cycle[:start] == ["A", "B", "C"]


def test_links_to_tasks_outside_the_input_are_ignored():
    schedule, _ = run([("A", None, None, None)], [("A", "elsewhere", "FS")])
    assert schedule.critical_path == ["A"]


def test_an_empty_project_has_no_finish():
    schedule = critical_path([], [], project_start=MONDAY)
    assert schedule.finish is None and schedule.tasks == [] and schedule.critical_path == []


def test_the_work_calendar_counts_working_days():
    calendar = WorkCalendar(dt.date(2026, 1, 3), WEEKDAYS)  # a Saturday: snapped to Monday
    assert calendar.anchor == MONDAY
    assert calendar.index(d(7)) == 5 and calendar.date(5) == d(7)
    assert calendar.working_days(d(4), d(7)) == 2  # Fri and Mon
    assert calendar.index(d(-3)) == -1  # the Friday before
    assert all(calendar.index(calendar.date(i)) == i for i in range(-20, 40))


def test_ten_thousand_tasks_and_twenty_thousand_links_are_scheduled():
    count = 10_000
    tasks = [(i, None, None, (i % 5 + 1) * 8) for i in range(count)]
    deps = [(i, i - 1 - (i % 7), "FS") for i in range(8, count)] + [(i, i // 2, "SS") for i in range(8, count)]
    schedule = critical_path(tasks, deps, project_start=MONDAY)
    assert len(schedule.tasks) == count and schedule.critical_path
    assert all(t.slack_days >= 0 for t in schedule.tasks)  # timings: bench/scheduling/cpm_10k.py
