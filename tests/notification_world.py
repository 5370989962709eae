"""Fixtures shared by the event and notification suites: a Team with the names the messages read
back, `fire` (emit a domain event and run its on-commit dispatch) and the task and project events
built on it. Imported by their conftest modules."""

from types import SimpleNamespace

import pytest

from apps.projects.services import project_payload
from apps.tasks.services import task_payload
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


@pytest.fixture
def task_event(world, fire):
    """task_event(event_type, actor=..., task=world.task, **extra): fire a task event with the payload
    the task services write (apps.tasks.services.task_payload) plus `extra`."""

    def _fire(event_type, *, actor, task=None, **extra):
        task = task or world.task
        return fire(
            event_type,
            aggregate=task,
            actor=actor,
            workspace=world.workspace,
            project=task.project,
            payload=task_payload(task, **extra),
        )

    return _fire


@pytest.fixture
def project_event(world, fire):
    """project_event(event_type, actor=..., **extra): fire an event about world.project with the project
    payload plus `extra`."""

    def _fire(event_type, *, actor, **extra):
        return fire(
            event_type,
            aggregate=world.project,
            actor=actor,
            workspace=world.workspace,
            project=world.project,
            payload=project_payload(world.project, **extra),
        )

    return _fire


@pytest.fixture
def assign_event(world, task_event):
    """assign_event(*users): the owner assigns world.task to `users` (a task.assigned event)."""

    def _fire(*users):
        return task_event("task.assigned", actor=world.owner, assigned_user_ids=[str(user.pk) for user in users])

    return _fire
