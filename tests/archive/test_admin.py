"""The compliance console in the Django admin, through Django's test client."""

import csv
import io

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group
from django.test import Client
from pypdf import PdfReader

from apps.archive.models import ComplianceExport, TrashItem
from apps.archive.selectors import audit_public_id
from apps.core import trash
from apps.tasks.models import Task
from tests.archive.helpers import domain_entries
from tests.factories.accounts import UserFactory
from tests.factories.archive import audit_action, compliance_officer

pytestmark = pytest.mark.django_db

PAGES = (
    "/admin/archive/trashitem/",
    "/admin/archive/auditentry/",
    "/admin/archive/archivehistory/",
    "/admin/archive/complianceexport/",
    "/admin/archive/auditchainanchor/",
)


def staff_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_group_has_exactly_the_compliance_permissions():
    group = Group.objects.get(name="Compliance officer")
    codenames = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert codenames == {
        ("archive", "view_auditentry"),
        ("archive", "export_compliance"),
        ("archive", "verify_auditchain"),
        ("archive", "view_auditchainanchor"),
        ("archive", "view_archivehistory"),
        ("archive", "view_complianceexport"),
        ("archive", "view_trashitem"),
        ("archive", "restore_trashitem"),
        ("archive", "purge_trashitem"),
    }


@pytest.mark.parametrize("page", PAGES)
def test_compliance_officer_sees_the_console_pages(page, team, task):
    trash.soft_delete(task, actor=team.owner)
    response = staff_client(compliance_officer()).get(page)
    assert response.status_code == 200


@pytest.mark.parametrize("page", PAGES)
def test_staff_without_the_group_see_none_of_it(page):
    response = staff_client(UserFactory(is_staff=True)).get(page)
    assert response.status_code == 403


def test_admin_index_lists_the_console_only_for_the_group():
    assert b"Trash items" in staff_client(compliance_officer()).get("/admin/").content
    assert b"Trash items" not in staff_client(UserFactory(is_staff=True)).get("/admin/").content


def test_audit_log_is_read_only_even_for_superusers(team, project):
    entry = audit_action("project.viewed", actor=team.owner, target=project)
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client = staff_client(superuser)
    assert client.get(f"/admin/archive/auditentry/{entry.pk}/change/").status_code == 200
    assert client.get(f"/admin/archive/auditentry/{entry.pk}/delete/").status_code == 403
    assert client.post(f"/admin/archive/auditentry/{entry.pk}/change/", {"object_repr": "x"}).status_code == 403
    assert client.get("/admin/archive/auditentry/add/").status_code == 403
    assert client.get(f"/admin/auditlog/logentry/{entry.pk}/delete/").status_code == 404
    assert LogEntry.objects.filter(pk=entry.pk, object_repr=entry.object_repr).exists()


def test_audit_log_filters_by_workspace_user_action_and_date(team, project):
    audit_action("project.archived", actor=team.admin, target=project, workspace_id=team.workspace.pk)
    client = staff_client(compliance_officer())
    for query in (
        f"workspace={team.workspace.pk}",
        f"actor={team.admin.pk}",
        "audit_action=project.archived",
        "audit_action=*.created",
        "timestamp__gte=2000-01-01+00%3A00%3A00%2B00%3A00",  # what the date filter links send
    ):
        response = client.get(f"/admin/archive/auditentry/?{query}")
        assert response.status_code == 200, query
    listed = client.get("/admin/archive/auditentry/?audit_action=project.archived")
    assert listed.context["cl"].result_count == 1


def test_restore_action_restores_through_the_service(team, task):
    trash.soft_delete(task, actor=team.owner)
    item = TrashItem.objects.get()
    officer = compliance_officer()
    response = staff_client(officer).post(
        "/admin/archive/trashitem/",
        {"action": "restore_selected", "_selected_action": [str(item.pk)], "confirm": "yes"},
    )
    assert response.status_code == 302
    assert Task.objects.filter(pk=task.pk).exists()
    assert domain_entries("task.restored").get().actor == officer


def test_purge_action_deletes_for_good(team, task):
    trash.soft_delete(task, actor=team.owner)
    item = TrashItem.objects.get()
    staff_client(compliance_officer()).post(
        "/admin/archive/trashitem/",
        {"action": "purge_selected", "_selected_action": [str(item.pk)], "confirm": "yes"},
    )
    assert not Task.all_objects.filter(pk=task.pk).exists()
    assert not TrashItem.objects.exists()


def test_restore_into_a_trashed_container_reports_the_conflict(team, project, task):
    trash.soft_delete(task, actor=team.owner)
    trash.soft_delete(project, actor=team.owner)
    item = TrashItem.objects.get(resource_type="task")
    response = staff_client(compliance_officer()).post(
        "/admin/archive/trashitem/",
        {"action": "restore_selected", "_selected_action": [str(item.pk)], "confirm": "yes"},
        follow=True,
    )
    assert "in the trash" in response.content.decode()
    assert not Task.objects.filter(pk=task.pk).exists()


def test_export_actions_return_csv_and_pdf(team, project):
    entries = [audit_action("project.viewed", actor=team.owner, target=project) for _ in range(3)]
    client = staff_client(compliance_officer())
    selected = [str(entry.pk) for entry in entries]
    response = client.post("/admin/archive/auditentry/", {"action": "export_csv", "_selected_action": selected})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["id"] for row in rows] == [audit_public_id(entry.pk) for entry in entries]
    response = client.post("/admin/archive/auditentry/", {"action": "export_pdf", "_selected_action": selected})
    assert response["Content-Type"] == "application/pdf"
    assert "project.viewed" in "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert domain_entries("compliance.exported").count() == 2


def test_staff_with_view_only_cannot_run_the_actions(team, task):
    from django.contrib.auth.models import Permission

    trash.soft_delete(task, actor=team.owner)
    item = TrashItem.objects.get()
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_trashitem"))
    client = staff_client(viewer)
    assert client.get("/admin/archive/trashitem/").status_code == 200
    client.post(
        "/admin/archive/trashitem/", {"action": "purge_selected", "_selected_action": [str(item.pk)], "confirm": "yes"}
    )
    assert Task.all_objects.filter(pk=task.pk).exists()


# --- the confirmation page of restore and purge ----------------------------------------------


@pytest.mark.parametrize(
    ("action", "heading"), [("restore_selected", "These items come back"), ("purge_selected", "deleted for good")]
)
def test_trash_actions_first_list_what_comes_back_or_goes_away(action, heading, team, task, comment):
    trash.soft_delete(task, actor=team.owner)
    item = TrashItem.objects.get()
    response = staff_client(compliance_officer()).post(
        "/admin/archive/trashitem/", {"action": action, "_selected_action": [str(item.pk)]}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert heading in page
    assert task.title in page
    assert "1 comment: " in page
    assert TrashItem.objects.filter(pk=item.pk).exists()  # nothing happens before the confirmation
    assert Task.all_objects.get(pk=task.pk).deleted_at is not None


def test_trash_list_shows_when_each_item_expires(team, task):
    trash.soft_delete(task, actor=team.owner)
    page = staff_client(compliance_officer()).get("/admin/archive/trashitem/").content.decode()
    assert "Expires in" in page
    assert "4\xa0weeks" in page


# --- the audit log as an officer works in it ---------------------------------------------------


def test_audit_log_filters_by_resource_type(team, project, task):
    audit_action("project.viewed", actor=team.owner, target=project)
    audit_action("task.viewed", actor=team.owner, target=task)
    client = staff_client(compliance_officer())
    page = client.get("/admin/archive/auditentry/?resource_type=task&audit_action=task.viewed").content.decode()
    assert "1 audit log entry" in page or "1 result" in page


def _export_rows(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def test_export_of_the_filtered_list_holds_exactly_its_rows(team, project, task):
    wanted = [audit_action("task.viewed", actor=team.member, target=task) for _ in range(3)]
    audit_action("project.viewed", actor=team.member, target=project)
    audit_action("task.viewed", actor=team.owner, target=task)
    client = staff_client(compliance_officer())
    response = client.post(f"/admin/archive/auditentry/export/csv/?audit_action=task.viewed&actor={team.member.pk}")
    assert response.status_code == 200
    assert sorted(row["id"] for row in _export_rows(response)) == sorted(audit_public_id(e.pk) for e in wanted)
    assert domain_entries("compliance.exported").count() == 1


def test_export_of_the_filtered_list_needs_the_export_permission(team, project):
    viewer = UserFactory(is_staff=True)
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    response = staff_client(viewer).post("/admin/archive/auditentry/export/csv/")
    assert response.status_code == 403


def test_export_above_the_threshold_runs_as_a_job_with_progress(
    team, project, task, settings, django_capture_on_commit_callbacks
):
    settings.COMPLIANCE_CSV_SYNC_MAX_ROWS = 2
    wanted = [audit_action("task.viewed", actor=team.member, target=task) for _ in range(3)]
    audit_action("project.viewed", actor=team.member, target=project)
    client = staff_client(compliance_officer())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/archive/auditentry/export/csv/?audit_action=task.viewed")
    assert response.status_code == 302
    job = ComplianceExport.objects.get()
    assert response["Location"] == f"/admin/archive/complianceexport/{job.pk}/change/"
    job.refresh_from_db()
    assert (job.status, job.progress, job.total_rows) == ("completed", 100, 3)  # eager worker in tests
    assert "<progress" in client.get("/admin/archive/complianceexport/").content.decode()
    download = client.get(f"/admin/archive/complianceexport/{job.pk}/download/")
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert sorted(row["id"] for row in rows) == sorted(audit_public_id(e.pk) for e in wanted)
