import pytest

from apps.core.services import model_update
from tests.factories.workspaces import WorkspaceFactory

pytestmark = pytest.mark.django_db


def test_model_update_sets_and_saves_only_what_changed():
    workspace = WorkspaceFactory(name="Old", description="Same")
    stamp = workspace.updated_at
    workspace, changes = model_update(
        instance=workspace, fields=("name", "description", "type"), data={"name": "New", "description": "Same"}
    )
    assert changes == {"name": {"old": "Old", "new": "New"}}
    workspace.refresh_from_db()
    assert workspace.name == "New" and workspace.updated_at > stamp


def test_model_update_without_a_change_or_without_saving_writes_nothing():
    workspace = WorkspaceFactory(name="Kept")
    _, changes = model_update(instance=workspace, fields=("name",), data={"name": "Kept"})
    assert not changes
    _, changes = model_update(instance=workspace, fields=("name",), data={"name": "Unsaved"}, save=False)
    assert changes and workspace.name == "Unsaved"
    workspace.refresh_from_db()
    assert workspace.name == "Kept"
