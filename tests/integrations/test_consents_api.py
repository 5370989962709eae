import pytest
from auditlog.models import LogEntry

from apps.integrations.models import Consent
from tests.factories.integrations import ConsentFactory, OAuthConnectionFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/integration/consents"


def grant(client, **overrides):
    return client.post(
        URL,
        {
            "consent_type": "THIRD_PARTY",
            "resource_type": "slack_integration",
            "resource_id": "conn-1",
            "description": "Grant access to sync tasks to Slack",
            **overrides,
        },
        format="json",
    )


def test_granting_a_consent_is_recorded_and_audited(team, client_for):
    response = grant(client_for(team.member))
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["user_id"] == str(team.member.pk)
    assert data["consent_type"] == "THIRD_PARTY" and data["is_granted"] is True and data["version"] == 1
    assert data["granted_at"]
    assert LogEntry.objects.filter(object_pk=data["id"], additional_data__action="consent.granted").exists()


def test_granting_again_creates_the_next_version_and_keeps_the_history(team, client_for):
    client = client_for(team.member)
    first = grant(client).json()["data"]
    second = grant(client).json()["data"]
    assert second["version"] == 2 and second["id"] != first["id"]
    assert Consent.objects.get(pk=first["id"]).is_current is False
    listed = client.get(URL).json()["data"]
    assert [item["id"] for item in listed] == [second["id"]]
    history = client.get(URL, {"include_history": "true"}).json()["data"]
    assert [item["version"] for item in history] == [2, 1]
    assert grant(client, resource_id="conn-2").json()["data"]["version"] == 1


def test_revoking_keeps_the_row_and_only_the_current_version_can_be_revoked(team, client_for):
    client = client_for(team.member)
    first = grant(client).json()["data"]
    second = grant(client).json()["data"]
    assert client.delete(f"{URL}/{first['id']}").status_code == 409
    assert client.delete(f"{URL}/{second['id']}").status_code == 204
    consent = Consent.objects.get(pk=second["id"])
    assert consent.is_granted is False and consent.revoked_at is not None
    assert LogEntry.objects.filter(object_pk=second["id"], additional_data__action="consent.revoked").count() == 1
    assert client.delete(f"{URL}/{second['id']}").status_code == 204
    assert LogEntry.objects.filter(object_pk=second["id"], additional_data__action="consent.revoked").count() == 1
    assert client.get(URL, {"is_granted": "false"}).json()["data"][0]["id"] == second["id"]
    assert client.get(URL, {"is_granted": "true"}).json()["data"] == []


def test_consents_of_other_users_answer_404(team, client_for):
    theirs = ConsentFactory(user=team.admin)
    client = client_for(team.member)
    assert client.delete(f"{URL}/{theirs.pk}").status_code == 404
    assert client.get(f"{URL}/{theirs.pk}").status_code == 404
    assert client.get(URL).json()["data"] == []
    theirs.refresh_from_db()
    assert theirs.is_granted


@pytest.mark.parametrize(
    "overrides", [{"consent_type": "EVERYTHING"}, {"resource_type": "x" * 65}, {"consent_type": None}]
)
def test_invalid_consents_answer_422(team, client_for, overrides):
    assert grant(client_for(team.member), **overrides).status_code == 422
    assert not Consent.objects.exists()


def test_the_list_filters_by_type_in_constant_queries(team, client_for, django_assert_max_num_queries):
    ConsentFactory.create_batch(10, user=team.member)
    ConsentFactory.create_batch(3, user=team.member, consent_type="MARKETING")
    client = client_for(team.member)
    with django_assert_max_num_queries(3):
        response = client.get(URL, {"consent_type": "MARKETING"})
    assert response.json()["pagination"]["total"] == 3
    assert client.get(URL, {"consent_type": "NONSENSE"}).status_code == 400


def test_the_compliance_status_aggregates_current_consents(team, client_for):
    connection = OAuthConnectionFactory(user=team.member)
    client = client_for(team.member)
    grant(client, resource_id="a")
    revoked = grant(client, resource_id="b").json()["data"]
    client.delete(f"{URL}/{revoked['id']}")
    grant(client, consent_type="MARKETING", resource_type="", resource_id="")
    grant(client, consent_type="MARKETING", resource_type="", resource_id="")  # version 2, same key

    data = client.get(f"{URL}/status").json()["data"]
    assert data["user_id"] == str(team.member.pk)
    assert (data["total_consents"], data["granted_consents"], data["revoked_consents"]) == (3, 2, 1)
    assert data["consents"] == [
        {"type": "MARKETING", "count": 1, "granted": 1, "revoked": 0},
        {"type": "THIRD_PARTY", "count": 2, "granted": 1, "revoked": 1},
    ]
    assert data["compliance_status"] == "action_required" and data["connections_without_consent"] == 1

    grant(client, resource_id=str(connection.pk))
    assert client.get(f"{URL}/status").json()["data"]["compliance_status"] == "compliant"
