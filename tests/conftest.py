"""Fixtures shared by every test module. App-specific fixtures live in tests/<app>/conftest.py."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.factories.accounts import UserFactory


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rate-limit counters and cached values must not leak between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    """An anonymous client."""
    return APIClient()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def client_for():
    """client_for(user) -> an APIClient authenticated as `user`."""

    def make(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user=user)
        return client

    return make


@pytest.fixture
def auth_client(client_for, user) -> APIClient:
    return client_for(user)
