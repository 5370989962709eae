import pytest

from apps.core import crypto
from apps.integrations.models import OAuthApp, OAuthConnection
from tests.factories.integrations import OAuthAppFactory, OAuthConnectionFactory
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

APPS = "/api/v1/integration/oauth/apps"
CONNECTIONS = "/api/v1/integration/oauth/connections"


def test_the_provider_catalogue_is_seeded(team, client_for):
    response = client_for(team.member).get(APPS)
    assert response.status_code == 200
    providers = {item["provider_name"]: item for item in response.json()["data"]}
    assert {"github", "google_calendar", "slack"} <= set(providers)
    assert providers["github"]["authorize_url"] == "https://github.com/login/oauth/authorize"
    assert providers["github"]["scopes"] == ["repo", "user"] and providers["github"]["is_enabled"] is True


def test_a_provider_detail_shows_its_required_scopes(team, client_for):
    github = OAuthApp.objects.get(provider_name="github")
    data = client_for(team.member).get(f"{APPS}/{github.pk}").json()["data"]
    assert data["required_scopes"] == ["repo", "user"]
    assert data["description"] and data["documentation_url"]
    assert client_for(team.member).get(f"{APPS}/00000000-0000-0000-0000-000000000000").status_code == 404


def test_connecting_stores_the_provider_tokens_encrypted_and_never_returns_them(team, client_for):
    github = OAuthApp.objects.get(provider_name="github")
    client = client_for(team.member)
    response = client.post(
        CONNECTIONS,
        {
            "oauth_app_id": str(github.pk),
            "access_token": "gho_access_secret_value",
            "refresh_token": "ghr_refresh_secret_value",
            "external_user_id": "octocat",
        },
        format="json",
    )
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["user_id"] == str(team.member.pk) and data["oauth_app_id"] == str(github.pk)
    assert data["provider_name"] == "github" and data["is_active"] is True and data["last_verified_at"]
    connection = OAuthConnection.objects.get(pk=data["id"])
    assert crypto.decrypt(connection.access_token_encrypted) == "gho_access_secret_value"
    assert crypto.decrypt(connection.refresh_token_encrypted) == "ghr_refresh_secret_value"
    listed = client.get(CONNECTIONS).json()
    for text in (str(response.json()), str(listed)):
        assert "secret_value" not in text
    assert listed["data"][0]["display_name"] == "GitHub"
    again = client.post(
        CONNECTIONS,
        {"oauth_app_id": str(github.pk), "access_token": "other", "external_user_id": "octocat"},
        format="json",
    )
    assert again.status_code == 409


def test_a_disabled_provider_refuses_new_connections(team, client_for):
    disabled = OAuthAppFactory(is_enabled=False)
    response = client_for(team.member).post(
        CONNECTIONS, {"oauth_app_id": str(disabled.pk), "access_token": "t", "external_user_id": "me"}, format="json"
    )
    assert_error(response, 422, "VALIDATION_ERROR", field="oauth_app_id")
    assert not OAuthConnection.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [{"access_token": "t", "external_user_id": "me"}, {"oauth_app_id": "not-a-uuid", "access_token": "t"}],
)
def test_invalid_connections_answer_422(team, client_for, payload):
    assert client_for(team.member).post(CONNECTIONS, payload, format="json").status_code == 422


def test_an_unknown_provider_answers_404(team, client_for):
    response = client_for(team.member).post(
        CONNECTIONS,
        {"oauth_app_id": "00000000-0000-0000-0000-000000000000", "access_token": "t", "external_user_id": "me"},
        format="json",
    )
    assert response.status_code == 404


def test_users_see_and_disconnect_only_their_own_connections(team, client_for, django_assert_max_num_queries):
    mine = OAuthConnectionFactory.create_batch(12, user=team.member)
    theirs = OAuthConnectionFactory(user=team.admin)
    client = client_for(team.member)
    with django_assert_max_num_queries(3):
        listed = client.get(CONNECTIONS, {"page_size": 50}).json()
    assert {item["id"] for item in listed["data"]} == {str(c.pk) for c in mine}
    assert client.get(f"{CONNECTIONS}/{theirs.pk}").status_code == 404
    assert client.delete(f"{CONNECTIONS}/{theirs.pk}").status_code == 404
    assert OAuthConnection.objects.filter(pk=theirs.pk).exists()
    assert client.delete(f"{CONNECTIONS}/{mine[0].pk}").status_code == 204
    assert not OAuthConnection.objects.filter(pk=mine[0].pk).exists()


def test_anonymous_requests_answer_401(api_client):
    assert api_client.get(APPS).status_code == 401
    assert api_client.get(CONNECTIONS).status_code == 401
