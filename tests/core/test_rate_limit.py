from datetime import UTC, datetime

import pytest
from freezegun import freeze_time

from tests.helpers import assert_error

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.probe_urls")]


def test_every_api_response_carries_rate_limit_headers(api_client):
    for response in (
        api_client.get("/api/v1/probe/echo"),
        api_client.get("/api/v1/nowhere"),
        api_client.get("/api/v1/probe/private"),
    ):
        assert int(response["X-RateLimit-Limit"]) == 30
        assert 0 <= int(response["X-RateLimit-Remaining"]) < 30
        assert int(response["X-RateLimit-Reset"]) > 0
        assert response["X-RateLimit-Tier"] == "public"


def test_remaining_counts_down_per_request(api_client):
    first = int(api_client.get("/api/v1/probe/echo")["X-RateLimit-Remaining"])
    second = int(api_client.get("/api/v1/probe/echo")["X-RateLimit-Remaining"])
    assert second == first - 1


def test_authenticated_users_have_their_own_bucket_and_limit(auth_client, api_client):
    response = auth_client.get("/api/v1/probe/private")
    assert response["X-RateLimit-Limit"] == "100"
    assert response["X-RateLimit-Tier"] == "default"
    assert api_client.get("/api/v1/probe/echo")["X-RateLimit-Remaining"] == "29"


def test_limit_exceeded_is_429_with_retry_after_and_resets_next_window(api_client, settings):
    settings.RATE_LIMIT_ANON = "3/min"
    with freeze_time("2026-11-25 10:00:10") as clock:
        for _ in range(3):
            assert api_client.get("/api/v1/probe/echo").status_code == 200
        response = api_client.get("/api/v1/probe/echo")
        assert_error(response, 429, "RATE_LIMITED")
        assert response["X-RateLimit-Remaining"] == "0"
        assert int(response["Retry-After"]) == 50
        assert int(response["X-RateLimit-Reset"]) == int(datetime(2026, 11, 25, 10, 1, tzinfo=UTC).timestamp())
        clock.move_to("2026-11-25 10:01:01")
        assert api_client.get("/api/v1/probe/echo").status_code == 200


def test_per_ip_buckets_are_separate(api_client, settings):
    settings.RATE_LIMIT_ANON = "1/min"
    assert api_client.get("/api/v1/probe/echo", REMOTE_ADDR="10.0.0.1").status_code == 200
    assert api_client.get("/api/v1/probe/echo", REMOTE_ADDR="10.0.0.1").status_code == 429
    assert api_client.get("/api/v1/probe/echo", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_rate_limit_fails_open_when_the_cache_is_down(api_client, redis_down):
    response = api_client.get("/api/v1/probe/echo")
    assert response.status_code == 200
    assert response["X-RateLimit-Limit"] == "30"
