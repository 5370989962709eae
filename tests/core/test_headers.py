"""Cache-Control: no-store on API responses (tokens and profiles included), and the
Content-Security-Policy of the documentation pages (rendered in Chromium by tests/browser)."""

import base64
import hashlib
import re

import pytest

from tests.factories.accounts import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_login_refresh_me_and_errors_are_not_stored(api_client):
    user = UserFactory()
    login = api_client.post("/api/v1/auth/login", {"email": user.email, "password": DEFAULT_PASSWORD}, format="json")
    assert login.status_code == 200, login.content
    assert login["Cache-Control"] == "no-store"
    tokens = login.json()["data"]
    refresh = api_client.post("/api/v1/auth/refresh", {"refresh_token": tokens["refresh_token"]}, format="json")
    assert refresh.status_code == 200 and refresh["Cache-Control"] == "no-store"
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {refresh.json()['data']['access_token']}")
    me = api_client.get("/api/v1/auth/me")
    assert me.status_code == 200 and me["Cache-Control"] == "no-store"
    assert api_client.get("/api/v1/no-such-route")["Cache-Control"] == "no-store"


def test_pages_outside_the_api_keep_their_own_caching(api_client):
    assert "no-store" not in api_client.get("/openapi.json").get("Cache-Control", "")


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_pages_carry_a_csp_that_allows_only_their_own_inline_script(api_client, path):
    response = api_client.get(path)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    script_src = re.search(r"script-src ([^;]*)", csp).group(1)
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    inline = re.findall(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", response.content, re.DOTALL)
    for body in inline:
        assert f"'sha256-{base64.b64encode(hashlib.sha256(body).digest()).decode()}'" in script_src
    assert "googleapis" not in response.content.decode()
