import importlib

import pytest
from django.apps import apps

from tests.factories.accounts import bearer
from tests.factories.integrations import ApiTokenFactory
from tests.webhook_receiver import Receiver


@pytest.fixture(autouse=True)
def _catalogue(request):
    """The OAuth providers and plugins the data migration seeds. Transactional tests elsewhere in
    the suite flush the database (migration data included), so put them back, the same way."""
    if request.node.get_closest_marker("django_db") is None and "db" not in request.fixturenames:
        return
    request.getfixturevalue("db")
    importlib.import_module("apps.integrations.migrations.0002_seed_catalogue").seed(apps, None)


@pytest.fixture
def token_client():
    """token_client(raw) -> an APIClient sending `Authorization: Bearer <raw>`."""
    return bearer


@pytest.fixture
def api_token(team):
    """A token of the team's owner with read access to projects."""
    return ApiTokenFactory(user=team.owner, scopes=["read:projects"])


@pytest.fixture
def allow_private_targets(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True


@pytest.fixture
def receiver(allow_private_targets):
    server = Receiver().start()
    yield server
    server.close()
