"""GET /compliance/export (json, csv, pdf), export jobs and their expiring download links."""

import csv
import hashlib
import io

import pytest
from freezegun import freeze_time
from pypdf import PdfReader

from apps.archive.models import ComplianceExport
from tests.archive.helpers import domain_entries
from tests.factories.accounts import UserFactory
from tests.factories.archive import audit_action, compliance_officer
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

URL = "/api/v1/compliance/export"
RANGE = {"start_date": "2026-03-01", "end_date": "2026-03-31"}


@pytest.fixture
def march_entries(team, project):
    with freeze_time("2026-03-10T09:00:00Z"):
        audit_action(
            "project.archived",
            actor=team.owner,
            target=project,
            workspace_id=team.workspace.pk,
            changes={"status": ["active", "archived"]},
            remote_addr="203.0.113.5",
        )
    with freeze_time("2026-03-11T09:00:00Z"):
        audit_action("project.unarchived", actor=team.admin, target=project, workspace_id=team.workspace.pk)
    with freeze_time("2026-04-02T09:00:00Z"):
        audit_action("project.archived", actor=team.owner, target=project, workspace_id=team.workspace.pk)
    with freeze_time("2026-03-12T09:00:00Z"):
        audit_action("project.archived", actor=team.outsider, target=project, workspace_id=team.other_workspace.pk)


def read(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_json_export_is_an_envelope_with_the_period_entries(client_for, team, march_entries):
    response = client_for(team.owner).get(URL, RANGE)
    assert response.status_code == 200
    import json

    body = json.loads(read(response))
    assert body["success"] is True
    data = body["data"]
    assert data["total"] == 2 and len(data["entries"]) == 2
    assert [entry["action"] for entry in data["entries"]] == ["project.archived", "project.unarchived"]
    assert data["entries"][0]["changes"] == {"status": {"old": "active", "new": "archived"}}
    assert data["generated_by"] == team.owner.email
    assert data["chain_head"]["seq"] > 0
    exported = domain_entries("compliance.exported").get()
    assert exported.actor == team.owner and exported.additional_data["rows"] == 2


def test_csv_export_streams_parseable_rows(client_for, team, march_entries):
    response = client_for(team.owner).get(URL, {**RANGE, "format": "csv"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="pronaflow-audit-')
    rows = list(csv.DictReader(io.StringIO(read(response).decode())))
    assert len(rows) == 2
    assert rows[0]["action"] == "project.archived"
    assert rows[0]["user_email"] == team.owner.email
    assert rows[0]["ip_address"] == "203.0.113.5"
    assert rows[0]["workspace_id"] == str(team.workspace.pk)


def test_csv_cells_are_safe_against_formula_injection(client_for, team, project):
    project.name = '=HYPERLINK("http://evil.example","click")'
    with freeze_time("2026-03-05T00:00:00Z"):
        project.save()
        audit_action(
            "project.archived",
            actor=team.owner,
            target=project,
            workspace_id=team.workspace.pk,
            extra={"reason": "+cmd|' /C calc'!A0"},
            changes={"name": ["-1+1", "@SUM(A1)"]},
        )
    content = read(client_for(team.owner).get(URL, {**RANGE, "format": "csv"})).decode()
    rows = list(csv.DictReader(io.StringIO(content)))
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value
    names = [row["resource_name"] for row in rows]
    assert '\'=HYPERLINK("http://evil.example","click")' in names


def test_pdf_export_has_title_page_table_page_numbers_and_digest(client_for, team, march_entries):
    response = client_for(team.owner).get(URL, {**RANGE, "format": "pdf"})
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 2
    assert "Audit log compliance report" in text
    assert team.owner.email in text
    assert "project.archived" in text and "project.unarchived" in text
    assert f"Page 1 of {len(reader.pages)}" in text
    digest = response["X-Content-SHA256"]
    assert f"SHA-256 {digest}" in text.replace("\n", " ")
    csv_bytes = read(client_for(team.owner).get(URL, {**RANGE, "format": "csv"}))
    assert hashlib.sha256(csv_bytes).hexdigest() == digest
    assert (
        domain_entries("compliance.exported").filter(additional_data__format="pdf").get().additional_data["sha256"]
        == digest
    )


def test_large_pdf_answers_202_with_a_job_that_can_be_polled_and_downloaded(
    client_for, team, project, settings, django_capture_on_commit_callbacks
):
    settings.COMPLIANCE_PDF_SYNC_MAX_ROWS = 2
    with freeze_time("2026-03-05T00:00:00Z"):
        for _ in range(4):
            audit_action("project.viewed", actor=team.owner, target=project, workspace_id=team.workspace.pk)
    client = client_for(team.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(URL, {**RANGE, "format": "pdf"})
    assert response.status_code == 202, response.content
    job = response.json()["data"]
    assert job["status"] == "pending" and job["total_rows"] == 4
    status = client.get(f"/api/v1/compliance/exports/{job['id']}").json()["data"]
    assert status["status"] == "completed" and status["progress"] == 100
    assert status["download_url"] and len(status["sha256"]) == 64
    download = client_for(UserFactory()).get(status["download_url"])
    assert download.status_code == 200
    pdf = b"".join(download.streaming_content)
    assert "project.viewed" in PdfReader(io.BytesIO(pdf)).pages[1].extract_text()
    assert domain_entries("compliance.export_downloaded").exists()


def test_download_link_expires(client_for, team, project, settings, django_capture_on_commit_callbacks):
    settings.COMPLIANCE_PDF_SYNC_MAX_ROWS = 0
    with freeze_time("2026-03-05T00:00:00Z"):
        audit_action("project.viewed", actor=team.owner, target=project, workspace_id=team.workspace.pk)
    client = client_for(team.owner)
    with freeze_time("2026-04-01T00:00:00Z"):
        with django_capture_on_commit_callbacks(execute=True):
            job_id = client.get(URL, {**RANGE, "format": "pdf"}).json()["data"]["id"]
        url = client.get(f"/api/v1/compliance/exports/{job_id}").json()["data"]["download_url"]
    with freeze_time("2026-04-02T01:00:00Z"):
        assert_error(client.get(url), 404, "NOT_FOUND")
    assert_error(client.get(url.split("?")[0] + "?token=forged"), 404, "NOT_FOUND")


def test_export_jobs_of_other_users_return_404(client_for, team):
    job = ComplianceExport.objects.create(
        requested_by=team.owner, format="pdf", start_date="2026-03-01T00:00:00Z", end_date="2026-03-02T00:00:00Z"
    )
    assert_error(client_for(team.admin).get(f"/api/v1/compliance/exports/{job.pk}"), 404, "NOT_FOUND")


def test_pdf_above_the_hard_limit_is_refused(client_for, team, project, settings):
    settings.COMPLIANCE_PDF_SYNC_MAX_ROWS = 0
    settings.COMPLIANCE_PDF_MAX_ROWS = 1
    with freeze_time("2026-03-05T00:00:00Z"):
        for _ in range(2):
            audit_action("project.viewed", actor=team.owner, target=project, workspace_id=team.workspace.pk)
    assert_error(client_for(team.owner).get(URL, {**RANGE, "format": "pdf"}), 400, "INVALID_REQUEST")
    assert not ComplianceExport.objects.exists()


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"start_date": "2026-03-01"},
        {"end_date": "2026-03-01"},
        {"start_date": "2026-03-10", "end_date": "2026-03-01"},
        {"start_date": "2024-01-01", "end_date": "2026-01-01"},
        {"start_date": "soon", "end_date": "2026-03-01"},
        {"start_date": "2026-03-01", "end_date": "2026-13-45"},
        {**RANGE, "format": "xlsx"},
        {**RANGE, "workspace_id": "abc"},
    ],
)
def test_invalid_parameters_return_400(client_for, team, params):
    assert_error(client_for(team.owner).get(URL, params), 400, "INVALID_REQUEST")


def test_workspace_filter_scopes_and_foreign_workspace_returns_404(client_for, team, march_entries):
    client = client_for(team.owner)
    import json

    data = json.loads(read(client.get(URL, {**RANGE, "workspace_id": str(team.workspace.pk)})))["data"]
    assert data["total"] == 2
    assert_error(client.get(URL, {**RANGE, "workspace_id": str(team.other_workspace.pk)}), 404, "NOT_FOUND")


def test_members_get_403_and_anonymous_401(client_for, team, api_client):
    assert_error(client_for(team.member).get(URL, RANGE), 403, "FORBIDDEN")
    assert_error(api_client.get(URL, RANGE), 401, "UNAUTHORIZED")


def test_compliance_staff_export_every_workspace(client_for, march_entries):
    import json

    data = json.loads(read(client_for(compliance_officer()).get(URL, RANGE)))["data"]
    assert data["total"] == 3


@pytest.mark.parametrize("export_format", ["csv", "json"])
def test_large_csv_and_json_answer_202_with_a_job_whose_file_matches_the_streamed_export(
    client_for, team, project, settings, django_capture_on_commit_callbacks, export_format
):
    """Above COMPLIANCE_SYNC_MAX_ROWS the export is written by the background job (202, progress,
    an expiring link) instead of holding the request; the file is what the stream would have been."""
    import json

    with freeze_time("2026-03-05T00:00:00Z"):
        for n in range(5):
            audit_action(
                "project.viewed", actor=team.owner, target=project, workspace_id=team.workspace.pk, extra={"n": n}
            )
    client = client_for(team.owner)
    streamed = read(client.get(URL, {**RANGE, "format": export_format}))  # under the threshold: streamed

    settings.COMPLIANCE_SYNC_MAX_ROWS = 4
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(URL, {**RANGE, "format": export_format})
    assert response.status_code == 202, response.content
    job = response.json()["data"]
    assert job["format"] == export_format and job["total_rows"] == 5
    status = client.get(f"/api/v1/compliance/exports/{job['id']}").json()["data"]
    assert status["status"] == "completed" and status["progress"] == 100 and status["processed_rows"] == 5

    download = client_for(UserFactory()).get(status["download_url"])
    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    assert hashlib.sha256(body).hexdigest() == status["sha256"] == download["X-Content-SHA256"]
    assert download["Content-Disposition"].endswith(f'.{export_format}"')
    if export_format == "csv":
        assert download["Content-Type"].startswith("text/csv")
        assert body == streamed
    else:
        data, expected = json.loads(body)["data"], json.loads(streamed)["data"]
        assert data["entries"] == expected["entries"] and data["total"] == 5
        assert data["generated_by"] == team.owner.email
    assert domain_entries("compliance.exported").filter(additional_data__export_id=job["id"]).exists()
