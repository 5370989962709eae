"""GET /analytics/projects/{project_id}/metrics against hand-computed figures."""

import uuid

import pytest
from freezegun import freeze_time

from tests.factories.analytics import at, make_many_tasks, make_task
from tests.factories.projects import ProjectFactory, ProjectMemberFactory
from tests.helpers import assert_error, data

pytestmark = pytest.mark.django_db

RANGE = "start_date=2026-01-05&end_date=2026-01-18"


def url(project, query: str = "") -> str:
    return f"/api/v1/analytics/projects/{project.pk}/metrics" + (f"?{query}" if query else "")


@pytest.fixture
def crafted(project):
    """Tasks around the range 2026-01-05..2026-01-18 (UTC workspace); see each line."""
    # Done in range, started 2 days before completion, on time.
    make_task(project, created=at("2026-01-01"), started=at("2026-01-04"), completed=at("2026-01-06"), due="2026-01-07")
    # Done in range, never started: 4 days from creation, late.
    make_task(project, created=at("2026-01-05", "09:00"), completed=at("2026-01-09", "09:00"), due="2026-01-08")
    # Done in range after 6 days, no due date.
    make_task(project, created=at("2026-01-06"), started=at("2026-01-06"), completed=at("2026-01-12"))
    make_task(project, created=at("2026-01-10"))  # open
    make_task(project, created=at("2026-01-12"), started=at("2026-01-13"))  # in progress
    make_task(project, created=at("2026-01-07"), completed=at("2026-01-19", "10:00"))  # done after the range
    make_task(project, created=at("2026-01-03"), status="cancelled")  # never counted
    make_task(project, created=at("2026-01-08"), completed=at("2026-01-10"), deleted=True)  # trashed
    make_task(project, created=at("2026-01-19"))  # created after the range
    other = ProjectFactory(workspace=project.workspace)
    make_task(other, created=at("2026-01-06"), completed=at("2026-01-07"))
    return project


def test_anonymous_is_401(api_client, project):
    assert_error(api_client.get(url(project)), 401, "UNAUTHORIZED")


@freeze_time("2026-01-20 12:00:00")
def test_daily_metrics_match_hand_computed_figures(team, client_for, crafted):
    body = data(client_for(team.member).get(url(crafted, RANGE)))
    assert body["project_id"] == str(crafted.pk)
    # Six tasks exist by the end of the range (cancelled, trashed and later ones left out), three done.
    assert body["total_tasks"] == 6
    assert body["completed_tasks"] == 3
    assert body["completion_rate"] == 50.0
    assert body["avg_task_duration_days"] == 4.0  # (2 + 4 + 6) / 3
    assert body["on_time_rate"] == 50.0  # one of the two with a due date
    assert body["team_velocity"] == 1.5  # 3 tasks over 2 weeks
    series = body["metrics"]
    assert [point["date"] for point in series] == [f"2026-01-{day:02d}" for day in range(5, 19)]
    by_day = {point["date"]: point for point in series}
    assert by_day["2026-01-06"] == {
        "date": "2026-01-06",
        "tasks_completed": 1,
        "tasks_created": 1,
        "avg_resolution_time": 2.0,
    }
    assert by_day["2026-01-09"]["tasks_completed"] == 1
    assert by_day["2026-01-09"]["avg_resolution_time"] == 4.0
    assert by_day["2026-01-12"] == {
        "date": "2026-01-12",
        "tasks_completed": 1,
        "tasks_created": 1,
        "avg_resolution_time": 6.0,
    }
    assert by_day["2026-01-08"] == {
        "date": "2026-01-08",
        "tasks_completed": 0,
        "tasks_created": 0,
        "avg_resolution_time": None,
    }
    assert sum(point["tasks_created"] for point in series) == 5
    assert sum(point["tasks_completed"] for point in series) == 3


@freeze_time("2026-01-20 12:00:00")
def test_weekly_buckets_start_on_monday(team, client_for, crafted):
    body = data(client_for(team.member).get(url(crafted, RANGE + "&granularity=weekly")))
    assert body["metrics"] == [
        {"date": "2026-01-05", "tasks_completed": 2, "tasks_created": 4, "avg_resolution_time": 3.0},
        {"date": "2026-01-12", "tasks_completed": 1, "tasks_created": 1, "avg_resolution_time": 6.0},
    ]
    assert body["team_velocity"] == 1.5


@freeze_time("2026-01-20 12:00:00")
def test_monthly_buckets_cover_every_month_touched(team, client_for, crafted):
    body = data(
        client_for(team.member).get(url(crafted, "start_date=2025-12-15&end_date=2026-02-10&granularity=monthly"))
    )
    assert [point["date"] for point in body["metrics"]] == ["2025-12-01", "2026-01-01", "2026-02-01"]
    january = body["metrics"][1]
    assert january["tasks_completed"] == 4  # the three in range plus the one done on the 19th
    assert january["tasks_created"] == 7
    assert body["metrics"][0]["tasks_completed"] == 0
    assert body["metrics"][2] == {
        "date": "2026-02-01",
        "tasks_completed": 0,
        "tasks_created": 0,
        "avg_resolution_time": None,
    }


@freeze_time("2026-01-20 12:00:00")
def test_days_follow_the_workspace_time_zone(team, client_for, project):
    team.workspace.timezone = "America/New_York"
    team.workspace.save(update_fields=["timezone"])
    # 03:00 UTC on the 6th is still the evening of the 5th in New York.
    make_task(project, created=at("2026-01-05", "15:00"), completed=at("2026-01-06", "03:00"), due="2026-01-05")
    body = data(client_for(team.member).get(url(project, "start_date=2026-01-05&end_date=2026-01-06")))
    assert [(p["date"], p["tasks_completed"]) for p in body["metrics"]] == [("2026-01-05", 1), ("2026-01-06", 0)]
    assert body["on_time_rate"] == 100.0
    assert body["avg_task_duration_days"] == 0.5


@freeze_time("2026-01-20 12:00:00")
def test_defaults_to_the_last_30_days(team, client_for, crafted):
    body = data(client_for(team.member).get(url(crafted)))
    dates = [point["date"] for point in body["metrics"]]
    assert len(dates) == 30
    assert dates[0] == "2025-12-22"
    assert dates[-1] == "2026-01-20"
    assert body["total_tasks"] == 7  # the task created on the 19th now counts
    assert body["completed_tasks"] == 4


@freeze_time("2026-01-20 12:00:00")
def test_empty_project_has_zeros_and_no_division_by_zero(team, client_for, project):
    body = data(client_for(team.viewer).get(url(project, RANGE + "&granularity=weekly")))
    assert body["total_tasks"] == 0
    assert body["completed_tasks"] == 0
    assert body["completion_rate"] == 0.0
    assert body["avg_task_duration_days"] is None
    assert body["on_time_rate"] is None
    assert body["team_velocity"] == 0.0
    assert [p["tasks_completed"] + p["tasks_created"] for p in body["metrics"]] == [0, 0]


def test_viewer_can_read_metrics(team, client_for, project):
    data(client_for(team.viewer).get(url(project)))


def test_outsider_and_unknown_projects_are_404(team, client_for, project):
    assert_error(client_for(team.outsider).get(url(project)), 404, "NOT_FOUND")
    assert_error(client_for(team.member).get(f"/api/v1/analytics/projects/{uuid.uuid4()}/metrics"), 404, "NOT_FOUND")


def test_private_project_is_404_for_non_members_and_visible_to_its_members(team, client_for):
    private = ProjectFactory(workspace=team.workspace, visibility="private")
    assert_error(client_for(team.member).get(url(private)), 404, "NOT_FOUND")
    ProjectMemberFactory(project=private, user=team.member)
    data(client_for(team.member).get(url(private)))
    data(client_for(team.admin).get(url(private)))


@pytest.mark.parametrize(
    "query",
    [
        "granularity=hourly",
        "start_date=yesterday",
        "end_date=2026-13-01",
        "start_date=2026-02-01&end_date=2026-01-01",
        "start_date=2025-01-01&end_date=2026-01-31",  # 396 days daily
        "start_date=2000-01-01&end_date=2026-01-31&granularity=weekly",
        "end_date=9999-12-31",
        "start_date=0001-01-01",
        "end_date=9999-12-31T23:00:00Z&granularity=monthly",
    ],
)
def test_bad_parameters_are_400(team, client_for, project, query):
    assert_error(client_for(team.member).get(url(project, query)), 400, "INVALID_REQUEST")


def test_a_year_weekly_and_date_times_are_accepted(team, client_for, project):
    body = data(
        client_for(team.member).get(url(project, "start_date=2025-01-01&end_date=2025-12-31&granularity=weekly"))
    )
    assert len(body["metrics"]) == 53
    body = data(client_for(team.member).get(url(project, "start_date=2026-01-05T08:00:00Z&end_date=2026-01-06")))
    assert [p["date"] for p in body["metrics"]] == ["2026-01-05", "2026-01-06"]


@freeze_time("2026-01-20 12:00:00")
def test_query_count_does_not_grow_with_the_number_of_tasks(team, client_for, project, django_assert_max_num_queries):
    client = client_for(team.member)
    make_many_tasks(project, 10, created=at("2026-01-06"))
    with django_assert_max_num_queries(4) as small:
        data(client.get(url(project, RANGE)))
    make_many_tasks(project, 500, created=at("2026-01-08"))
    with django_assert_max_num_queries(4) as large:
        body = data(client.get(url(project, RANGE + "&granularity=weekly")))
    assert len(large.captured_queries) == len(small.captured_queries)
    assert body["total_tasks"] == 510
    assert body["completed_tasks"] == 255
