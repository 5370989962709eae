"""A team workspace (calendar-day week unless a test says otherwise) with a workspace-visible
project starting on Monday 2026-01-05, and helpers to build task graphs."""

import datetime as dt

import pytest

from apps.projects.choices import ProjectRole
from tests.factories.projects import ProjectFactory, ProjectMemberFactory
from tests.factories.workspaces import Team

MONDAY = dt.date(2026, 1, 5)


@pytest.fixture
def team(db) -> Team:
    team = Team()
    team.workspace.work_days = [1, 2, 3, 4, 5, 6, 7]
    team.workspace.save(update_fields=["work_days"])
    return team


@pytest.fixture
def project(team):
    project = ProjectFactory(workspace=team.workspace, created_by=team.owner, start_date=MONDAY)
    ProjectMemberFactory(project=project, user=team.owner, role=ProjectRole.MANAGER)
    return project


@pytest.fixture
def foreign_project(team):
    return ProjectFactory(workspace=team.other_workspace, created_by=team.outsider, start_date=MONDAY)
