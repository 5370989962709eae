"""GET /analytics/projects/{project_id}/burndown against hand-computed lines."""

import datetime as dt

import pytest
from freezegun import freeze_time

from tests.factories.analytics import at, make_many_tasks, make_task
from tests.factories.projects import ProjectFactory
from tests.helpers import assert_error, data

pytestmark = pytest.mark.django_db


def url(project, query: str = "") -> str:
    return f"/api/v1/analytics/projects/{project.pk}/burndown" + (f"?{query}" if query else "")


@pytest.fixture
def sprint(team):
    """A project running 2026-01-05..2026-01-09 with work open, done and added during it."""
    project = ProjectFactory(workspace=team.workspace, start_date=dt.date(2026, 1, 5), end_date=dt.date(2026, 1, 9))
    make_task(project, created=at("2026-01-01"))  # open throughout
    make_task(project, created=at("2026-01-02"))  # open throughout
    make_task(project, created=at("2026-01-02"), completed=at("2026-01-04"))  # done before the start
    make_task(project, created=at("2026-01-03"), completed=at("2026-01-06", "10:00"))
    make_task(project, created=at("2026-01-04"), completed=at("2026-01-07", "09:00"))
    make_task(project, created=at("2026-01-06"))  # scope added on day two
    make_task(project, created=at("2026-01-01"), status="cancelled")  # never counted
    trashed = make_task(project, created=at("2026-01-01"), deleted=True)
    # Trashed the day it was created (history counts a task until it went to the trash).
    type(trashed).all_objects.filter(pk=trashed.pk).update(deleted_at=at("2026-01-01", "13:00"))
    return project


@freeze_time("2026-01-07 12:00:00")
def test_burndown_defaults_to_the_project_dates_and_stops_the_actual_line_today(team, client_for, sprint):
    body = data(client_for(team.member).get(url(sprint)))
    assert body["project_id"] == str(sprint.pk)
    assert body["start_date"] == "2026-01-05"
    assert body["end_date"] == "2026-01-09"
    assert body["ideal_line"] == [
        {"date": "2026-01-05", "remaining_work": 4.0},
        {"date": "2026-01-06", "remaining_work": 3.0},
        {"date": "2026-01-07", "remaining_work": 2.0},
        {"date": "2026-01-08", "remaining_work": 1.0},
        {"date": "2026-01-09", "remaining_work": 0.0},
    ]
    # Day one: 4 open. Day two: one added, one done. Day three: one more done.
    assert body["actual_line"] == [
        {"date": "2026-01-05", "remaining_work": 4.0},
        {"date": "2026-01-06", "remaining_work": 4.0},
        {"date": "2026-01-07", "remaining_work": 3.0},
    ]


@freeze_time("2026-01-20 12:00:00")
def test_explicit_range_overrides_the_project_dates(team, client_for, sprint):
    body = data(client_for(team.member).get(url(sprint, "start_date=2026-01-03&end_date=2026-01-08")))
    assert [p["remaining_work"] for p in body["actual_line"]] == [4.0, 4.0, 4.0, 4.0, 3.0, 3.0]
    assert body["ideal_line"][0] == {"date": "2026-01-03", "remaining_work": 4.0}
    assert body["ideal_line"][-1] == {"date": "2026-01-08", "remaining_work": 0.0}
    assert [p["remaining_work"] for p in body["ideal_line"]] == [4.0, 3.2, 2.4, 1.6, 0.8, 0.0]


@freeze_time("2026-01-10 08:00:00")
def test_project_without_dates_runs_from_the_first_task_to_today(team, client_for, project):
    make_task(project, created=at("2026-01-08", "15:00"))
    make_task(project, created=at("2026-01-09"), completed=at("2026-01-10", "07:00"))
    body = data(client_for(team.viewer).get(url(project)))
    assert (body["start_date"], body["end_date"]) == ("2026-01-08", "2026-01-10")
    assert [p["remaining_work"] for p in body["actual_line"]] == [1.0, 2.0, 1.0]
    assert [p["remaining_work"] for p in body["ideal_line"]] == [1.0, 0.5, 0.0]


@freeze_time("2026-01-10 08:00:00")
def test_empty_project_burns_down_from_zero(team, client_for, project):
    body = data(client_for(team.member).get(url(project)))
    assert body["start_date"] == body["end_date"] == "2026-01-10"
    assert body["ideal_line"] == [{"date": "2026-01-10", "remaining_work": 0.0}]
    assert body["actual_line"] == [{"date": "2026-01-10", "remaining_work": 0.0}]


@freeze_time("2026-01-01 12:00:00")
def test_future_project_has_an_ideal_line_from_todays_open_work_and_no_actual_line(team, client_for):
    project = ProjectFactory(workspace=team.workspace, start_date=dt.date(2026, 1, 5), end_date=dt.date(2026, 1, 7))
    make_task(project, created=at("2025-12-30"))
    make_task(project, created=at("2025-12-31"), completed=at("2025-12-31", "18:00"))
    body = data(client_for(team.member).get(url(project)))
    assert body["actual_line"] == []
    assert [p["remaining_work"] for p in body["ideal_line"]] == [1.0, 0.5, 0.0]


def test_outsider_is_404_and_anonymous_401(team, client_for, api_client, project):
    assert_error(client_for(team.outsider).get(url(project)), 404, "NOT_FOUND")
    assert_error(api_client.get(url(project)), 401, "UNAUTHORIZED")


@pytest.mark.parametrize(
    "query",
    [
        "start_date=2026-02-01&end_date=2026-01-01",
        "start_date=2026-02-30",
        "end_date=soon",
        "start_date=1990-01-01",
        "start_date=9999-12-30&end_date=9999-12-31",
        "start_date=0001-01-01&end_date=0001-01-02",
    ],
)
def test_bad_ranges_are_400(team, client_for, project, query):
    assert_error(client_for(team.member).get(url(project, query)), 400, "INVALID_REQUEST")


def test_query_count_does_not_grow_with_tasks_or_days(team, client_for, project, django_assert_max_num_queries):
    client = client_for(team.member)
    with freeze_time("2026-03-01 12:00:00"):
        make_many_tasks(project, 10, created=at("2026-01-06"))
        data(client.get(url(project, "start_date=2026-01-01&end_date=2026-02-28")))  # records the closed days
        with django_assert_max_num_queries(6) as small:
            data(client.get(url(project, "start_date=2026-01-06&end_date=2026-01-10")))
    with freeze_time("2026-03-02 12:00:00"):
        data(client.get(url(project, "start_date=2026-01-01&end_date=2026-03-02")))  # closes 2026-03-01
        make_many_tasks(project, 600, created=at("2026-03-02", "08:00"))
        with django_assert_max_num_queries(6) as large:
            body = data(client.get(url(project, "start_date=2026-01-01&end_date=2026-03-02")))
    assert len(large.captured_queries) == len(small.captured_queries) + 1  # only today is read from the tasks
    assert not any('"tasks_task"' in query["sql"] for query in small.captured_queries)
    assert body["actual_line"][-2]["remaining_work"] == 5.0
    assert body["actual_line"][-1]["remaining_work"] == 305.0
    assert body["scope_line"][-1] == {"date": "2026-03-02", "tasks": 610}


def test_a_closed_day_never_changes_after_deleting_and_moving_tasks(team, client_for, project):
    """Snapshots freeze the past: the issue's 4 that turned into 2."""
    from apps.analytics.tasks import burndown_snapshots_record_task
    from apps.tasks.lifecycle import task_delete
    from apps.tasks.services import task_move, task_status_change

    client = client_for(team.member)
    other = ProjectFactory(workspace=team.workspace)
    query = "start_date=2026-02-02&end_date=2026-02-08"
    with freeze_time("2026-02-02 09:00:00"):
        make_task(project, created=at("2026-02-01"))
        make_task(project, created=at("2026-02-01"))
        done_later = make_task(project, created=at("2026-02-01"))
        moved = make_task(project, created=at("2026-02-01"))
    with freeze_time("2026-02-03 10:00:00"):
        body = data(client.get(url(project, query)))
        assert [p["remaining_work"] for p in body["actual_line"]] == [4.0, 4.0]
    with freeze_time("2026-02-04 10:00:00"):
        task_status_change(actor=team.member, task=done_later, status="completed")
        body = data(client.get(url(project, query)))
        assert [p["remaining_work"] for p in body["actual_line"]] == [4.0, 4.0, 3.0]
    with freeze_time("2026-02-05 00:30:00"):
        assert burndown_snapshots_record_task() >= 1  # the beat closes 02-04
    with freeze_time("2026-02-05 10:00:00"):
        task_delete(actor=team.member, obj=done_later)
        task_move(actor=team.member, task=moved, project=other)
        body = data(client.get(url(project, query)))
    # 02-02 and 02-03 keep their 4, 02-04 its 3 (the completion); today shows the change as scope.
    assert [p["remaining_work"] for p in body["actual_line"]] == [4.0, 4.0, 3.0, 2.0]
    assert [p["tasks"] for p in body["scope_line"]] == [4, 4, 4, 2]
    with freeze_time("2026-02-07 10:00:00"):
        body = data(client.get(url(project, query)))
    assert [p["remaining_work"] for p in body["actual_line"]] == [4.0, 4.0, 3.0, 2.0, 2.0, 2.0]
    assert body["ideal_line"][0] == {"date": "2026-02-02", "remaining_work": 4.0}


def test_days_before_the_first_snapshot_are_reconstructed_once_then_frozen(team, client_for, project):
    from apps.analytics.models import BurndownSnapshot

    client = client_for(team.member)
    with freeze_time("2026-02-10 09:00:00"):
        make_task(project, created=at("2026-02-01"))
        gone = make_task(project, created=at("2026-02-01"), completed=at("2026-02-03"))
        make_task(project, created=at("2026-02-02"), deleted=True)  # trashed now: history says 02-10
        body = data(client.get(url(project, "start_date=2026-02-01&end_date=2026-02-05")))
    assert [p["remaining_work"] for p in body["actual_line"]] == [2.0, 3.0, 2.0, 2.0, 2.0]
    assert [p["tasks"] for p in body["scope_line"]] == [2, 3, 3, 3, 3]
    rows = BurndownSnapshot.objects.filter(project=project)
    assert rows.count() == 5 and all(row.reconstructed for row in rows)
    Task = type(gone)
    Task.all_objects.filter(pk=gone.pk).update(created_at=at("2026-02-04"))  # history rewritten afterwards
    with freeze_time("2026-02-11 09:00:00"):
        again = data(client.get(url(project, "start_date=2026-02-01&end_date=2026-02-05")))
    assert again["actual_line"] == body["actual_line"]


def test_the_beat_job_closes_yesterday_once_in_the_workspace_time_zone(team, project):
    from apps.analytics.models import BurndownSnapshot
    from apps.analytics.tasks import burndown_snapshots_record_task

    team.workspace.timezone = "Asia/Tokyo"
    team.workspace.save(update_fields=["timezone"])
    project.start_date = dt.date(2026, 3, 1)
    project.save(update_fields=["start_date"])
    make_task(project, created=at("2026-02-28"))
    with freeze_time("2026-03-02 14:00:00"):  # 23:00 in Tokyo: 03-02 is still open
        assert burndown_snapshots_record_task() == 1
        assert burndown_snapshots_record_task() == 0
    with freeze_time("2026-03-02 15:30:00"):  # 00:30 on 03-03 in Tokyo
        assert burndown_snapshots_record_task() == 1
    assert list(BurndownSnapshot.objects.filter(project=project).values_list("day", "scope", "remaining")) == [
        (dt.date(2026, 3, 1), 1, 1),
        (dt.date(2026, 3, 2), 1, 1),
    ]
