import datetime as dt
import hashlib
import re

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from apps.integrations.models import ApiToken
from apps.integrations.scopes import ALL_SCOPES
from apps.integrations.services.tokens import hash_token
from tests.factories.integrations import ApiTokenFactory
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

URL = "/api/v1/integration/tokens"


def test_creating_a_token_shows_the_secret_once_and_stores_only_its_hash(team, client_for):
    client = client_for(team.owner)
    response = client.post(URL, {"name": "CI/CD Bot", "scopes": ["read:tasks", "write:projects"]}, format="json")

    assert response.status_code == 201
    data = response.json()["data"]
    raw = data["token"]
    assert re.fullmatch(r"prona_[0-9A-Za-z]{38}", raw)
    assert data["warning"] == "Save this token securely - you won't see it again!"
    assert data["scopes"] == ["read:tasks", "write:projects"]
    assert data["tier"] == "free"
    stored = ApiToken.objects.get(pk=data["id"])
    assert stored.token_hash != hashlib.sha256(raw.encode()).hexdigest()  # peppered, not a bare digest
    assert stored.token_hash == hash_token(raw) and stored.hash_version == 1
    assert stored.token_prefix == raw[:10] and raw not in str(stored.__dict__)
    today = timezone.now().astimezone(dt.UTC).date()
    assert data["expires_at"] == (today + dt.timedelta(days=365)).isoformat()
    assert stored.expires_at == dt.datetime.combine(today + dt.timedelta(days=365), dt.time.max, tzinfo=dt.UTC)

    listed = client.get(URL).json()["data"]
    detail = client.get(f"{URL}/{data['id']}").json()["data"]
    assert raw not in str(listed) and raw not in str(detail)
    assert "token" not in listed[0] and "token_hash" not in listed[0] and "hash_version" not in listed[0]
    assert listed[0]["token_prefix"] == raw[:10]
    assert LogEntry.objects.filter(object_pk=str(stored.pk), additional_data__action="token.created").exists()


def test_the_expiry_is_the_date_the_client_sent_and_the_token_is_valid_through_that_day(team, client_for):
    day = (timezone.now() + dt.timedelta(days=300)).date()
    client = client_for(team.owner)
    response = client.post(
        URL, {"name": "Yearly", "scopes": ["read:tasks"], "expires_at": day.isoformat()}, format="json"
    )
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["expires_at"] == day.isoformat()
    assert client.get(URL).json()["data"][0]["expires_at"] == day.isoformat()
    assert ApiToken.objects.get(pk=data["id"]).expires_at == dt.datetime.combine(day, dt.time.max, tzinfo=dt.UTC)


def test_a_date_time_expiry_counts_as_its_utc_day(team, client_for):
    day = (timezone.now() + dt.timedelta(days=10)).date()
    response = client_for(team.owner).post(
        URL, {"name": "x", "scopes": ["read:tasks"], "expires_at": f"{day.isoformat()}T22:30:00-05:00"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["data"]["expires_at"] == (day + dt.timedelta(days=1)).isoformat()


def test_a_token_may_expire_today_but_not_yesterday(team, client_for):
    today = timezone.now().astimezone(dt.UTC).date()
    client = client_for(team.owner)
    ok = client.post(URL, {"name": "x", "scopes": ["read:tasks"], "expires_at": today.isoformat()}, format="json")
    assert ok.status_code == 201 and ok.json()["data"]["expires_at"] == today.isoformat()
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    late = client.post(URL, {"name": "y", "scopes": ["read:tasks"], "expires_at": yesterday}, format="json")
    assert_error(late, 422, "VALIDATION_ERROR", field="expires_at")
    assert ApiToken.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "scopes": ["read:everything"]}, "scopes"),
        ({"name": "x", "scopes": []}, "scopes"),
        ({"name": "x"}, "scopes"),
        ({"scopes": ["read:tasks"]}, "name"),
        ({"name": "x", "scopes": ["read:tasks"], "expires_at": "2001-01-01"}, "expires_at"),
        ({"name": "x", "scopes": ["read:tasks"], "expires_at": "not-a-date"}, "expires_at"),
        ({"name": "x", "scopes": ["read:tasks"], "expires_at": "2027-02-30T10:00:00Z"}, "expires_at"),
        ({"name": "x", "scopes": ["read:tasks"], "expires_at": 20270203}, "expires_at"),
        ({"name": "x", "scopes": "read:tasks"}, "scopes"),
    ],
)
def test_invalid_token_requests_answer_422_and_create_nothing(team, client_for, body, field):
    response = client_for(team.owner).post(URL, body, format="json")
    assert_error(response, 422, "VALIDATION_ERROR", field=field)
    assert not ApiToken.objects.exists()


def test_an_expiry_beyond_365_days_is_refused(team, client_for):
    too_far = (timezone.now() + dt.timedelta(days=367)).date().isoformat()
    response = client_for(team.owner).post(URL, {"name": "x", "scopes": ["read:tasks"], "expires_at": too_far})
    assert_error(response, 422, "VALIDATION_ERROR", field="expires_at")


def test_anonymous_requests_answer_401(api_client):
    assert api_client.get(URL).status_code == 401
    assert api_client.post(URL, {"name": "x", "scopes": ["read:tasks"]}).status_code == 401


def test_the_scope_catalogue_lists_read_and_write_scopes(team, client_for):
    response = client_for(team.owner).get(f"{URL}/scopes")
    assert response.status_code == 200
    data = response.json()["data"]
    assert {item["scope"] for item in data} == ALL_SCOPES
    tasks_read = next(item for item in data if item["scope"] == "read:tasks")
    assert tasks_read == {
        "scope": "read:tasks",
        "description": tasks_read["description"],
        "resource_type": "task",
        "permission_type": "read",
    }
    assert {"write:projects", "read:reports", "write:webhooks", "read:comments"} <= ALL_SCOPES


def test_a_token_can_be_renamed_and_deactivated(team, client_for):
    token = ApiTokenFactory(user=team.owner)
    response = client_for(team.owner).patch(f"{URL}/{token.pk}", {"name": "Renamed", "is_active": False})
    assert response.status_code == 200
    assert response.json()["data"]["name"] == "Renamed"
    assert response.json()["data"]["is_active"] is False
    token.refresh_from_db()
    assert token.name == "Renamed" and not token.is_active


def test_revoking_keeps_the_row_and_is_audited(team, client_for):
    token = ApiTokenFactory(user=team.owner)
    client = client_for(team.owner)
    assert client.delete(f"{URL}/{token.pk}").status_code == 204
    token.refresh_from_db()
    assert token.is_revoked and token.revoked_at is not None
    assert LogEntry.objects.filter(object_pk=str(token.pk), additional_data__action="token.revoked").count() == 1
    listed = client.get(URL).json()["data"]
    assert listed[0]["id"] == str(token.pk) and listed[0]["is_revoked"] is True
    # Revoking again changes nothing; a revoked token cannot be re-activated.
    assert client.delete(f"{URL}/{token.pk}").status_code == 204
    assert LogEntry.objects.filter(object_pk=str(token.pk), additional_data__action="token.revoked").count() == 1
    assert client.patch(f"{URL}/{token.pk}", {"is_active": True}).status_code == 409


def test_tokens_of_other_users_answer_404(team, client_for):
    token = ApiTokenFactory(user=team.admin)
    client = client_for(team.owner)
    assert client.patch(f"{URL}/{token.pk}", {"name": "Mine now"}).status_code == 404
    assert client.delete(f"{URL}/{token.pk}").status_code == 404
    assert client.get(f"{URL}/{token.pk}/usage").status_code == 404
    token.refresh_from_db()
    assert token.name != "Mine now" and not token.is_revoked
    assert client.get(URL).json()["data"] == []


def test_the_token_list_with_usage_runs_a_constant_number_of_queries(team, client_for, django_assert_max_num_queries):
    ApiTokenFactory.create_batch(15, user=team.owner)
    client = client_for(team.owner)
    with django_assert_max_num_queries(4):
        response = client.get(URL, {"include_usage": "true", "page_size": 50})
    assert response.status_code == 200
    assert len(response.json()["data"]) == 15
    assert response.json()["pagination"]["total"] == 15
    assert response.json()["data"][0]["usage"] == {"total_requests": 0, "requests_last_24h": 0}
    assert client.get(URL).json()["data"][0]["usage"] is None


def test_a_bad_include_usage_value_answers_400(team, client_for):
    assert client_for(team.owner).get(URL, {"include_usage": "maybe"}).status_code == 400


def test_listed_tokens_carry_every_field_of_the_documented_example(team, client_for):
    client = client_for(team.owner)
    expires = (timezone.now() + dt.timedelta(days=30)).date().isoformat()
    client.post(URL, {"name": "CI/CD Bot", "expires_at": expires, "scopes": ["read:tasks"]}, format="json")
    item = client.get(URL).json()["data"][0]
    documented = {"id", "name", "scopes", "last_used_at", "expires_at", "is_revoked", "created_at"}
    assert documented <= set(item)
    assert item["is_revoked"] is False and item["last_used_at"] is None and isinstance(item["scopes"], list)


def test_prefixes_stored_with_12_characters_are_shown_with_10(team, client_for):
    import importlib

    from django.apps import apps as django_apps

    token = ApiTokenFactory(user=team.owner, token_prefix="prona_abcdef")
    importlib.import_module(
        "apps.integrations.migrations.0004_delivery_bodies_and_token_prefixes"
    ).ten_character_prefixes(django_apps, None)
    assert client_for(team.owner).get(f"{URL}/{token.pk}").json()["data"]["token_prefix"] == "prona_abcd"
