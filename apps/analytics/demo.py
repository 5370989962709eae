"""Demo data of module 11: a weekly delivery report of the demo workspace, executed once, and a
daily report whose scheduled runs kept failing until its schedule was paused, with two weeks of
past runs of both (the admin dashboard's report chart)."""

import datetime as dt

from django.utils import timezone

from apps.analytics.choices import ExecutionStatus, ExecutionTrigger, Metric, ReportType, ScheduleType
from apps.analytics.models import Report, ReportExecution
from apps.analytics.services import report_create, report_run_now

DEMO_REPORT = "Weekly delivery summary"
FAILING_REPORT = "Daily overdue digest"
FAILING_ERROR = "SMTP relay refused the digest recipients (550 mailbox unavailable); schedule paused after 5 failures."
HISTORY_DAYS = 14


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
    _failing_report(ctx, report)


def _failing_report(ctx: dict, weekly: Report) -> None:
    workspace, owner = ctx["workspace"], ctx["users"]["owner"]
    failing = Report.objects.filter(workspace=workspace, name=FAILING_REPORT).first()
    if failing is not None:
        ctx["reports"].append(failing)
        return
    failing = report_create(
        actor=owner,
        workspace=workspace,
        name=FAILING_REPORT,
        description="Overdue tasks per project, every morning.",
        type=ReportType.TASK_STATUS,
        metrics=[Metric.TOTAL_TASKS.value, Metric.COMPLETED_TASKS.value],
        schedule={"type": ScheduleType.DAILY, "time": "07:00"},
    )
    failing.periodic_task.enabled = False
    failing.periodic_task.save(update_fields=["enabled"])
    now = timezone.now()
    for days_ago in range(1, HISTORY_DAYS + 1):
        at = now - dt.timedelta(days=days_ago)
        runs = [(failing, ExecutionStatus.FAILED if days_ago <= 5 else ExecutionStatus.COMPLETED)]
        if days_ago % 7 == 0:
            runs.append((weekly, ExecutionStatus.COMPLETED))
        for report, status in runs:
            execution = ReportExecution.objects.create(
                report=report,
                status=status,
                trigger=ExecutionTrigger.SCHEDULED,
                start_date=(at - dt.timedelta(days=7)).date(),
                end_date=at.date(),
                results=None
                if status == ExecutionStatus.FAILED
                else {"type": report.type, "metrics": report.metrics, "summary": {}, "details": []},
                error=FAILING_ERROR if status == ExecutionStatus.FAILED else "",
                finished_at=at,
            )
            ReportExecution.objects.filter(pk=execution.pk).update(created_at=at)
    ctx["reports"].append(failing)
