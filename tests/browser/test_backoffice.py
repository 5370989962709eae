"""The back office as people use it, in Chromium: the staff dashboard with seed_demo data, and the
compliance officer's day (filter the audit log, export exactly those rows, restore a task through
the confirmation page and find it back through the API, refused elsewhere)."""

import csv
import io
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command

from apps.archive.demo import TRASHED_TASK
from apps.archive.models import TrashItem
from apps.archive.selectors import audit_public_id
from apps.tasks.models import Task
from tests.browser.conftest import PASSWORD, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CHARTS = ("events", "webhooks", "notifications", "reports", "tokens", "trash")
OUTSIDE_THE_COMPLIANCE_GROUP = (
    "/admin/integrations/webhookdelivery/",
    "/admin/accounts/user/",
    "/admin/analytics/reportexecution/",
    "/admin/events/domainevent/",
)


@pytest.fixture
def demo(page):
    call_command("seed_demo", stdout=io.StringIO())


def test_staff_see_every_chart_with_data(page, demo, live_server):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    sign_in(page, "staff@pronaflow.demo")
    for key in CHARTS:
        panel = page.locator(f'[data-panel="{key}"]')
        chart = panel.locator('svg[role="img"]')
        assert chart.is_visible(), key
        label = chart.get_attribute("aria-label")
        assert label and chart.locator(":scope > title").text_content() == label
        numbers = [int(cell) for cell in panel.locator("table td").all_text_contents()]
        assert sum(numbers) > 0, f"the {key} chart shows no data"
        assert panel.locator("table caption").text_content() == label
    assert page.locator('[data-panel="audit"]').get_by_role("button", name="Verify the audit chain now").is_visible()
    assert all(url.startswith(live_server.url) for url in requests), "the dashboard loads nothing from elsewhere"
    assert page.failed_responses == []
    assert page.console_errors == []


def test_compliance_officer_filters_exports_restores_and_is_refused_elsewhere(page, demo, live_server):
    sign_in(page, "compliance@pronaflow.demo")
    assert page.locator("[data-panel]").evaluate_all("panels => panels.map(p => p.dataset.panel)") == [
        "trash",
        "audit",
    ]

    # The audit log, filtered by action through its sidebar.
    page.goto("/admin/archive/auditentry/")
    page.locator("#changelist-filter").get_by_role("link", name="task.trashed", exact=True).click()
    page.wait_for_url("**audit_action=task.trashed**")
    expected = {
        audit_public_id(pk)
        for pk in LogEntry.objects.filter(additional_data__action="task.trashed").values_list("pk", flat=True)
    }
    assert len(expected) == 3  # the demo's trashed tasks
    button = page.get_by_role("button", name=f"Export these {len(expected)} as CSV")
    with page.expect_download() as download_info:
        button.click()
    rows = list(csv.DictReader(io.StringIO(Path(download_info.value.path()).read_text(encoding="utf-8"))))
    assert {row["id"] for row in rows} == expected
    assert {row["action"] for row in rows} == {"task.trashed"}

    # Restore the demo's trashed task through the confirmation page.
    item = TrashItem.objects.get(resource_name=TRASHED_TASK)
    page.goto("/admin/archive/trashitem/")
    page.locator(f'input[name="_selected_action"][value="{item.pk}"]').check()
    page.select_option('select[name="action"]', "restore_selected")
    page.get_by_role("button", name="Go").click()
    confirmation = page.locator(".trash-confirmation").text_content()
    assert TRASHED_TASK in confirmation
    assert "1 comment: Notes from the kickoff call" in confirmation
    assert TrashItem.objects.filter(pk=item.pk).exists()  # nothing restored before confirming
    page.get_by_role("button", name="Yes, restore").click()
    assert "Restored 1 item(s)." in page.locator(".messagelist").text_content()

    # The task is back for its workspace, through the API.
    login = page.request.post("/api/v1/auth/login", data={"email": "owner@pronaflow.demo", "password": PASSWORD}).json()
    token = login["data"]["access_token"]
    task = Task.objects.get(title=TRASHED_TASK)
    response = page.request.get(f"/api/v1/tasks/{task.pk}", headers={"Authorization": f"Bearer {token}"})
    assert response.status == 200
    assert response.json()["data"]["title"] == TRASHED_TASK

    # Pages outside the compliance group.
    for path in OUTSIDE_THE_COMPLIANCE_GROUP:
        assert page.goto(path).status == 403, path
