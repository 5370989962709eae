"""Module 9: user preferences, themes, languages and the WCAG level."""

import pytest

from apps.personalization.models import Language, Theme
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

URL = "/api/v1/preferences"


def test_get_returns_defaults_in_the_spec_shape(user, client_for):
    data = client_for(user).get(URL).json()["data"]
    assert data["user_id"] == str(user.pk)
    assert {k: data[k] for k in ("theme", "language", "font_size", "info_density", "timezone")} == {
        "theme": "system",
        "language": "en-US",
        "font_size": "medium",
        "info_density": "comfortable",
        "timezone": "UTC",
    }
    assert data["accessibility"] == {
        "high_contrast": False,
        "reduced_motion": False,
        "screen_reader_enabled": False,
        "wcag_level": "AA",
    }
    assert data["notifications"] == {
        "desktop_notifications": True,
        "sound_enabled": True,
        "notification_frequency": "immediate",
    }
    assert data["updated_at"] and data["date_format"] and data["time_format"]


def test_patch_updates_fields_and_merges_nested_objects(user, client_for):
    client = client_for(user)
    client.patch(URL, {"accessibility": {"reduced_motion": True}}, format="json")
    response = client.patch(
        URL,
        {
            "theme": "light",
            "language": "vi-VN",
            "font_size": "large",
            "info_density": "compact",
            "timezone": "Asia/Ho_Chi_Minh",
            "date_format": "DD/MM/YYYY",
            "time_format": "12h",
            "accessibility": {"high_contrast": True},
            "notifications": {"sound_enabled": False},
        },
        format="json",
    )
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["theme"] == "light" and data["language"] == "vi-VN" and data["timezone"] == "Asia/Ho_Chi_Minh"
    assert data["accessibility"]["high_contrast"] is True
    assert data["accessibility"]["reduced_motion"] is True  # kept from the first PATCH
    assert data["notifications"] == {
        "desktop_notifications": True,
        "sound_enabled": False,
        "notification_frequency": "immediate",
    }
    assert client.get(URL).json()["data"] == data


@pytest.mark.parametrize(
    "body",
    [
        {"theme": "neon"},
        {"language": "xx-XX"},
        {"timezone": "Mars/Olympus"},
        {"timezone": "utc+7"},
        {"font_size": "huge"},
        {"info_density": "dense"},
        {"date_format": "YY"},
        {"time_format": "36h"},
        {"accessibility": {"wcag_level": "AAAA"}},
        {"notifications": {"notification_frequency": "monthly"}},
        {"accessibility": "on"},
        {},
    ],
)
def test_patch_rejects_invalid_values_with_422_and_changes_nothing(user, client_for, body):
    client = client_for(user)
    before = client.get(URL).json()["data"]
    response = client.patch(URL, body, format="json")
    assert_error(response, 422, "VALIDATION_ERROR")
    assert client.get(URL).json()["data"] == before


def test_inactive_theme_cannot_be_chosen(user, client_for):
    Theme.objects.filter(pk="dark").update(is_active=False)
    assert client_for(user).patch(URL, {"theme": "dark"}, format="json").status_code == 422


def test_themes_are_seeded_data_in_display_order(user, client_for):
    data = client_for(user).get(f"{URL}/themes").json()["data"]
    assert [t["id"] for t in data] == ["light", "dark", "system", "high-contrast"]
    assert data[0] == {"id": "light", "name": "Light", "colors": data[0]["colors"]}
    assert data[0]["colors"]["primary"] == "#0066CC"


def test_a_theme_added_in_the_admin_is_offered_and_accepted(user, client_for):
    Theme.objects.create(id="solarized", name="Solarized", colors={"primary": "#268BD2"}, position=9)
    client = client_for(user)
    assert "solarized" in [t["id"] for t in client.get(f"{URL}/themes").json()["data"]]
    assert client.patch(URL, {"theme": "solarized"}, format="json").json()["data"]["theme"] == "solarized"


def test_languages_have_native_names(user, client_for):
    data = client_for(user).get(f"{URL}/languages").json()["data"]
    assert data == [
        {"code": "en-US", "name": "English (United States)", "native_name": "English"},
        {"code": "vi-VN", "name": "Vietnamese", "native_name": "Tiếng Việt"},
    ]
    Language.objects.filter(pk="vi-VN").update(is_active=False)
    assert client_for(user).patch(URL, {"language": "vi-VN"}, format="json").status_code == 422


def test_wcag_level_reports_the_level_and_its_concrete_switches(user, client_for):
    client = client_for(user)
    data = client.get(f"{URL}/accessibility/wcag-level").json()["data"]
    assert data["current_level"] == "AA"
    assert data["available_levels"] == ["A", "AA", "AAA"]
    assert data["description"] == "WCAG 2.1 Level AA compliant"
    assert data["switches"]["min_contrast_ratio"] == 4.5
    client.patch(URL, {"accessibility": {"wcag_level": "AAA"}}, format="json")
    data = client.get(f"{URL}/accessibility/wcag-level").json()["data"]
    assert data["current_level"] == "AAA"
    assert data["effective"]["high_contrast"] is True and data["effective"]["reduced_motion"] is True
    assert data["switches"]["min_contrast_ratio"] == 7.0


@pytest.mark.parametrize(
    "path",
    [URL, f"{URL}/themes", f"{URL}/languages", f"{URL}/accessibility/wcag-level"],
)
def test_preference_endpoints_require_authentication(api_client, path):
    assert api_client.get(path).status_code == 401


def test_preferences_are_per_user(user, client_for):
    from tests.factories.accounts import UserFactory

    other = UserFactory()
    client_for(user).patch(URL, {"theme": "dark"}, format="json")
    assert client_for(other).get(URL).json()["data"]["theme"] == "system"
