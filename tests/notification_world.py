"""Fixtures shared by the event and notification suites: a populated workspace and a helper that
emits a domain event and runs its on-commit dispatch. Imported by their conftest modules."""

from types import SimpleNamespace

import pytest

from tests.factories.accounts import UserFactory
from tests.factories.notifications import (
    ProjectFactory,
    ProjectMemberFactory,
    TaskFactory,
    WorkspaceFactory,
    add_member,
    emit_event,
)


@pytest.fixture
def world(db):
    """A workspace with one user per role, a workspace-visible project with a task, and an
    outsider from another workspace."""
    owner = UserFactory(full_name="Olivia Owner")
    workspace = WorkspaceFactory(created_by=owner, name="Acme")
    add_member(workspace, "owner", owner)
    admin = add_member(workspace, "admin", UserFactory(full_name="Adam Admin"))
    member = add_member(workspace, "member", UserFactory(full_name="Mia Member"))
    viewer = add_member(workspace, "viewer", UserFactory(full_name="Vic Viewer"))
    outsider = UserFactory(full_name="Otto Outsider")
    add_member(WorkspaceFactory(created_by=outsider), "owner", outsider)
    project = ProjectFactory(workspace=workspace, created_by=owner, name="Website")
    for user in (owner, member, viewer):
        ProjectMemberFactory(project=project, user=user)
    task = TaskFactory(project=project, created_by=owner, title="Design UI")
    return SimpleNamespace(
        workspace=workspace,
        owner=owner,
        admin=admin,
        member=member,
        viewer=viewer,
        outsider=outsider,
        project=project,
        task=task,
    )


@pytest.fixture
def fire(django_capture_on_commit_callbacks):
    def _fire(event_type, **kwargs):
        return emit_event(django_capture_on_commit_callbacks, event_type, **kwargs)

    return _fire
