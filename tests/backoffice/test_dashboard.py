"""The operations and compliance dashboard on the admin index (apps.backoffice.dashboard)."""

import datetime as dt
import io
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.models import User
from apps.archive.models import AuditChainVerification
from apps.backoffice import dashboard
from apps.core import charts
from apps.events.models import DomainEvent
from tests.archive.helpers import domain_entries
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

OPERATIONS = ("events", "webhooks", "notifications", "reports", "tokens")
COMPLIANCE = ("trash", "audit")
CHARTED = ("events", "webhooks", "notifications", "reports", "tokens", "trash")
# Queries of the index page with a cold cache: session, user, one per figure, recent actions.
MAX_QUERIES = 15


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())
    cache.clear()


def signed_in(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def panels(page: str) -> list[str]:
    return re.findall(r'data-panel="([a-z_]+)"', page)


def test_staff_see_every_panel_with_an_accessible_chart_and_its_numbers(demo):
    page = signed_in("staff@pronaflow.demo").get("/admin/").content.decode()
    assert panels(page) == [*OPERATIONS, *COMPLIANCE]
    for key in CHARTED:
        panel = page.split(f'data-panel="{key}"')[1].split("</article>")[0]
        label = re.search(r'<svg [^>]*role="img" aria-label="([^"]+)"', panel).group(1)
        assert f"<title>{label}</title>" in panel
        assert f"<caption>{label}</caption>" in panel  # the same numbers as a table
        numbers = [int(n) for n in re.findall(r"<td>(\d+)</td>", panel)]
        assert sum(numbers) > 0, f"the {key} chart has nothing to show with seed_demo"
    assert "<script" not in page.split('id="dashboard"')[1].split("</div>\n\n")[0]


def test_the_compliance_officer_sees_the_compliance_half_only(demo):
    page = signed_in("compliance@pronaflow.demo").get("/admin/").content.decode()
    assert panels(page) == list(COMPLIANCE)
    assert "Verify the audit chain now" in page


def test_staff_without_permissions_see_no_dashboard(demo):
    user = UserFactory(is_staff=True)
    client = Client()
    client.force_login(user)
    page = client.get("/admin/").content.decode()
    assert 'id="dashboard"' not in page


def test_the_dashboard_runs_a_constant_number_of_queries(demo, django_assert_max_num_queries):
    client = signed_in("staff@pronaflow.demo")
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get("/admin/").status_code == 200
    # Ten times the rows, of more kinds, on more days: the same number of queries.
    now = timezone.now()
    DomainEvent.objects.bulk_create(
        DomainEvent(
            event_type=f"demo.kind{n % 9}",
            aggregate_type="task",
            aggregate_id=str(n),
            occurred_at=now - dt.timedelta(days=n % 30),
        )
        for n in range(2000)
    )
    cache.clear()
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get("/admin/").status_code == 200


def test_a_warm_cache_answers_without_touching_the_figures(demo):
    client = signed_in("staff@pronaflow.demo")
    client.get("/admin/")
    with CaptureQueriesContext(connection) as captured:
        client.get("/admin/")
    tables = " ".join(query["sql"] for query in captured.captured_queries)
    assert "events_domainevent" not in tables
    assert "integrations_webhookdelivery" not in tables


def test_every_link_of_the_dashboard_opens_its_filtered_changelist(demo):
    client = signed_in("staff@pronaflow.demo")
    page = client.get("/admin/").content.decode()
    section = page.split('id="dashboard"')[1].split('id="content-related"')[0]
    links = {href.replace("&amp;", "&") for href in re.findall(r'href="(/admin/[^"]+)"', section)}
    assert len(links) >= 10
    for link in sorted(links):
        response = client.get(link)
        assert response.status_code == 200, link  # an invalid filter would redirect to ?e=1


def test_the_failed_deliveries_link_lists_exactly_the_counted_rows(demo):
    client = signed_in("staff@pronaflow.demo")
    page = client.get("/admin/").content.decode()
    link, count = re.search(r'<a href="([^"]*status__exact=failed[^"]*)">(\d+)</a>', page).groups()
    listing = client.get(link.replace("&amp;", "&")).content.decode()
    assert f"{count} webhook deliver" in listing


def test_the_verify_button_records_a_verdict_in_the_background(demo, django_capture_on_commit_callbacks):
    client = signed_in("compliance@pronaflow.demo")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/dashboard/verify-audit-chain/")
    assert response.status_code == 302
    verification = AuditChainVerification.objects.get()
    assert (verification.status, verification.intact) == ("completed", True)
    assert verification.checked_entries == verification.head_seq > 0
    assert domain_entries("audit_chain.verified").get().actor.email == "compliance@pronaflow.demo"
    page = client.get("/admin/").content.decode()
    assert "intact" in page
    assert "last verified" in page and "never" not in page.split('data-panel="audit"')[1]


def test_verification_is_refused_without_the_permission(demo):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    client = Client()
    client.force_login(user)
    client.post("/admin/dashboard/verify-audit-chain/")
    assert not AuditChainVerification.objects.exists()


def test_figures_are_cached_for_a_minute():
    assert dashboard.CACHE_SECONDS == 60
    assert set(dashboard.FIGURES) >= {"events", "deliveries", "trash", "audit_chain", "tokens"}


def test_charts_are_accessible_images_with_escaped_text():
    chart = charts.column_chart(
        title="Events <by> day",
        categories=["Nov 01", "Nov 02"],
        series=[charts.Series("a&b", [1, 2]), charts.Series("c", [0, 3])],
    )
    assert chart.svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Events &lt;by&gt; day"')
    assert "<title>Events &lt;by&gt; day</title>" in chart.svg
    assert "a&amp;b" in chart.svg
    assert chart.rows == [["Nov 01", 1, 0], ["Nov 02", 2, 3]]
    assert "<caption>Events &lt;by&gt; day</caption>" in chart.table()
    assert chart.total == 6
