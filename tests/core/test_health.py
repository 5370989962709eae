import pytest

pytestmark = pytest.mark.django_db


def test_health_reports_every_component_healthy(api_client):
    response = api_client.get("/health")
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["status"] == "healthy"
    assert data["components"] == {
        "database": "healthy",
        "redis": "healthy",
        "broker": "healthy",
        "email_service": "healthy",
    }


def test_health_is_503_naming_redis_when_it_is_down(api_client, redis_down):
    response = api_client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["success"] is False
    assert "redis" in body["error"]["message"]
    assert body["error"]["details"]["components"]["redis"] == "unhealthy"
    assert body["error"]["details"]["components"]["database"] == "healthy"


def test_health_needs_no_credentials_and_ignores_bad_ones(api_client):
    assert api_client.get("/health", HTTP_AUTHORIZATION="Bearer junk").status_code == 200


def test_health_without_redis_says_what_is_really_there(api_client, settings):
    # What settings.py builds when REDIS_URL is empty: a memory cache, no broker, eager tasks.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.CELERY_BROKER_URL = "memory://"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = api_client.get("/health")
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["status"] == "healthy"
    assert data["components"] == {
        "database": "healthy",
        "redis": "not configured",
        "broker": "in-process",
        "email_service": "healthy",
    }
    integration = api_client.get("/api/v1/integration/health")
    assert integration.status_code == 200
    assert integration.json()["data"]["components"]["redis"] == "not configured"
