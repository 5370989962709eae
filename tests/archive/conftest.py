import pytest

from apps.projects.models import ProjectMember
from tests.factories.collaboration import CommentFactory
from tests.factories.projects import ProjectFactory
from tests.factories.tasks import TaskFactory, TaskListFactory
from tests.factories.workspaces import Team


@pytest.fixture
def team(db):
    """A workspace with owner, admin, member, viewer, plus an outsider with their own workspace."""
    return Team()


@pytest.fixture
def project(team):
    project = ProjectFactory(workspace=team.workspace, created_by=team.owner)
    ProjectMember.objects.create(project=project, user=team.member, role="manager")
    return project


@pytest.fixture
def task_list(project):
    return TaskListFactory(project=project)


@pytest.fixture
def task(project, task_list):
    return TaskFactory(project=project, task_list=task_list)


@pytest.fixture
def comment(task, team):
    return CommentFactory(task=task, author=team.member)
