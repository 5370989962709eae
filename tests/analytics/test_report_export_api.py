"""GET /reports/{report_id}/export: CSV, Excel and PDF files read back."""

import csv
import datetime as dt
import io

import pytest
from auditlog.models import LogEntry
from freezegun import freeze_time
from openpyxl import load_workbook
from openpyxl.chart import BarChart, LineChart
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
def test_excel_export_opens_with_openpyxl_with_typed_cells_and_native_charts(team, client_for, report):
    response = client_for(team.member).get(export(report, "format=excel"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].endswith('.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Summary", "Details", "Velocity"]
    summary = {row[0].value: row[1] for row in workbook["Summary"].iter_rows()}
    assert summary["Report"].value == "Q1 Project Performance"
    assert summary["Projects"].value == 2 and summary["Projects"].data_type == "n"
    assert summary["Average completion rate (%)"].value == 25.0
    assert summary["Period start"].value == dt.datetime(2026, 1, 5)  # a date cell, not text
    assert summary["Period start"].is_date and summary["Period start"].number_format == "yyyy-mm-dd"
    assert summary["Period end"].value == dt.datetime(2026, 1, 18)
    assert summary["Generated at (UTC)"].value == dt.datetime(2026, 1, 20, 12, 0)
    assert summary["Generated at (UTC)"].is_date
    details = list(workbook["Details"].iter_rows(values_only=True))
    assert details[0] == (
        "Project ID",
        "Project",
        "Completion rate (%)",
        "On-time rate (%)",
        "Team velocity (tasks/week)",
    )
    hostile = workbook["Details"]["B2"]
    assert hostile.value == '\'=HYPERLINK("http://evil.example","x")' and hostile.data_type == "s"  # never a formula
    assert details[2][1:5] == ("Alpha", 50.0, None, 0.5)
    assert workbook["Details"]["C3"].data_type == "n"

    (bar,) = workbook["Details"]._charts
    assert isinstance(bar, BarChart)
    assert bar.series[0].val.numRef.f == "'Details'!$C$2:$C$3"
    assert bar.series[0].cat.strRef.f == "'Details'!$B$2:$B$3"
    (line,) = workbook["Velocity"]._charts
    assert isinstance(line, LineChart)
    velocity = list(workbook["Velocity"].iter_rows(min_row=2, values_only=True))
    assert velocity == [(dt.datetime(2026, 1, 5), 1), (dt.datetime(2026, 1, 12), 0)]


@freeze_time("2026-01-20 12:00:00")
def test_excel_of_a_one_project_report_has_its_burndown_chart(team, client_for):
    project = ProjectFactory(workspace=team.workspace, name="Solo")
    make_task(project, created=at("2026-01-05"), completed=at("2026-01-07"))
    make_task(project, created=at("2026-01-06"))
    report = ReportFactory(
        workspace=team.workspace,
        filters={"project_ids": [str(project.pk)], "start_date": "2026-01-05", "end_date": "2026-01-25"},
        metrics=["completion_rate"],
    )
    workbook = load_workbook(io.BytesIO(client_for(team.member).get(export(report, "format=excel")).content))
    assert workbook.sheetnames == ["Summary", "Details", "Velocity", "Burndown"]
    rows = list(workbook["Burndown"].iter_rows(values_only=True))
    assert rows[0] == ("Date", "Ideal remaining", "Actual remaining", "Tasks in scope")
    assert rows[1] == (dt.datetime(2026, 1, 5), 1, 1, 1)
    assert rows[3] == (dt.datetime(2026, 1, 7), 0.9, 1, 2)
    assert rows[-1] == (dt.datetime(2026, 1, 25), 0, None, None)  # the future has no actual value yet
    (chart,) = workbook["Burndown"]._charts
    assert isinstance(chart, LineChart) and len(chart.series) == 3


@freeze_time("2026-01-20 12:00:00")
def test_excel_without_charts_keeps_the_data_sheets(team, client_for, report):
    workbook = load_workbook(
        io.BytesIO(client_for(team.member).get(export(report, "format=excel&include_charts=false")).content)
    )
    assert workbook.sheetnames == ["Summary", "Details", "Velocity"]
    assert not workbook["Details"]._charts and not workbook["Velocity"]._charts


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
