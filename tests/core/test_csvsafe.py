"""apps.core.csvsafe, and every spreadsheet export fed the whole family of formula triggers."""

import csv
import io
import json

import pytest
from django.test import Client
from freezegun import freeze_time
from openpyxl import load_workbook

from apps.core.csvsafe import is_formula_like, neutralise, safe_cell
from tests.factories.analytics import ReportFactory
from tests.factories.archive import audit_action, compliance_officer
from tests.factories.projects import ProjectFactory
from tests.factories.workspaces import Team

# ASCII and full-width triggers (and a small form), behind whitespace too.
TRIGGERS = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    '\uff1dHYPERLINK("http://example.invalid","x")',  # full-width equals
    "\uff0b1+1",  # full-width plus
    "\uff0d1+1",  # full-width hyphen-minus
    "\uff20SUM(A1)",  # full-width at
    "\ufe661+1",  # small equals sign
]
HARMLESS = ["Alpha", "数据 项目", "مشروع", "🚀 Launch", "a=b", " =not at the start", "", "'quoted"]


@pytest.mark.parametrize("text", TRIGGERS)
def test_every_trigger_is_neutralised(text):
    assert is_formula_like(text)
    assert neutralise(text) == "'" + text
    assert not is_formula_like(neutralise(text))


@pytest.mark.parametrize("text", HARMLESS)
def test_harmless_text_is_left_alone(text):
    assert neutralise(text) == text


@pytest.mark.parametrize("value", [None, 0, -5, 12.5, True])
def test_non_text_keeps_its_type(value):
    assert safe_cell(value) is value


# --- Every export path --------------------------------------------------------------------------


@pytest.fixture
def team(db):
    return Team()


@pytest.fixture
def hostile_projects(team):
    return [ProjectFactory(workspace=team.workspace, name=name) for name in TRIGGERS]


def _client(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user=user)
    return client


def _assert_csv_safe(content: str, column: str) -> None:
    rows = list(csv.DictReader(io.StringIO(content, newline="")))
    seen = {row[column] for row in rows}
    for text in TRIGGERS:
        assert "'" + text in seen, text
    for row in rows:
        for value in row.values():
            assert not is_formula_like(value or ""), value


@freeze_time("2026-03-05 12:00:00")
def test_report_csv_and_xlsx_neutralise_every_trigger(team, hostile_projects):
    report = ReportFactory(workspace=team.workspace, name="=Report", metrics=["completion_rate"])
    client = _client(team.member)
    response = client.get(f"/api/v1/reports/{report.pk}/export?format=csv")
    assert response.status_code == 200
    _assert_csv_safe(response.content.decode(), "project_name")

    workbook = load_workbook(io.BytesIO(client.get(f"/api/v1/reports/{report.pk}/export?format=excel").content))
    names = {}
    for row in workbook["Details"].iter_rows(min_row=2):
        names[row[1].value] = row[1]
    for text in TRIGGERS:
        cell = names["'" + text]
        assert cell.data_type == "s", text  # a string cell, never a formula
    assert workbook["Summary"]["B1"].value == "'=Report" and workbook["Summary"]["B1"].data_type == "s"
    for sheet in workbook:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row)


def _audit_hostile_entries(team, projects) -> None:
    with freeze_time("2026-03-05T00:00:00Z"):
        for project in projects:
            audit_action("project.viewed", actor=team.owner, target=project, workspace_id=team.workspace.pk)


def test_compliance_csv_neutralises_every_trigger(team, hostile_projects):
    _audit_hostile_entries(team, hostile_projects)
    response = _client(team.owner).get(
        "/api/v1/compliance/export", {"start_date": "2026-03-01", "end_date": "2026-03-31", "format": "csv"}
    )
    assert response.status_code == 200
    _assert_csv_safe(b"".join(response.streaming_content).decode(), "resource_name")


def test_admin_csv_export_neutralises_every_trigger(team, hostile_projects):
    _audit_hostile_entries(team, hostile_projects)
    from auditlog.models import LogEntry

    selected = [
        str(pk) for pk in LogEntry.objects.filter(additional_data__action="project.viewed").values_list("pk", flat=True)
    ]
    client = Client()
    client.force_login(compliance_officer())
    response = client.post("/admin/archive/auditentry/", {"action": "export_csv", "_selected_action": selected})
    _assert_csv_safe(b"".join(response.streaming_content).decode(), "resource_name")


def test_gdpr_export_is_json_and_keeps_the_exact_values(team):
    """The GDPR export is JSON, which no spreadsheet evaluates: the person's data comes back exactly."""
    team.member.full_name = "\uff1dHYPERLINK(1)"
    team.member.save(update_fields=["full_name"])
    response = _client(team.member).get("/api/v1/compliance/my-data")
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)["data"]["user"]["full_name"] == "\uff1dHYPERLINK(1)"
