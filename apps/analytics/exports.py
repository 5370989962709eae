"""Report files: CSV (formula-injection safe), PDF (WeasyPrint, templates/reports/) and Excel
(openpyxl write-only). Pure rendering of already computed results; no queries."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from apps.analytics.choices import ExportFormat, Metric, ReportType
from apps.analytics.reporting import STATUSES
from apps.core import charts

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
# Leading characters that make spreadsheet software evaluate a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
# Bars drawn in the PDF chart; the table always lists every row.
CHART_MAX_BARS = 30


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    content: bytes


def safe_cell(value):
    """Text that a spreadsheet would run as a formula is quoted; numbers (and None: an empty
    cell) stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


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


def _excel(report, execution, results: dict) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet("Summary")
    summary.append(["Report", safe_cell(report.name)])
    summary.append(["Period", f"{execution.start_date} to {execution.end_date}"])
    summary.append(["Generated at", execution.finished_at.isoformat() if execution.finished_at else ""])
    for key, value in results["summary"].items():
        summary.append([LABELS.get(key, key), safe_cell(value)])
    details = workbook.create_sheet("Details")
    keys = columns(results["type"], results["metrics"], with_ids=True)
    details.append([LABELS.get(key, key) for key in keys])
    for row in results["details"]:
        details.append([safe_cell(row.get(key)) for key in keys])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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
    )
    return {"svg": chart.svg, "shown": len(rows), "omitted": len(results["details"]) - len(rows)}


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
        content = _excel(report, execution, results)
    else:
        content = _pdf(report, execution, results, include_charts)
    stamp = (execution.finished_at or timezone.now()).strftime("%Y%m%d")
    filename = f"{slugify(report.name) or 'report'}-{stamp}.{EXTENSIONS[fmt]}"
    return ExportFile(filename=filename, content_type=CONTENT_TYPES[fmt], content=content)
