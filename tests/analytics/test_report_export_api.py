"""GET /reports/{report_id}/export: CSV, Excel and PDF files read back."""

import csv
import io

import pytest
from auditlog.models import LogEntry
from freezegun import freeze_time
from openpyxl import load_workbook
from pypdf import PdfReader

from apps.analytics.models import ReportExecution
from tests.factories.analytics import ReportFactory, at, make_task
from tests.factories.projects import ProjectFactory
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

PERIOD = {"project_ids": [], "start_date": "2026-01-05", "end_date": "2026-01-18"}


def export(report, query: str = "") -> str:
    return f"/api/v1/reports/{report.pk}/export" + (f"?{query}" if query else "")


@pytest.fixture
def report(team):
    alpha = ProjectFactory(workspace=team.workspace, name="Alpha")
    make_task(alpha, created=at("2026-01-05"), completed=at("2026-01-07"))
    make_task(alpha, created=at("2026-01-06"))
    hostile = ProjectFactory(workspace=team.workspace, name='=HYPERLINK("http://evil.example","x")')
    make_task(hostile, created=at("2026-01-05"))
    return ReportFactory(
        workspace=team.workspace,
        name="Q1 Project Performance",
        filters=PERIOD,
        metrics=["completion_rate", "team_velocity", "on_time_rate"],
    )


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@freeze_time("2026-01-20 12:00:00")
def test_csv_export_of_a_never_executed_report_runs_it_first_and_parses_back(team, client_for, report):
    response = client_for(team.member).get(export(report))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="q1-project-performance-20260120.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["project_name"] for row in rows] == ['\'=HYPERLINK("http://evil.example","x")', "Alpha"]
    alpha = rows[1]
    assert alpha["completion_rate"] == "50.0"
    assert alpha["team_velocity"] == "0.5"
    assert alpha["on_time_rate"] == ""  # no due dates: not measurable
    assert list(rows[0]) == ["project_id", "project_name", "completion_rate", "on_time_rate", "team_velocity"]
    execution = ReportExecution.objects.get(report=report)
    assert (execution.status, execution.trigger, execution.triggered_by) == ("completed", "export", team.member)


@freeze_time("2026-01-20 12:00:00")
def test_export_uses_the_latest_completed_execution_and_is_audited(team, client_for, report):
    client = client_for(team.viewer)
    client.get(export(report))
    client.get(export(report, "format=excel"))
    assert ReportExecution.objects.filter(report=report).count() == 1
    entries = LogEntry.objects.filter(additional_data__action="report.exported", object_pk=str(report.pk))
    assert entries.count() == 2
    assert {entry.additional_data["format"] for entry in entries} == {"csv", "excel"}
    assert all(entry.actor == team.viewer for entry in entries)


@freeze_time("2026-01-20 12:00:00")
def test_excel_export_opens_with_openpyxl(team, client_for, report):
    response = client_for(team.member).get(export(report, "format=excel"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].endswith('.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Summary", "Details"]
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(values_only=True)}
    assert summary["Report"] == "Q1 Project Performance"
    assert summary["Projects"] == 2
    assert summary["Average completion rate (%)"] == 25.0
    details = list(workbook["Details"].iter_rows(values_only=True))
    assert details[0] == (
        "Project ID",
        "Project",
        "Completion rate (%)",
        "On-time rate (%)",
        "Team velocity (tasks/week)",
    )
    assert details[1][1] == '\'=HYPERLINK("http://evil.example","x")'  # text, never a formula
    assert details[2][1:5] == ("Alpha", 50.0, None, 0.5)


@freeze_time("2026-01-20 12:00:00")
def test_pdf_export_reads_back_with_title_summary_table_and_chart(team, client_for, report):
    response = client_for(team.member).get(export(report, "format=pdf&include_charts=true"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Q1 Project Performance" in text
    assert "Summary" in text and "Average completion rate (%)" in text and "25.0" in text
    assert "Details" in text and "Alpha" in text and "50.0" in text
    assert "100 %" in text  # the chart's axis label
    without_chart = pdf_text(client_for(team.member).get(export(report, "format=pdf&include_charts=false")).content)
    assert "Alpha" in without_chart
    assert "100 %" not in without_chart


@pytest.mark.parametrize("query", ["format=docx", "include_charts=maybe"])
def test_bad_export_parameters_are_400_json(team, client_for, report, query):
    response = client_for(team.member).get(export(report, query))
    assert_error(response, 400, "INVALID_REQUEST")
    assert not ReportExecution.objects.exists()


def test_outsider_gets_404_and_anonymous_401(team, client_for, api_client, report):
    assert_error(client_for(team.outsider).get(export(report)), 404, "NOT_FOUND")
    assert_error(api_client.get(export(report)), 401, "UNAUTHORIZED")
    assert not ReportExecution.objects.exists()


@freeze_time("2026-01-20 12:00:00")
def test_export_leaves_out_projects_the_reader_cannot_see(team, client_for, report):
    ProjectFactory(workspace=team.workspace, name="Secret plans", visibility="private")
    admin_rows = list(csv.DictReader(io.StringIO(client_for(team.admin).get(export(report)).content.decode())))
    member_rows = list(csv.DictReader(io.StringIO(client_for(team.member).get(export(report)).content.decode())))
    assert "Secret plans" in {row["project_name"] for row in admin_rows}
    assert "Secret plans" not in {row["project_name"] for row in member_rows}
    assert len(member_rows) == len(admin_rows) - 1
