"""A workspace with a user in every role, a workspace-visible project with a list and a task,
and a private project the plain member does not belong to."""

import pytest

from apps.projects.choices import ProjectRole, ProjectVisibility
from tests.factories.projects import ProjectFactory, ProjectMemberFactory
from tests.factories.tasks import TaskFactory, TaskListFactory
from tests.factories.workspaces import Team


@pytest.fixture
def team(db) -> Team:
    return Team()


@pytest.fixture
def project(team):
    project = ProjectFactory(workspace=team.workspace, created_by=team.owner)
    ProjectMemberFactory(project=project, user=team.owner, role=ProjectRole.MANAGER)
    return project


@pytest.fixture
def private_project(team):
    project = ProjectFactory(workspace=team.workspace, created_by=team.owner, visibility=ProjectVisibility.PRIVATE)
    ProjectMemberFactory(project=project, user=team.owner, role=ProjectRole.MANAGER)
    return project


@pytest.fixture
def task_list(project):
    return TaskListFactory(project=project)


@pytest.fixture
def task(project, task_list, team):
    return TaskFactory(project=project, task_list=task_list, created_by=team.owner)


@pytest.fixture
def foreign_project(team):
    """A project of the outsider's workspace."""
    return ProjectFactory(workspace=team.other_workspace, created_by=team.outsider)
