import pytest

from tests.factories.projects import ProjectFactory


@pytest.fixture
def project(team):
    """Unlike the shared `project`, nobody is a project member: every right comes from a workspace role."""
    return ProjectFactory(workspace=team.workspace, name="Website Redesign")
