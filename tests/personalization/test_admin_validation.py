"""The user-preference admin form applies the API's rules to what it changes."""

import pytest

from apps.personalization.models import Theme, UserPreference
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def preference(user):
    return UserPreference.objects.create(user=user)


def post(client, staff, preference, **changes):
    url = f"/admin/personalization/userpreference/{preference.pk}/change/"
    return client.post(url, change_form_data(staff, preference, **changes))


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"timezone": "Mars/Olympus"}, "is not an IANA time zone"), ({"theme": "dark"}, "Unknown theme")],
)
def test_the_form_refuses_what_the_api_refuses(admin_client, staff, preference, changes, message):
    Theme.objects.filter(pk="dark").update(is_active=False)
    response = post(admin_client, staff, preference, **changes)
    assert response.status_code == 200 and message in response.content.decode()
    preference.refresh_from_db()
    assert preference.timezone == "UTC" and preference.theme_id == "system"


def test_a_preference_keeps_a_theme_switched_off_since_while_other_fields_change(admin_client, staff, preference):
    UserPreference.objects.filter(pk=preference.pk).update(theme_id="dark")
    Theme.objects.filter(pk="dark").update(is_active=False)
    preference.refresh_from_db()
    assert post(admin_client, staff, preference, timezone="Asia/Ho_Chi_Minh").status_code == 302
    preference.refresh_from_db()
    assert preference.timezone == "Asia/Ho_Chi_Minh" and preference.theme_id == "dark"
