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
    make_task(project, created=at("2026-01-01"), deleted=True)  # trashed
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


@freeze_time("2026-03-01 12:00:00")
def test_query_count_does_not_grow_with_tasks_or_days(team, client_for, project, django_assert_max_num_queries):
    client = client_for(team.member)
    make_many_tasks(project, 10, created=at("2026-01-06"))
    with django_assert_max_num_queries(5) as small:
        data(client.get(url(project, "start_date=2026-01-01&end_date=2026-01-10")))
    make_many_tasks(project, 600, created=at("2026-01-20"))
    with django_assert_max_num_queries(5) as large:
        body = data(client.get(url(project, "start_date=2026-01-01&end_date=2026-02-28")))
    assert len(large.captured_queries) == len(small.captured_queries)
    assert body["actual_line"][-1]["remaining_work"] == 305.0
