"""POST /reports/{report_id}/execute and GET /reports/{report_id}/results (eager Celery)."""

import uuid

import pytest
from freezegun import freeze_time

from apps.analytics.models import ReportExecution
from apps.analytics.tasks import report_execute_scheduled_task
from apps.tasks.models import TaskAssignee
from tests.factories.analytics import ReportFactory, at, make_task
from tests.factories.projects import ProjectFactory
from tests.helpers import assert_error, data

pytestmark = pytest.mark.django_db

PERIOD = {"project_ids": [], "start_date": "2026-01-05", "end_date": "2026-01-18"}


def execute(report) -> str:
    return f"/api/v1/reports/{report.pk}/execute"


def results(report, query: str = "") -> str:
    return f"/api/v1/reports/{report.pk}/results" + (f"?{query}" if query else "")


@pytest.fixture
def two_projects(team):
    alpha = ProjectFactory(workspace=team.workspace, name="Alpha")
    make_task(alpha, created=at("2026-01-05"), completed=at("2026-01-07"), due="2026-01-10")
    make_task(alpha, created=at("2026-01-06"))
    beta = ProjectFactory(workspace=team.workspace, name="Beta")
    for day in ("06", "08", "12"):
        make_task(beta, created=at("2026-01-05"), completed=at(f"2026-01-{day}"), due="2026-01-07")
    make_task(beta, created=at("2026-01-05"))
    return alpha, beta


@freeze_time("2026-01-20 12:00:00")
def test_execute_answers_202_processing_then_the_task_completes_it_after_commit(
    team, client_for, two_projects, django_capture_on_commit_callbacks
):
    alpha, beta = two_projects
    report = ReportFactory(workspace=team.workspace, filters=PERIOD, metrics=["completion_rate", "team_velocity"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(team.member).post(execute(report))
        body = data(response, 202)
        assert body["status"] == "processing"
        assert ReportExecution.objects.get().status == "processing"
    assert len(callbacks) == 1
    assert body["report_id"] == str(report.pk)
    assert set(body) == {"execution_id", "report_id", "status", "created_at"}
    execution = ReportExecution.objects.get(pk=body["execution_id"])
    assert execution.status == "completed"
    assert execution.triggered_by == team.member

    result = data(client_for(team.viewer).get(results(report)))
    assert result["execution_id"] == body["execution_id"]
    assert result["status"] == "completed"
    assert result["generated_at"] is not None
    assert (result["start_date"], result["end_date"]) == ("2026-01-05", "2026-01-18")
    assert result["details"] == [
        {"project_id": str(alpha.pk), "project_name": "Alpha", "completion_rate": 50.0, "team_velocity": 0.5},
        {"project_id": str(beta.pk), "project_name": "Beta", "completion_rate": 75.0, "team_velocity": 1.5},
    ]
    assert result["summary"] == {"total_projects": 2, "avg_completion_rate": 62.5, "avg_team_velocity": 1.0}
    report.refresh_from_db()
    assert report.last_executed_at == execution.finished_at


def test_execution_stays_processing_until_the_transaction_commits(team, client_for, django_capture_on_commit_callbacks):
    report = ReportFactory(workspace=team.workspace)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        data(client_for(team.member).post(execute(report)), 202)
    assert len(callbacks) == 1
    assert ReportExecution.objects.get().status == "processing"
    assert data(client_for(team.member).get(results(report)))["summary"] is None


@freeze_time("2026-01-20 12:00:00")
def test_all_metrics_and_on_time_rate_per_project(team, client_for, two_projects, django_capture_on_commit_callbacks):
    _, beta = two_projects
    report = ReportFactory(
        workspace=team.workspace,
        filters={**PERIOD, "project_ids": [str(beta.pk)]},
        metrics=["total_tasks", "completed_tasks", "completion_rate", "avg_task_duration_days", "on_time_rate"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        data(client_for(team.admin).post(execute(report)), 202)
    result = data(client_for(team.member).get(results(report)))
    [row] = result["details"]
    assert row == {
        "project_id": str(beta.pk),
        "project_name": "Beta",
        "total_tasks": 4,
        "completed_tasks": 3,
        "completion_rate": 75.0,
        "avg_task_duration_days": 3.7,  # (1 + 3 + 7) / 3 days
        "on_time_rate": 33.3,  # only the one done on the 6th beat its due date
    }
    assert result["summary"] == {
        "total_projects": 1,
        "total_tasks": 4,
        "completed_tasks": 3,
        "avg_completion_rate": 75.0,
        "avg_task_duration_days": 3.7,
        "avg_on_time_rate": 33.3,
    }


@freeze_time("2026-01-20 12:00:00")
def test_task_status_and_team_performance_rows(team, client_for, project, django_capture_on_commit_callbacks):
    done = make_task(project, created=at("2026-01-05"), completed=at("2026-01-06"))
    open_task = make_task(project, created=at("2026-01-05"), status="blocked")
    make_task(project, created=at("2026-01-05"), status="cancelled")
    make_task(project, created=at("2026-01-05"))
    for task in (done, open_task):
        TaskAssignee.objects.create(task=task, user=team.member)
    status_report = ReportFactory(
        workspace=team.workspace, type="task_status", filters=PERIOD, metrics=["completed_tasks"]
    )
    team_report = ReportFactory(
        workspace=team.workspace, type="team_performance", filters=PERIOD, metrics=["total_tasks", "completion_rate"]
    )
    client = client_for(team.member)
    with django_capture_on_commit_callbacks(execute=True):
        data(client.post(execute(status_report)), 202)
        data(client.post(execute(team_report)), 202)
    status = data(client.get(results(status_report)))
    assert status["details"] == [
        {
            "project_id": str(project.pk),
            "project_name": project.name,
            "todo": 1,
            "in_progress": 0,
            "in_review": 0,
            "blocked": 1,
            "completed": 1,
            "cancelled": 1,
            "completed_tasks": 1,
        }
    ]
    assert status["summary"]["blocked"] == 1
    assert status["summary"]["total_projects"] == 1
    team_rows = data(client.get(results(team_report)))
    assert [(r["user_name"], r["total_tasks"], r["completion_rate"]) for r in team_rows["details"]] == [
        (team.member.get_full_name(), 2, 50.0),
        ("Unassigned", 1, 0.0),
    ]
    assert team_rows["details"][0]["user_id"] == str(team.member.pk)
    assert team_rows["details"][1]["user_id"] is None
    assert team_rows["summary"]["total_members"] == 1


@freeze_time("2026-01-20 12:00:00")
def test_results_leave_out_projects_the_reader_cannot_see(
    team, client_for, two_projects, django_capture_on_commit_callbacks
):
    secret = ProjectFactory(workspace=team.workspace, name="Secret", visibility="private")
    make_task(secret, created=at("2026-01-05"))
    report = ReportFactory(workspace=team.workspace, created_by=team.admin, filters=PERIOD, metrics=["total_tasks"])
    with django_capture_on_commit_callbacks(execute=True):
        data(client_for(team.admin).post(execute(report)), 202)
    admin_view = data(client_for(team.admin).get(results(report)))
    assert [row["project_name"] for row in admin_view["details"]] == ["Alpha", "Beta", "Secret"]
    assert admin_view["summary"]["total_tasks"] == 7
    member_view = data(client_for(team.member).get(results(report)))
    assert [row["project_name"] for row in member_view["details"]] == ["Alpha", "Beta"]
    assert member_view["summary"] == {"total_projects": 2, "total_tasks": 6}


def test_results_before_any_execution_are_404(team, client_for):
    report = ReportFactory(workspace=team.workspace)
    assert_error(client_for(team.member).get(results(report)), 404, "NOT_FOUND")


def test_results_of_an_earlier_or_foreign_execution(team, client_for, django_capture_on_commit_callbacks):
    report = ReportFactory(workspace=team.workspace)
    other = ReportFactory(workspace=team.workspace)
    client = client_for(team.member)
    with django_capture_on_commit_callbacks(execute=True):
        first = data(client.post(execute(report)), 202)["execution_id"]
        second = data(client.post(execute(report)), 202)["execution_id"]
        foreign = data(client.post(execute(other)), 202)["execution_id"]
    assert data(client.get(results(report)))["execution_id"] == second
    assert data(client.get(results(report, f"execution_id={first}")))["execution_id"] == first
    assert_error(client.get(results(report, f"execution_id={foreign}")), 404, "NOT_FOUND")
    assert_error(client.get(results(report, f"execution_id={uuid.uuid4()}")), 404, "NOT_FOUND")
    assert_error(client.get(results(report, "execution_id=latest")), 400, "INVALID_REQUEST")


def test_viewer_cannot_execute_and_outsider_gets_404(team, client_for):
    report = ReportFactory(workspace=team.workspace)
    assert_error(client_for(team.viewer).post(execute(report)), 403, "FORBIDDEN")
    assert_error(client_for(team.outsider).post(execute(report)), 404, "NOT_FOUND")
    assert_error(client_for(team.outsider).get(results(report)), 404, "NOT_FOUND")
    assert not ReportExecution.objects.exists()


@freeze_time("2026-01-20 12:00:00")
def test_scheduled_task_runs_the_report_and_skips_deleted_ones(team, two_projects):
    report = ReportFactory(workspace=team.workspace, filters={"project_ids": []}, metrics=["completed_tasks"])
    assert report_execute_scheduled_task.delay(str(report.pk)).get() == "completed"
    execution = ReportExecution.objects.get(report=report)
    assert execution.trigger == "scheduled"
    assert execution.triggered_by is None
    # Without dates: the 30 days up to the run.
    assert (str(execution.start_date), str(execution.end_date)) == ("2025-12-22", "2026-01-20")
    assert execution.results["summary"]["completed_tasks"] == 4
    assert report_execute_scheduled_task.delay(str(uuid.uuid4())).get() is None


def test_results_query_count_is_constant(team, client_for, django_assert_max_num_queries):
    report = ReportFactory(workspace=team.workspace)
    for i in range(40):
        project = ProjectFactory(workspace=team.workspace, name=f"P{i:02d}")
        make_task(project, created=at("2026-01-05"))
    from apps.analytics.services import report_run_now

    report_run_now(actor=None, report=report, trigger="manual")
    with django_assert_max_num_queries(4):
        body = data(client_for(team.member).get(results(report)))
    assert len(body["details"]) == 40
