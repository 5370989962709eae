import datetime as dt

import pytest
from django.utils import timezone

from apps.integrations.models import ApiTokenUsage
from tests.factories.accounts import bearer, bearer_client_for
from tests.factories.integrations import ApiTokenFactory
from tests.factories.projects import ProjectFactory
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

PROJECTS = "/api/v1/projects"


def test_token_responses_carry_the_tier_header_and_the_tier_limit(team, api_token, token_client):
    response = token_client(api_token.raw).get(PROJECTS)
    assert response["X-RateLimit-Tier"] == "free"
    assert response["X-RateLimit-Limit"] == "60"
    api_token.tier = "pro"
    api_token.save(update_fields=["tier"])
    response = token_client(api_token.raw).get(PROJECTS)
    assert response["X-RateLimit-Tier"] == "pro" and response["X-RateLimit-Limit"] == "1000"


def test_jwt_responses_are_limited_per_user_not_by_a_token_tier(team, client_for):
    response = client_for(team.owner).get(PROJECTS)
    assert response.status_code == 200
    assert response.get("X-RateLimit-Tier") not in ("free", "pro", "enterprise")
    assert response["X-RateLimit-Limit"] == "100"
    assert int(response["X-RateLimit-Remaining"]) == 99 and int(response["X-RateLimit-Reset"]) > 0


def test_each_token_has_its_own_bucket_and_its_tier_limit_gives_429(team, token_client, client_for, settings):
    settings.RATE_LIMIT_TIERS = {**settings.RATE_LIMIT_TIERS, "free": "2/min"}
    first = ApiTokenFactory(user=team.owner, scopes=["read:projects"])
    second = ApiTokenFactory(user=team.owner, scopes=["read:projects"])
    client = token_client(first.raw)
    assert client.get(PROJECTS).status_code == 200
    assert client.get(PROJECTS).status_code == 200
    limited = client.get(PROJECTS)
    assert_error(limited, 429, "RATE_LIMITED")
    assert limited["X-RateLimit-Tier"] == "free" and int(limited["Retry-After"]) >= 1
    # Another token of the same user, and the user's own JWT session, are unaffected.
    assert token_client(second.raw).get(PROJECTS).status_code == 200
    assert client_for(team.owner).get(PROJECTS).status_code == 200


def test_usage_counts_requests_by_method_and_route_template(team, token_client, client_for):
    project = ProjectFactory(workspace=team.workspace)
    token = ApiTokenFactory(user=team.owner, scopes=["read:projects", "write:projects"])
    client = token_client(token.raw)
    for _ in range(3):
        client.get(PROJECTS)
    client.get(f"{PROJECTS}/{project.pk}")
    client.patch(f"{PROJECTS}/{project.pk}", {"description": "Changed by a bot"}, format="json")
    assert client.get("/api/v1/nope").status_code == 404  # no route: counted, under no route's name

    response = client_for(team.owner).get(f"/api/v1/integration/tokens/{token.pk}/usage")

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["token_id"] == str(token.pk)
    assert data["total_requests"] == 6
    assert data["requests_by_method"] == {"GET": 5, "PATCH": 1}
    assert data["requests_by_endpoint"] == [
        {"endpoint": "GET /api/v1/projects", "count": 3},
        {"endpoint": "GET (unrouted)", "count": 1},
        {"endpoint": "GET /api/v1/projects/{project_id}", "count": 1},
        {"endpoint": "PATCH /api/v1/projects/{project_id}", "count": 1},
    ]
    assert data["rate_limit"] == {"tier": "free", "limit_per_minute": 60, "current_usage": 6}
    assert data["period"]["end"] == timezone.now().date().isoformat()
    assert sum(item["count"] for item in data["timeline"]) == 6


def test_usage_respects_the_date_range_and_granularity(team, client_for):
    token = ApiTokenFactory(user=team.owner)
    day = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    for hours, count in ((1, 2), (5, 3), (30, 7), (24 * 10, 100)):
        ApiTokenUsage.objects.create(
            token=token, hour=day + dt.timedelta(hours=hours), method="GET", endpoint="/api/v1/tasks", count=count
        )
    client = client_for(team.owner)
    url = f"/api/v1/integration/tokens/{token.pk}/usage"

    daily = client.get(url, {"start_date": "2026-02-01", "end_date": "2026-02-03"}).json()["data"]
    assert daily["period"] == {"start": "2026-02-01", "end": "2026-02-03"}
    assert daily["total_requests"] == 12
    assert [item["count"] for item in daily["timeline"]] == [5, 7]

    hourly = client.get(url, {"start_date": "2026-02-01", "end_date": "2026-02-01", "granularity": "hourly"})
    assert [item["count"] for item in hourly.json()["data"]["timeline"]] == [2, 3]
    assert hourly.json()["data"]["timeline"][0]["period"] == "2026-02-01T01:00:00Z"


@pytest.mark.parametrize(
    "params",
    [
        {"granularity": "weekly"},
        {"start_date": "yesterday"},
        {"start_date": "2026-03-01", "end_date": "2026-02-01"},
        {"start_date": "0595-02-10T23:55:59+21:46", "end_date": "2026-02-01", "granularity": "hourly"},
        {"start_date": "2026-01-01", "end_date": "2026-02-15", "granularity": "hourly"},
        {"start_date": "2020-01-01", "end_date": "2026-02-01"},
    ],
)
def test_bad_usage_parameters_answer_400(team, client_for, params):
    token = ApiTokenFactory(user=team.owner)
    response = client_for(team.owner).get(f"/api/v1/integration/tokens/{token.pk}/usage", params)
    assert_error(response, 400, "INVALID_REQUEST")


def test_forbidden_and_rate_limited_token_requests_are_counted_too(team, token_client, settings):
    token = ApiTokenFactory(user=team.owner, scopes=["read:tasks"])
    token_client(token.raw).get(PROJECTS)
    assert ApiTokenUsage.objects.get(token=token).count == 1


def test_a_406_is_counted_against_its_caller_not_the_anonymous_bucket(team, token_client):
    # DRF negotiates the response type before it authenticates: the refusal still knows its caller.
    jwt = bearer_client_for(team.member).get("/api/v1/projects", HTTP_ACCEPT="application/xml")
    assert_error(jwt, 406, "NOT_ACCEPTABLE")
    assert (jwt["X-RateLimit-Tier"], jwt["X-RateLimit-Limit"]) == ("default", "100")
    token = ApiTokenFactory(user=team.owner, scopes=["read:projects"])
    by_token = token_client(token.raw).get("/api/v1/projects", HTTP_ACCEPT="application/xml")
    assert_error(by_token, 406, "NOT_ACCEPTABLE")
    assert (by_token["X-RateLimit-Tier"], by_token["X-RateLimit-Limit"]) == ("free", "60")
    stranger = bearer("bogus.token.value").get("/api/v1/projects", HTTP_ACCEPT="application/xml")
    assert stranger.status_code == 406 and stranger["X-RateLimit-Tier"] == "public"
