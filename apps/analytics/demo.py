"""Demo data of module 11: a weekly delivery report of the demo workspace, executed once."""

from apps.analytics.choices import ExecutionTrigger, Metric, ReportType, ScheduleType
from apps.analytics.models import Report
from apps.analytics.services import report_create, report_run_now

DEMO_REPORT = "Weekly delivery summary"


def seed(ctx: dict) -> None:
    workspace, owner = ctx["workspace"], ctx["users"]["owner"]
    report = Report.objects.filter(workspace=workspace, name=DEMO_REPORT).first()
    if report is None:
        report = report_create(
            actor=owner,
            workspace=workspace,
            name=DEMO_REPORT,
            description="Completion, velocity and punctuality of every project, each Monday morning.",
            type=ReportType.PROJECT_SUMMARY,
            metrics=[metric.value for metric in Metric],
            schedule={"type": ScheduleType.WEEKLY, "day_of_week": 1, "time": "08:00"},
        )
    if not report.executions.exists():
        report_run_now(actor=owner, report=report, trigger=ExecutionTrigger.MANUAL)
    ctx["reports"] = [report]
