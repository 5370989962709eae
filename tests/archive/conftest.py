import pytest

from apps.projects.choices import ProjectRole
from tests.factories.collaboration import CommentFactory
from tests.factories.projects import ProjectFactory, ProjectMemberFactory


@pytest.fixture
def project(team):
    """Unlike the shared `project`, the plain member manages it and the owner is no project member:
    the owner's rights here come from the workspace role."""
    project = ProjectFactory(workspace=team.workspace, created_by=team.owner)
    ProjectMemberFactory(project=project, user=team.member, role=ProjectRole.MANAGER)
    return project


@pytest.fixture
def comment(task, team):
    return CommentFactory(task=task, author=team.member)
