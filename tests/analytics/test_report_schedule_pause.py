"""Scheduled runs run as the report's creator, and the schedule pauses itself after 5 failures in a row."""

import pytest
from django_celery_beat.models import PeriodicTask

from apps.analytics.models import Report, ReportExecution
from apps.analytics.services import LOST_ACCESS, report_create
from apps.analytics.tasks import report_execute_scheduled_task
from apps.events.models import DomainEvent
from apps.notifications.models import EmailNotification, Notification
from apps.projects.choices import ProjectVisibility
from apps.workspaces.models import WorkspaceMember
from tests.factories.projects import ProjectFactory
from tests.helpers import data

pytestmark = pytest.mark.django_db

SCHEDULE = {"type": "daily", "time": "09:00"}


@pytest.fixture
def report(team):
    ProjectFactory(workspace=team.workspace, name="Alpha")
    return report_create(
        actor=team.admin,
        workspace=team.workspace,
        name="Daily digest",
        type="project_summary",
        metrics=["total_tasks"],
        schedule=SCHEDULE,
    )


def set_role(team, user, role: str) -> None:
    WorkspaceMember.objects.filter(workspace=team.workspace, user=user).update(role=role)


def run(report) -> str | None:
    return report_execute_scheduled_task(str(report.pk))


def test_a_run_whose_creator_lost_the_right_to_run_reports_fails_and_is_counted(team, report):
    set_role(team, team.admin, "viewer")
    assert run(report) == "failed"
    execution = ReportExecution.objects.get(report=report)
    assert (execution.trigger, execution.error) == ("scheduled", LOST_ACCESS)
    report.refresh_from_db()
    assert report.consecutive_failures == 1
    assert report.schedule.get("enabled", True) is True


def test_a_success_clears_the_count(team, report):
    set_role(team, team.admin, "viewer")
    for _ in range(4):
        assert run(report) == "failed"
    set_role(team, team.admin, "admin")
    assert run(report) == "completed"
    report.refresh_from_db()
    assert report.consecutive_failures == 0
    set_role(team, team.admin, "viewer")
    for _ in range(4):
        run(report)
    report.refresh_from_db()
    assert report.consecutive_failures == 4 and report.periodic_task.enabled


def test_the_fifth_failure_pauses_the_schedule_and_tells_the_creator_in_app_and_by_email(
    team, client_for, report, django_capture_on_commit_callbacks, mailoutbox
):
    set_role(team, team.admin, "viewer")
    for _ in range(4):
        run(report)
    assert not DomainEvent.objects.filter(event_type="report.schedule_paused").exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert run(report) == "failed"
    report.refresh_from_db()
    assert report.schedule["enabled"] is False
    assert "5 scheduled runs failed in a row" in report.schedule["paused_reason"]
    assert PeriodicTask.objects.get(pk=report.periodic_task_id).enabled is False
    body = data(client_for(team.viewer).get(f"/api/v1/reports/{report.pk}"))
    assert body["schedule"]["enabled"] is False
    assert body["schedule"]["paused_reason"] == report.schedule["paused_reason"]

    event = DomainEvent.objects.get(event_type="report.schedule_paused")
    assert event.payload["report_id"] == str(report.pk)
    assert event.payload["created_by_id"] == str(team.admin.pk)
    notification = Notification.objects.get(type="report_schedule_paused")
    assert notification.user == team.admin
    assert notification.action_url == f"/reports/{report.pk}"
    assert EmailNotification.objects.filter(user=team.admin, type="report_schedule_paused").exists()
    (mail,) = [m for m in mailoutbox if "Scheduled report paused" in m.subject]
    assert mail.to == [team.admin.email]
    # Beat-fired runs of a paused schedule are skipped.
    assert run(report) is None
    assert ReportExecution.objects.filter(report=report).count() == 5


def test_a_creator_removed_from_the_workspace_leaves_the_alert_to_owners_and_admins(
    team, report, django_capture_on_commit_callbacks
):
    WorkspaceMember.objects.filter(workspace=team.workspace, user=team.admin).delete()
    for _ in range(4):
        run(report)
    with django_capture_on_commit_callbacks(execute=True):
        run(report)
    assert set(Notification.objects.filter(type="report_schedule_paused").values_list("user_id", flat=True)) == {
        team.owner.pk
    }
    assert EmailNotification.objects.filter(user=team.owner, type="report_schedule_paused").exists()


def test_saving_the_schedule_again_resumes_it(team, client_for, report):
    set_role(team, team.admin, "viewer")
    for _ in range(5):
        run(report)
    set_role(team, team.admin, "admin")
    body = data(client_for(team.admin).patch(f"/api/v1/reports/{report.pk}", {"schedule": SCHEDULE}, format="json"))
    assert body["schedule"]["enabled"] is True and body["schedule"]["paused_reason"] is None
    report = Report.objects.get(pk=report.pk)
    assert report.consecutive_failures == 0
    assert PeriodicTask.objects.get(pk=report.periodic_task_id).enabled is True
    assert run(report) == "completed"


def test_a_scheduled_run_sees_only_what_its_creator_sees_now(team, report):
    secret = ProjectFactory(workspace=team.workspace, name="Secret", visibility=ProjectVisibility.PRIVATE)
    set_role(team, team.admin, "member")  # members do not see private projects they are not in
    assert run(report) == "completed"
    names = [row["project_name"] for row in ReportExecution.objects.get(report=report).results["details"]]
    assert names == ["Alpha"]
    assert secret.name not in names
