"""Fixtures shared by every test module. App-specific fixtures live in tests/<app>/conftest.py."""

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from apps.projects.choices import ProjectRole, ProjectVisibility
from tests.factories.accounts import UserFactory
from tests.factories.projects import ProjectFactory, ProjectMemberFactory
from tests.factories.tasks import TaskFactory, TaskListFactory
from tests.factories.workspaces import Team


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
def staff(db):
    """A superuser of the admin console (active, so the one sign-in rule lets them in)."""
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(staff):
    """Django's test client signed in to the admin as `staff` (replaces pytest-django's, whose
    `admin_user` would be created with a password the validators refuse)."""
    client = Client()
    client.force_login(staff)
    return client


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


@pytest.fixture
def redis_down(settings):
    """The cache points at a closed Redis port (short timeouts), as when Redis is down."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }


# --- The team and its work: one workspace with a user in every role -------------------------


@pytest.fixture
def team(db) -> Team:
    """A workspace with an owner, an admin, a member and a viewer, plus an outsider who owns another
    workspace (team.other_workspace)."""
    return Team()


@pytest.fixture
def project(team):
    """The team's workspace-visible project, created and managed by the owner."""
    return team.project


@pytest.fixture
def private_project(team):
    """A private project of the team's workspace that only the owner (its manager) belongs to."""
    project = ProjectFactory(workspace=team.workspace, created_by=team.owner, visibility=ProjectVisibility.PRIVATE)
    ProjectMemberFactory(project=project, user=team.owner, role=ProjectRole.MANAGER)
    return project


@pytest.fixture
def foreign_project(team):
    """A project of the outsider's workspace."""
    return ProjectFactory(workspace=team.other_workspace, created_by=team.outsider)


@pytest.fixture
def task_list(project):
    return TaskListFactory(project=project)


@pytest.fixture
def task(project, task_list, team):
    """A task of `project`, in `task_list`, created by the owner."""
    return TaskFactory(project=project, task_list=task_list, created_by=team.owner)
