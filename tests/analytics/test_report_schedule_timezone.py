"""Report schedules follow their workspace's time zone, in the transaction that changes it."""

import pytest
from django.db import transaction
from django_celery_beat.models import PeriodicTask

from apps.workspaces.services import workspace_settings_update
from tests.helpers import assert_error, data

pytestmark = pytest.mark.django_db


def crontab(report_id) -> str:
    task = PeriodicTask.objects.select_related("crontab").get(report__pk=report_id)
    c = task.crontab
    return f"{c.minute} {c.hour} {c.day_of_month} {c.month_of_year} {c.day_of_week} {c.timezone}"


def create(client, team, schedule: dict) -> str:
    body = {"workspace_id": str(team.workspace.pk), "name": "Daily", "type": "project_summary"}
    body |= {"metrics": ["total_tasks"], "schedule": schedule}
    return data(client.post("/api/v1/reports", body, format="json"), 201)["id"]


@pytest.fixture
def berlin(team):
    team.workspace.timezone = "Europe/Berlin"
    team.workspace.save(update_fields=["timezone"])
    return team


def test_a_new_workspace_time_zone_re_times_the_schedules_that_follow_it(berlin, client_for):
    team = berlin
    client = client_for(team.admin)
    follows = create(client, team, {"type": "daily", "time": "09:00"})
    own = create(client, team, {"type": "daily", "time": "07:30", "timezone": "America/New_York"})
    assert crontab(follows) == "0 9 * * * Europe/Berlin"
    data(client.patch(f"/api/v1/workspaces/{team.workspace.pk}/settings", {"timezone": "Asia/Tokyo"}, format="json"))
    assert crontab(follows) == "0 9 * * * Asia/Tokyo"
    assert crontab(own) == "30 7 * * * America/New_York"
    body = data(client.get(f"/api/v1/reports/{own}"))
    assert body["schedule"]["timezone"] == "America/New_York"
    assert data(client.get(f"/api/v1/reports/{follows}"))["schedule"]["timezone"] is None


def test_the_re_sync_rolls_back_with_the_time_zone_change(berlin, client_for):
    team = berlin
    report_id = create(client_for(team.admin), team, {"type": "weekly", "day_of_week": 1, "time": "09:00"})
    with pytest.raises(RuntimeError), transaction.atomic():
        workspace_settings_update(actor=team.owner, workspace=team.workspace, data={"timezone": "Asia/Tokyo"})
        assert crontab(report_id) == "0 9 * * 1 Asia/Tokyo"  # same transaction, before commit
        raise RuntimeError("the settings change fails after the hook ran")
    assert crontab(report_id) == "0 9 * * 1 Europe/Berlin"


def test_other_settings_leave_the_schedules_alone(berlin, client_for):
    team = berlin
    report_id = create(client_for(team.admin), team, {"type": "daily", "time": "09:00"})
    task = PeriodicTask.objects.get(report__pk=report_id)
    workspace_settings_update(actor=team.owner, workspace=team.workspace, data={"allow_member_invitations": False})
    assert PeriodicTask.objects.get(pk=task.pk).date_changed == task.date_changed


def test_a_paused_schedule_stays_paused_when_the_time_zone_moves(berlin, client_for):
    from apps.analytics.models import Report
    from apps.analytics.services import report_schedule_pause

    team = berlin
    report_id = create(client_for(team.admin), team, {"type": "daily", "time": "09:00"})
    report_schedule_pause(report=Report.objects.get(pk=report_id), reason="Broken.")
    workspace_settings_update(actor=team.owner, workspace=team.workspace, data={"timezone": "Asia/Tokyo"})
    task = PeriodicTask.objects.get(report__pk=report_id)
    assert task.enabled is False and task.crontab.timezone.key == "Asia/Tokyo"


def test_an_unknown_schedule_time_zone_is_422(berlin, client_for):
    team = berlin
    body = {"workspace_id": str(team.workspace.pk), "name": "Daily", "type": "project_summary"}
    body |= {"metrics": ["total_tasks"], "schedule": {"type": "daily", "timezone": "Mars/Olympus"}}
    error = assert_error(client_for(team.admin).post("/api/v1/reports", body, format="json"), 422, "VALIDATION_ERROR")
    assert "timezone" in error["error"]["details"]["schedule"]
