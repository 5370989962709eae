"""Demo accounts and the OpenAPI description of module 1."""

import pytest
from django.contrib.auth.password_validation import validate_password

from apps.accounts import demo
from apps.accounts.models import User

pytestmark = pytest.mark.django_db


def test_demo_seed_creates_verified_users_that_can_log_in_and_is_idempotent(login):
    ctx = {"logins": []}
    demo.seed(ctx)
    demo.seed({"logins": []})

    assert set(ctx["users"]) == {"owner", "admin", "member", "viewer", "outsider"}
    assert User.objects.filter(email__endswith="@pronaflow.demo").count() == 6
    for email, password, _note in ctx["logins"]:
        assert login(email, password).status_code == 200, email
    staff = User.objects.get(email=demo.STAFF_EMAIL)
    assert staff.is_staff and staff.is_superuser


def test_the_demo_password_passes_the_password_rules():
    for _, email, full_name, _ in demo.DEMO_USERS:
        validate_password(demo.DEMO_PASSWORD, User(email=email, username=email.split("@")[0], full_name=full_name))


def test_openapi_offers_bearer_authorization_and_public_auth_endpoints(api_client):
    schema = api_client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["jwtAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": schema["components"]["securitySchemes"]["jwtAuth"]["description"],
    }
    login = schema["paths"]["/api/v1/auth/login"]["post"]
    assert login["security"] == [{}]
    assert {"jwtAuth": []} in schema["paths"]["/api/v1/auth/me"]["get"]["security"]
    for path in (
        "register",
        "verify-email",
        "resend-verification",
        "mfa/verify",
        "refresh",
        "logout",
        "password-change",
        "password-reset",
        "password-reset/confirm",
        "mfa/enable",
        "mfa/confirm",
        "mfa/disable",
        "mfa/backup-codes/regenerate",
        "sessions/revoke",
        "sessions/revoke-all",
    ):
        assert "post" in schema["paths"][f"/api/v1/auth/{path}"], path
    assert "get" in schema["paths"]["/api/v1/auth/sessions"]
    assert "patch" in schema["paths"]["/api/v1/auth/me"]
