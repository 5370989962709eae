"""Report files: CSV (formula-injection safe), PDF (WeasyPrint, templates/reports/) and Excel
(openpyxl write-only, typed cells and native charts). Pure rendering of already computed results;
no queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from apps.analytics.choices import ExportFormat, Metric, ReportType
from apps.analytics.reporting import STATUSES
from apps.core import charts
from apps.core.csvsafe import safe_cell

CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.PDF: "application/pdf",
    ExportFormat.EXCEL: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSIONS = {ExportFormat.CSV: "csv", ExportFormat.PDF: "pdf", ExportFormat.EXCEL: "xlsx"}
LABELS = {
    "project_id": "Project ID",
    "project_name": "Project",
    "user_id": "User ID",
    "user_name": "Member",
    "total_projects": "Projects",
    "total_members": "Members",
    **{status: status.replace("_", " ").capitalize() for status in STATUSES},
    **{metric.value: str(metric.label) for metric in Metric},
    **{
        f"avg_{metric.value}": f"Average {str(metric.label)[0].lower()}{str(metric.label)[1:]}"
        for metric in Metric
        if not metric.value.startswith("avg_")
    },
}
# Bars drawn in the PDF chart; the table always lists every row.
CHART_MAX_BARS = 30


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    content: bytes


def columns(report_type: str, metrics: list[str], *, with_ids: bool) -> list[str]:
    keys = ["project_id", "project_name"] if with_ids else ["project_name"]
    if report_type == ReportType.TEAM_PERFORMANCE:
        keys += ["user_id", "user_name"] if with_ids else ["user_name"]
    if report_type == ReportType.TASK_STATUS:
        keys += list(STATUSES)
    return keys + list(metrics)


def _csv(results: dict) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    keys = columns(results["type"], results["metrics"], with_ids=True)
    writer.writerow(keys)
    for row in results["details"]:
        writer.writerow([safe_cell(row.get(key)) for key in keys])
    return buffer.getvalue().encode("utf-8")


def _xlsx_row(sheet, values: list) -> list:
    """Cells of one row with their own types: text (formula-safe, always a string cell), whole and
    decimal numbers, dates and (naive UTC) date-times with a display format; None is an empty cell."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in values:
        if isinstance(value, dt.datetime):
            value = value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = "yyyy-mm-dd hh:mm:ss"
        elif isinstance(value, dt.date):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = "yyyy-mm-dd"
        elif isinstance(value, str):
            cell = WriteOnlyCell(sheet, value=safe_cell(value))
            cell.data_type = "s"  # openpyxl would store text starting with "=" as a formula
        else:
            cell = WriteOnlyCell(sheet, value=value)
        cells.append(cell)
    return cells


def _excel(report, execution, results: dict, include_charts: bool) -> bytes:
    """Summary, Details and (when the results have them) Velocity and Burndown sheets, with native
    charts over them when `include_charts`: completion rate by row (bar), tasks completed per week
    (line), and ideal / actual / scope per day (line)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet("Summary")
    summary.append(_xlsx_row(summary, ["Report", report.name]))
    summary.append(_xlsx_row(summary, ["Period start", execution.start_date]))
    summary.append(_xlsx_row(summary, ["Period end", execution.end_date]))
    summary.append(_xlsx_row(summary, ["Generated at (UTC)", execution.finished_at]))
    for key, value in results["summary"].items():
        summary.append(_xlsx_row(summary, [LABELS.get(key, key), value]))

    details = workbook.create_sheet("Details")
    keys = columns(results["type"], results["metrics"], with_ids=True)
    details.append(_xlsx_row(details, [LABELS.get(key, key) for key in keys]))
    rows = results["details"]
    for row in rows:
        details.append(_xlsx_row(details, [row.get(key) for key in keys]))
    if include_charts and rows and Metric.COMPLETION_RATE in results["metrics"]:
        details.add_chart(
            _bar_chart(
                details,
                title="Completion rate by project (%)",
                label_col=keys.index("project_name") + 1,
                value_col=keys.index(Metric.COMPLETION_RATE) + 1,
                rows=len(rows),
            ),
            f"{_column_letter(len(keys) + 2)}2",
        )

    velocity = results.get("velocity_trend") or []
    if velocity:
        sheet = workbook.create_sheet("Velocity")
        sheet.append(_xlsx_row(sheet, ["Week (Monday)", "Tasks completed"]))
        for point in velocity:
            sheet.append(_xlsx_row(sheet, [point["week"], point["completed"]]))
        if include_charts:
            sheet.add_chart(
                _line_chart(sheet, title="Velocity trend (tasks completed per week)", series=1, rows=len(velocity)),
                "D2",
            )

    burndown = results.get("burndown")
    if burndown:
        sheet = workbook.create_sheet("Burndown")
        sheet.append(_xlsx_row(sheet, ["Date", "Ideal remaining", "Actual remaining", "Tasks in scope"]))
        for point in burndown["points"]:
            day = dt.date.fromisoformat(point["date"])
            sheet.append(_xlsx_row(sheet, [day, point["ideal"], point["actual"], point["scope"]]))
        if include_charts:
            sheet.add_chart(
                _line_chart(sheet, title="Burndown", series=3, rows=len(burndown["points"])),
                "F2",
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _bar_chart(sheet, *, title: str, label_col: int, value_col: int, rows: int):
    """A horizontal bar chart of one column (row 1: header) labelled by another, 0-100."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.data_source import AxDataSource, StrRef

    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    chart.legend = None
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 100
    chart.height = max(7.5, 0.6 * rows + 2)
    chart.width = 18
    chart.add_data(Reference(sheet, min_col=value_col, min_row=1, max_row=rows + 1), titles_from_data=True)
    labels = Reference(sheet, min_col=label_col, min_row=2, max_row=rows + 1)
    chart.series[0].cat = AxDataSource(strRef=StrRef(f=str(labels)))  # text labels, not numbers
    return chart


def _line_chart(sheet, *, title: str, series: int, rows: int):
    """A line chart of columns 2..series+1 (row 1: their names) over the dates of column 1."""
    from openpyxl.chart import LineChart, Reference

    chart = LineChart()
    chart.title = title
    chart.width = 20
    chart.height = 9
    chart.x_axis.number_format = "yyyy-mm-dd"
    chart.add_data(Reference(sheet, min_col=2, max_col=series + 1, min_row=1, max_row=rows + 1), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=rows + 1))
    return chart


def _chart(results: dict) -> dict | None:
    """A horizontal bar chart of completion rates (0-100 %), drawn by `apps.core.charts`."""
    if Metric.COMPLETION_RATE not in results["metrics"] or not results["details"]:
        return None
    rows = results["details"][:CHART_MAX_BARS]
    labels = [
        f"{row['project_name']} / {row['user_name']}"
        if results["type"] == ReportType.TEAM_PERFORMANCE
        else row["project_name"]
        for row in rows
    ]
    chart = charts.bar_chart(
        title="Completion rate per row",
        labels=labels,
        values=[row.get(Metric.COMPLETION_RATE) or 0.0 for row in rows],
        max_value=100,
        unit=" %",
        fluid=False,
        scale_labels=True,
        html_labels=True,
    )
    return {"chart": chart, "shown": len(rows), "omitted": len(results["details"]) - len(rows)}


def _pdf(report, execution, results: dict, include_charts: bool) -> bytes:
    from weasyprint import HTML

    keys = columns(results["type"], results["metrics"], with_ids=False)
    html = render_to_string(
        "reports/report.html",
        {
            "report": report,
            "execution": execution,
            "generated_at": execution.finished_at,
            "summary": [(LABELS.get(key, key), value) for key, value in results["summary"].items()],
            "headers": [LABELS.get(key, key) for key in keys],
            "rows": [
                [(row.get(key), isinstance(row.get(key), int | float)) for key in keys] for row in results["details"]
            ],
            "chart": _chart(results) if include_charts else None,
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def render(*, report, execution, results: dict, fmt: str, include_charts: bool) -> ExportFile:
    fmt = ExportFormat(fmt)
    if fmt == ExportFormat.CSV:
        content = _csv(results)
    elif fmt == ExportFormat.EXCEL:
        content = _excel(report, execution, results, include_charts)
    else:
        content = _pdf(report, execution, results, include_charts)
    stamp = (execution.finished_at or timezone.now()).strftime("%Y%m%d")
    filename = f"{slugify(report.name) or 'report'}-{stamp}.{EXTENSIONS[fmt]}"
    return ExportFile(filename=filename, content_type=CONTENT_TYPES[fmt], content=content)
