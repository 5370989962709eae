"""Every registered ModelAdmin answers hostile query strings and action selections with a redirect
or a message, never a 500: a bad id in each list filter's parameters, a year out of datetime's range
in the date hierarchy, and an action posted with ids that are not ids."""

import io

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client, RequestFactory

from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

HOSTILE_VALUES = ("not-a-uuid", "99999999999999999999", "-1", "")
HUGE_YEAR = "99999999999999999999"


@pytest.fixture
def staff(db):
    # The demo data, so that every list filter has choices (a filter without any is not applied).
    call_command("seed_demo", stdout=io.StringIO())
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def staff_client(staff):
    client = Client(raise_request_exception=True)
    client.force_login(staff)
    return client


def changelists():
    return sorted(
        (
            (f"/admin/{model._meta.app_label}/{model._meta.model_name}/", model_admin)
            for model, model_admin in admin.site._registry.items()
        ),
        key=lambda pair: pair[0],
    )


def filter_parameters(model_admin, staff) -> list[str]:
    request = RequestFactory().get("/")
    request.user = staff
    changelist = model_admin.get_changelist_instance(request)
    return [name for spec in changelist.filter_specs for name in spec.expected_parameters()]


def test_every_changelist_survives_a_bad_value_in_each_filter_parameter(staff_client, staff):
    failures = []
    for url, model_admin in changelists():
        for name in filter_parameters(model_admin, staff):
            for value in HOSTILE_VALUES:
                status = staff_client.get(url, {name: value}).status_code
                if status >= 500:
                    failures.append((url, name, value, status))
    assert failures == []


def test_every_date_hierarchy_survives_years_out_of_range(staff_client):
    failures = []
    for url, model_admin in changelists():
        field = model_admin.date_hierarchy
        if not field:
            continue
        for params in (
            {f"{field}__year": HUGE_YEAR},
            {f"{field}__year": "9999", f"{field}__month": "12"},
            {f"{field}__year": "2026", f"{field}__month": HUGE_YEAR},
            {f"{field}__year": "2026", f"{field}__month": "2", f"{field}__day": "31"},
        ):
            response = staff_client.get(url, params)
            if response.status_code >= 500:
                failures.append((url, params, response.status_code))
            elif response.status_code == 302:
                assert response["Location"].endswith("?e=1"), (url, params)
    assert failures == []


def test_every_action_refuses_a_selection_of_ids_that_are_not_ids(staff_client, staff):
    request = RequestFactory().get("/")
    request.user = staff
    failures = []
    for url, model_admin in changelists():
        for action in model_admin.get_actions(request):
            for selected in (["not-a-uuid"], [HUGE_YEAR]):
                data = {"action": action, "_selected_action": selected, "index": "0"}
                response = staff_client.post(url, data)
                if response.status_code >= 500:
                    failures.append((url, action, selected, response.status_code))
    assert failures == []


def test_the_audit_log_filtered_by_a_bad_actor_id_redirects_to_the_error_page(staff_client):
    response = staff_client.get("/admin/archive/auditentry/", {"actor": "notauuid"})
    assert response.status_code == 302 and response["Location"].endswith("?e=1")
    response = staff_client.post("/admin/archive/auditentry/export/csv/?actor=notauuid")
    assert response.status_code == 302 and response["Location"].endswith("?e=1")
    response = staff_client.post(
        "/admin/archive/trashitem/",
        {"action": "restore", "_selected_action": ["not-a-uuid"], "index": "0"},
        follow=True,
    )
    assert response.status_code == 200
    assert "invalid id" in response.content.decode()
