"""GET /reports/{report_id}/executions: the run history of a report."""

import datetime as dt

import pytest
from freezegun import freeze_time

from apps.analytics.choices import ExecutionStatus, ExecutionTrigger
from apps.analytics.models import ReportExecution
from apps.analytics.tasks import report_execute_scheduled_task
from apps.projects.choices import ProjectVisibility
from tests.factories.analytics import ReportExecutionFactory, ReportFactory, at, make_task
from tests.factories.projects import ProjectFactory
from tests.helpers import assert_error, data

pytestmark = pytest.mark.django_db


def url(report, query: str = "") -> str:
    return f"/api/v1/reports/{report.pk}/executions" + (f"?{query}" if query else "")


@pytest.fixture
def report(team):
    alpha = ProjectFactory(workspace=team.workspace, name="Alpha")
    ProjectFactory(workspace=team.workspace, name="Beta")
    make_task(alpha, created=at("2026-01-05"), completed=at("2026-01-07"))
    return ReportFactory(workspace=team.workspace, created_by=team.admin)


def test_history_lists_manual_and_scheduled_runs_newest_first(
    team, client_for, report, django_capture_on_commit_callbacks
):
    with freeze_time("2026-01-10 09:00:00"), django_capture_on_commit_callbacks(execute=True):
        data(client_for(team.member).post(f"/api/v1/reports/{report.pk}/execute"), 202)
    with freeze_time("2026-01-11 09:00:00"):
        report_execute_scheduled_task(str(report.pk))
    response = client_for(team.viewer).get(url(report))
    body = response.json()
    assert body["success"] is True
    assert body["pagination"] == {"page": 1, "page_size": body["pagination"]["page_size"], "total": 2, "total_pages": 1}
    scheduled, manual = body["data"]
    assert set(manual) == {"id", "status", "trigger", "started_at", "finished_at", "duration_ms", "row_count", "error"}
    assert (manual["trigger"], scheduled["trigger"]) == ("manual", "scheduled")
    assert manual["status"] == scheduled["status"] == "completed"
    assert manual["started_at"].startswith("2026-01-10T09:00:00")
    assert manual["duration_ms"] == 0 and manual["row_count"] == 2 and manual["error"] == ""
    # Each run's results stay reachable by id.
    result = data(client_for(team.viewer).get(f"/api/v1/reports/{report.pk}/results?execution_id={manual['id']}"))
    assert result["execution_id"] == manual["id"]


def test_duration_and_failures_are_reported(team, client_for, report):
    started = at("2026-01-10", "09:00")
    failed = ReportExecutionFactory(
        report=report, status=ExecutionStatus.FAILED, trigger=ExecutionTrigger.SCHEDULED, error="Boom."
    )
    ReportExecution.objects.filter(pk=failed.pk).update(
        created_at=started, finished_at=started + dt.timedelta(seconds=2, milliseconds=345)
    )
    running = ReportExecutionFactory(report=report)
    rows = {row["id"]: row for row in data(client_for(team.member).get(url(report)))}
    assert rows[str(failed.pk)]["duration_ms"] == 2345
    assert rows[str(failed.pk)]["status"] == "failed" and rows[str(failed.pk)]["error"] == "Boom."
    assert rows[str(failed.pk)]["row_count"] is None
    assert rows[str(running.pk)]["finished_at"] is None and rows[str(running.pk)]["duration_ms"] is None


def test_row_count_only_counts_projects_the_reader_can_see(
    team, client_for, report, django_capture_on_commit_callbacks
):
    ProjectFactory(workspace=team.workspace, name="Secret", visibility=ProjectVisibility.PRIVATE)
    with django_capture_on_commit_callbacks(execute=True):
        data(client_for(team.owner).post(f"/api/v1/reports/{report.pk}/execute"), 202)
    assert data(client_for(team.owner).get(url(report)))[0]["row_count"] == 3
    assert data(client_for(team.viewer).get(url(report)))[0]["row_count"] == 2


def test_history_is_paginated(team, client_for, report, django_assert_max_num_queries):
    for _ in range(5):
        ReportExecutionFactory(report=report)
    with django_assert_max_num_queries(8):
        response = client_for(team.member).get(url(report, "page=2&page_size=2"))
    body = response.json()
    assert len(body["data"]) == 2
    assert body["pagination"]["total"] == 5 and body["pagination"]["total_pages"] == 3


def test_foreign_report_is_404_and_anonymous_401(team, client_for, api_client):
    foreign = ReportFactory(workspace=team.other_workspace)
    assert_error(client_for(team.member).get(url(foreign)), 404, "NOT_FOUND")
    assert_error(api_client.get(url(foreign)), 401, "UNAUTHORIZED")
