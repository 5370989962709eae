"""The public endpoints of module 1 share the per-IP public rate limit."""

import pytest

from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

PUBLIC = [
    ("/api/v1/auth/login", {"email": "a@example.com", "password": "x"}),
    ("/api/v1/auth/register", {}),
    ("/api/v1/auth/verify-email", {}),
    ("/api/v1/auth/resend-verification", {"email": "a@example.com"}),
    ("/api/v1/auth/password-reset", {"email": "a@example.com"}),
    ("/api/v1/auth/password-reset/confirm", {}),
    ("/api/v1/auth/refresh", {"refresh_token": "x"}),
    ("/api/v1/auth/mfa/verify", {"mfa_token": "x", "totp_code": "1"}),
]


@pytest.mark.parametrize(("url", "body"), PUBLIC)
def test_public_endpoint_is_limited_per_ip(api_client, settings, url, body):
    settings.RATE_LIMIT_ANON = "3/min"
    for _ in range(3):
        response = api_client.post(url, body, format="json", REMOTE_ADDR="198.51.100.20")
        assert response.status_code != 429
        assert response["X-RateLimit-Limit"] == "3"
    limited = api_client.post(url, body, format="json", REMOTE_ADDR="198.51.100.20")
    assert_error(limited, 429, "RATE_LIMITED")
    assert int(limited["Retry-After"]) >= 1
    assert api_client.post(url, body, format="json", REMOTE_ADDR="198.51.100.21").status_code != 429


def test_the_default_public_limit_is_30_a_minute(api_client):
    response = api_client.post("/api/v1/auth/password-reset", {"email": "a@example.com"}, format="json")
    assert response["X-RateLimit-Limit"] == "30"
