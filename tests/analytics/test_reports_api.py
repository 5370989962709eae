"""POST/GET /reports, GET/PATCH/DELETE /reports/{report_id}, and the beat schedule they own."""

import json
import uuid

import pytest
from django_celery_beat.models import PeriodicTask

from apps.analytics.models import Report, ReportExecution
from apps.workspaces.choices import WorkspaceRole
from tests.factories.analytics import ReportExecutionFactory, ReportFactory
from tests.factories.projects import ProjectFactory
from tests.factories.workspaces import WorkspaceFactory, WorkspaceMemberFactory
from tests.helpers import assert_error, data

pytestmark = pytest.mark.django_db

SCHEDULED_TASK = "apps.analytics.tasks.report_execute_scheduled_task"


def body_for(team, project=None, **overrides) -> dict:
    body = {
        "name": "Q1 Project Performance",
        "description": "Monthly performance metrics for Q1 2026",
        "workspace_id": str(team.workspace.pk),
        "type": "project_summary",
        "filters": {
            "project_ids": [str(project.pk)] if project else [],
            "start_date": "2026-01-01",
            "end_date": "2026-03-31",
        },
        "metrics": ["team_velocity", "completion_rate", "on_time_rate"],
    }
    body.update(overrides)
    return body


def detail(report) -> str:
    return f"/api/v1/reports/{report.pk if hasattr(report, 'pk') else report}"


# --- Create -----------------------------------------------------------------------------------


def test_anonymous_is_401(api_client):
    assert_error(api_client.get("/api/v1/reports"), 401, "UNAUTHORIZED")
    assert_error(api_client.post("/api/v1/reports", {}), 401, "UNAUTHORIZED")


def test_member_creates_an_on_demand_report(team, client_for, project):
    body = data(client_for(team.member).post("/api/v1/reports", body_for(team, project)), 201)
    assert body["name"] == "Q1 Project Performance"
    assert body["workspace_id"] == str(team.workspace.pk)
    assert body["type"] == "project_summary"
    assert body["filters"] == {"project_ids": [str(project.pk)], "start_date": "2026-01-01", "end_date": "2026-03-31"}
    assert body["metrics"] == ["completion_rate", "on_time_rate", "team_velocity"]  # canonical order
    assert body["schedule"] is None
    assert body["last_executed"] is None
    assert body["created_by_id"] == str(team.member.pk)
    report = Report.objects.get(pk=body["id"])
    assert report.periodic_task is None
    assert not PeriodicTask.objects.filter(task=SCHEDULED_TASK).exists()


def test_admin_creates_a_monthly_report_with_its_periodic_task_in_the_workspace_time_zone(team, client_for):
    team.workspace.timezone = "Europe/Berlin"
    team.workspace.save(update_fields=["timezone"])
    schedule = {"type": "monthly", "day_of_month": 1, "time": "09:30"}
    body = data(client_for(team.admin).post("/api/v1/reports", body_for(team, schedule=schedule)), 201)
    assert body["schedule"] == {
        "type": "monthly",
        "day_of_month": 1,
        "time": "09:30",
        "timezone": None,
        "enabled": True,
        "paused_reason": None,
    }
    task = PeriodicTask.objects.get(report__pk=body["id"])
    assert task.task == SCHEDULED_TASK
    assert json.loads(task.kwargs) == {"report_id": body["id"]}
    assert task.enabled
    crontab = task.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_month, crontab.day_of_week, crontab.month_of_year) == (
        "30",
        "9",
        "1",
        "*",
        "*",
    )
    assert str(crontab.timezone) == "Europe/Berlin"


def test_weekly_schedule_maps_iso_weekdays_to_cron(team, client_for):
    schedule = {"type": "weekly", "day_of_week": 7, "time": "18:00"}
    body = data(client_for(team.owner).post("/api/v1/reports", body_for(team, schedule=schedule)), 201)
    crontab = PeriodicTask.objects.get(report__pk=body["id"]).crontab
    assert (crontab.day_of_week, crontab.day_of_month, crontab.hour) == ("0", "*", "18")  # Sunday


def test_member_cannot_create_a_scheduled_report(team, client_for):
    schedule = {"type": "daily", "time": "08:00"}
    assert_error(client_for(team.member).post("/api/v1/reports", body_for(team, schedule=schedule)), 403, "FORBIDDEN")
    assert not Report.objects.exists()
    assert not PeriodicTask.objects.filter(task=SCHEDULED_TASK).exists()


def test_viewer_cannot_create_reports(team, client_for):
    assert_error(client_for(team.viewer).post("/api/v1/reports", body_for(team)), 403, "FORBIDDEN")
    assert not Report.objects.exists()


def test_foreign_workspace_is_422_and_writes_nothing(team, client_for):
    body = body_for(team, workspace_id=str(team.other_workspace.pk))
    assert_error(client_for(team.member).post("/api/v1/reports", body), 422, "VALIDATION_ERROR", field="workspace_id")
    assert not Report.objects.exists()


def test_foreign_or_invisible_project_ids_are_422_and_write_nothing(team, client_for):
    foreign = ProjectFactory(workspace=team.other_workspace)
    private = ProjectFactory(workspace=team.workspace, visibility="private")
    mine_elsewhere = ProjectFactory(workspace=WorkspaceFactory(created_by=team.member))
    for project in (foreign, private, mine_elsewhere):
        response = client_for(team.member).post("/api/v1/reports", body_for(team, project))
        error = assert_error(response, 422, "VALIDATION_ERROR")
        assert error["error"]["details"]["filters"]["project_ids"] == [f"Unknown project: {project.pk}"]
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "   "}, "name"),
        ({"type": "burndown"}, "type"),
        ({"metrics": []}, "metrics"),
        ({"metrics": ["happiness"]}, "metrics"),
        ({"filters": {"start_date": "2026-03-01", "end_date": "2026-01-01"}}, "filters"),
        ({"filters": {"project_ids": ["not-a-uuid"]}}, "filters"),
        ({"filters": {"start_date": "2000-01-01", "end_date": "2026-01-01"}}, "filters"),
        ({"filters": {"start_date": "9999-12-31", "end_date": "9999-12-31"}}, "filters"),
        ({"filters": {"start_date": "0001-01-01", "end_date": "0001-01-05"}}, "filters"),
        ({"schedule": {"type": "weekly", "time": "09:00"}}, "schedule"),
        ({"schedule": {"type": "monthly", "day_of_month": 31}}, "schedule"),
        ({"schedule": {"type": "daily", "time": "25:00"}}, "schedule"),
        ({"schedule": {"type": "hourly"}}, "schedule"),
        ({"workspace_id": "nope"}, "workspace_id"),
    ],
)
def test_invalid_bodies_are_422_with_field_details(team, client_for, overrides, field):
    response = client_for(team.owner).post("/api/v1/reports", body_for(team, **overrides))
    assert_error(response, 422, "VALIDATION_ERROR", field=field)
    assert not Report.objects.exists()


def test_malformed_json_is_400(team, client_for):
    response = client_for(team.member).post("/api/v1/reports", "{", content_type="application/json")
    assert_error(response, 400, "INVALID_REQUEST")


# --- List and retrieve -------------------------------------------------------------------------


def test_list_shows_reports_of_my_workspaces_with_filters_and_constant_queries(
    team, client_for, django_assert_max_num_queries
):
    for i in range(30):
        report = ReportFactory(workspace=team.workspace, type="task_status" if i % 3 == 0 else "project_summary")
        ReportExecutionFactory(report=report)
    ReportFactory(workspace=team.other_workspace)
    client = client_for(team.viewer)
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/reports?page_size=100")
    rows = data(response)
    assert response.json()["pagination"] == {"page": 1, "page_size": 100, "total": 30, "total_pages": 1}
    assert {row["workspace_id"] for row in rows} == {str(team.workspace.pk)}
    assert set(rows[0]) >= {"id", "name", "type", "created_at", "last_executed", "schedule"}
    typed = client.get(f"/api/v1/reports?type=task_status&workspace_id={team.workspace.pk}")
    assert typed.json()["pagination"]["total"] == 10
    assert data(client.get(f"/api/v1/reports?workspace_id={team.other_workspace.pk}")) == []
    paged = client.get("/api/v1/reports?page=2&page_size=20")
    assert len(data(paged)) == 10


@pytest.mark.parametrize("query", ["type=unknown", "workspace_id=123", "page=0", "sort=password"])
def test_bad_list_parameters_are_400(team, client_for, query):
    assert_error(client_for(team.member).get(f"/api/v1/reports?{query}"), 400, "INVALID_REQUEST")


def test_retrieve_for_members_and_404_for_outsiders(team, client_for):
    report = ReportFactory(workspace=team.workspace)
    assert data(client_for(team.viewer).get(detail(report)))["id"] == str(report.pk)
    assert_error(client_for(team.outsider).get(detail(report)), 404, "NOT_FOUND")
    assert_error(client_for(team.member).get(detail(uuid.uuid4())), 404, "NOT_FOUND")


# --- Update ---------------------------------------------------------------------------------------


def test_member_edits_an_on_demand_report(team, client_for, project):
    report = ReportFactory(workspace=team.workspace, created_by=team.admin)
    body = data(
        client_for(team.member).patch(
            detail(report),
            {"name": "Renamed", "type": "task_status", "filters": {"project_ids": [str(project.pk)]}},
        )
    )
    assert body["name"] == "Renamed"
    assert body["type"] == "task_status"
    assert body["filters"]["project_ids"] == [str(project.pk)]
    report.refresh_from_db()
    assert report.name == "Renamed"


def test_schedule_is_added_retimed_and_removed_with_the_report(team, client_for):
    client = client_for(team.admin)
    report_id = data(client.post("/api/v1/reports", body_for(team)), 201)["id"]
    assert not PeriodicTask.objects.filter(task=SCHEDULED_TASK).exists()

    data(client.patch(detail(report_id), {"schedule": {"type": "weekly", "day_of_week": 1, "time": "07:15"}}))
    task = PeriodicTask.objects.get(report__pk=report_id)
    assert (task.crontab.day_of_week, task.crontab.hour, task.crontab.minute) == ("1", "7", "15")

    data(client.patch(detail(report_id), {"schedule": {"type": "monthly", "day_of_month": 15, "time": "07:15"}}))
    task.refresh_from_db()
    assert PeriodicTask.objects.filter(task=SCHEDULED_TASK).count() == 1
    assert (task.crontab.day_of_week, task.crontab.day_of_month) == ("*", "15")

    body = data(client.patch(detail(report_id), {"schedule": None}))
    assert body["schedule"] is None
    assert not PeriodicTask.objects.filter(task=SCHEDULED_TASK).exists()


def test_partial_update_with_an_incomplete_schedule_is_422_not_500(team, client_for):
    client = client_for(team.admin)
    report_id = data(client.post("/api/v1/reports", body_for(team)), 201)["id"]
    response = client.patch(detail(report_id), {"schedule": {"time": "07:15"}})
    assert_error(response, 422, "VALIDATION_ERROR")
    assert "type" in response.json()["error"]["details"]["schedule"]
    assert not PeriodicTask.objects.filter(task=SCHEDULED_TASK).exists()
    body = data(client.patch(detail(report_id), {"schedule": {"type": "daily"}}))
    assert body["schedule"]["time"] == "09:00"


def test_member_cannot_schedule_or_change_someone_elses_scheduled_report(team, client_for):
    client = client_for(team.member)
    report = ReportFactory(workspace=team.workspace, created_by=team.member)
    response = client.patch(detail(report), {"schedule": {"type": "daily", "time": "08:00"}})
    assert_error(response, 403, "FORBIDDEN")
    scheduled_id = data(
        client_for(team.admin).post("/api/v1/reports", body_for(team, schedule={"type": "daily"})), 201
    )["id"]
    assert_error(client.patch(detail(scheduled_id), {"name": "Mine now"}), 403, "FORBIDDEN")
    assert_error(client.delete(detail(scheduled_id)), 403, "FORBIDDEN")
    assert Report.objects.get(pk=scheduled_id).name == "Q1 Project Performance"
    assert PeriodicTask.objects.filter(report__pk=scheduled_id).exists()


def test_creator_keeps_control_of_their_scheduled_report(team, client_for):
    creator = WorkspaceMemberFactory(workspace=team.workspace, role=WorkspaceRole.ADMIN).user
    report_id = data(
        client_for(creator).post("/api/v1/reports", body_for(team, schedule={"type": "daily", "time": "06:00"})), 201
    )["id"]
    creator.workspace_memberships.filter(workspace=team.workspace).update(role=WorkspaceRole.MEMBER)
    body = data(client_for(creator).patch(detail(report_id), {"schedule": {"type": "daily", "time": "07:00"}}))
    assert body["schedule"]["time"] == "07:00"
    assert PeriodicTask.objects.get(report__pk=report_id).crontab.hour == "7"


def test_viewer_cannot_edit_and_outsider_gets_404(team, client_for):
    report = ReportFactory(workspace=team.workspace)
    assert_error(client_for(team.viewer).patch(detail(report), {"name": "x"}), 403, "FORBIDDEN")
    assert_error(client_for(team.outsider).patch(detail(report), {"name": "x"}), 404, "NOT_FOUND")


def test_update_with_a_foreign_project_is_422_and_changes_nothing(team, client_for):
    report = ReportFactory(workspace=team.workspace)
    foreign = ProjectFactory(workspace=team.other_workspace)
    response = client_for(team.member).patch(
        detail(report), {"name": "Changed", "filters": {"project_ids": [str(foreign.pk)]}}
    )
    assert_error(response, 422, "VALIDATION_ERROR")
    report.refresh_from_db()
    assert report.name != "Changed"
    assert report.filters["project_ids"] == []


# --- Delete ---------------------------------------------------------------------------------------


def test_delete_removes_the_report_its_executions_and_its_periodic_task(team, client_for):
    client = client_for(team.owner)
    report_id = data(client.post("/api/v1/reports", body_for(team, schedule={"type": "daily"})), 201)["id"]
    ReportExecutionFactory(report=Report.objects.get(pk=report_id))
    response = client.delete(detail(report_id))
    assert response.status_code == 204
    assert response.content == b""
    assert not Report.objects.filter(pk=report_id).exists()
    assert not ReportExecution.objects.exists()
    assert not PeriodicTask.objects.filter(task=SCHEDULED_TASK).exists()


def test_viewer_cannot_delete(team, client_for):
    report = ReportFactory(workspace=team.workspace)
    assert_error(client_for(team.viewer).delete(detail(report)), 403, "FORBIDDEN")
    assert Report.objects.filter(pk=report.pk).exists()
