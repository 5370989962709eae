"""The module 11 demo seeder: one scheduled report of the demo workspace, executed once, and a
failing daily report whose schedule is paused, with two weeks of past runs."""

import pytest
from django_celery_beat.models import PeriodicTask

from apps.analytics.demo import DEMO_REPORT, FAILING_REPORT, seed
from apps.analytics.models import Report, ReportExecution

pytestmark = pytest.mark.django_db


def test_seed_creates_one_scheduled_report_executed_once_and_is_idempotent(team, project):
    ctx = {"workspace": team.workspace, "users": {"owner": team.owner}, "projects": [project]}
    seed(ctx)
    seed(ctx)
    report = Report.objects.get(workspace=team.workspace, name=DEMO_REPORT)
    failing = Report.objects.get(workspace=team.workspace, name=FAILING_REPORT)
    assert ctx["reports"] == [report, failing]
    assert report.schedule == {"type": "weekly", "day_of_week": 1, "time": "08:00"}
    assert PeriodicTask.objects.filter(report=report, enabled=True).count() == 1
    execution = ReportExecution.objects.get(report=report, trigger="manual")
    assert execution.status == "completed"
    assert [row["project_name"] for row in execution.results["details"]] == [project.name]


def test_seed_leaves_a_failing_report_with_its_schedule_paused(team, project):
    seed({"workspace": team.workspace, "users": {"owner": team.owner}, "projects": [project]})
    failing = Report.objects.get(workspace=team.workspace, name=FAILING_REPORT)
    assert PeriodicTask.objects.get(report=failing).enabled is False
    failed = ReportExecution.objects.filter(report=failing, status="failed")
    assert failed.count() == 5
    assert all(run.error for run in failed)
