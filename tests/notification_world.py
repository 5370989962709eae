"""Fixtures shared by the event and notification suites: the team of tests/conftest.py with names the
messages read back, and a helper that emits a domain event and runs its on-commit dispatch. Imported
by their conftest modules."""

from types import SimpleNamespace

import pytest

from tests.factories.notifications import emit_event
from tests.factories.projects import ProjectFactory, ProjectMemberFactory
from tests.factories.tasks import TaskFactory
from tests.factories.workspaces import Team

FULL_NAMES = {
    "owner": "Olivia Owner",
    "admin": "Adam Admin",
    "member": "Mia Member",
    "viewer": "Vic Viewer",
    "outsider": "Otto Outsider",
}


@pytest.fixture
def world(db):
    """A workspace with one user per role, a workspace-visible project (the owner, member and viewer
    are its plain members) with a task, and an outsider from another workspace."""
    team = Team(full_names=FULL_NAMES, workspace_name="Acme")
    project = ProjectFactory(workspace=team.workspace, created_by=team.owner, name="Website")
    for user in (team.owner, team.member, team.viewer):
        ProjectMemberFactory(project=project, user=user)
    task = TaskFactory(project=project, created_by=team.owner, title="Design UI")
    return SimpleNamespace(
        workspace=team.workspace,
        owner=team.owner,
        admin=team.admin,
        member=team.member,
        viewer=team.viewer,
        outsider=team.outsider,
        project=project,
        task=task,
    )


@pytest.fixture
def fire(django_capture_on_commit_callbacks):
    def _fire(event_type, **kwargs):
        return emit_event(django_capture_on_commit_callbacks, event_type, **kwargs)

    return _fire
