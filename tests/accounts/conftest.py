"""Fixtures for module 1: real token pairs, bearer clients, e-mail helpers."""

import re

import pyotp
import pytest
from django.core import mail

from apps.core import crypto
from tests.factories.accounts import DEFAULT_PASSWORD, UserFactory, bearer, token_pair_for

LOGIN_URL = "/api/v1/auth/login"


def link_params(body: str, path: str) -> dict[str, str]:
    """user_id and token of the `{FRONTEND_URL}{path}?user_id=...&token=...` link in an e-mail body."""
    match = re.search(rf"https://app\.pronaflow\.test{re.escape(path)}\?user_id=([0-9a-f-]+)&token=([\w-]+)", body)
    assert match, body
    return {"user_id": match.group(1), "token": match.group(2)}


def last_mail_to(email: str):
    matching = [m for m in mail.outbox if m.to == [email]]
    assert matching, f"no e-mail to {email}"
    return matching[-1]


def totp_for(user) -> pyotp.TOTP:
    user.refresh_from_db()
    return pyotp.TOTP(crypto.decrypt(user.mfa_secret))


@pytest.fixture
def password() -> str:
    return DEFAULT_PASSWORD


@pytest.fixture
def pair_for():
    """pair_for(user) -> (session, TokenPair): a real session and its tokens."""

    def make(user, **kwargs):
        return token_pair_for(user, **kwargs)

    return make


@pytest.fixture
def signed_in(user, pair_for):
    """(user, session, pair, client authenticated with the pair's access token)."""
    session, pair = pair_for(user)
    return user, session, pair, bearer(pair.access)


@pytest.fixture
def login(api_client):
    def do(email, password=DEFAULT_PASSWORD, **extra):
        return api_client.post(LOGIN_URL, {"email": email, "password": password}, format="json", **extra)

    return do


@pytest.fixture
def mfa_user(db, client_for):
    """A user with MFA confirmed through the API; returns (user, backup_codes)."""
    user = UserFactory()
    client = client_for(user)
    assert client.post("/api/v1/auth/mfa/enable").status_code == 200
    response = client.post("/api/v1/auth/mfa/confirm", {"totp_code": totp_for(user).now()}, format="json")
    assert response.status_code == 200, response.content
    user.refresh_from_db()
    return user, response.json()["data"]["backup_codes"]
