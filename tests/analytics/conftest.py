import pytest

from tests.factories.projects import ProjectFactory
from tests.factories.workspaces import Team


@pytest.fixture
def team(db) -> Team:
    return Team()


@pytest.fixture
def project(team):
    return ProjectFactory(workspace=team.workspace, name="Website Redesign")
