"""The beat job that purges expired trash items."""

import datetime as dt

import pytest
from freezegun import freeze_time

from apps.archive.models import TrashItem
from apps.archive.tasks import trash_purge_expired_task
from apps.core import trash
from apps.projects.models import Project
from apps.tasks.models import Task
from apps.workspaces.models import Workspace
from tests.archive.helpers import domain_entries
from tests.factories.tasks import TaskFactory

pytestmark = pytest.mark.django_db


def test_items_are_purged_only_after_thirty_days(team, project):
    task = TaskFactory(project=project, with_list=True)
    with freeze_time("2026-01-01T10:00:00Z"):
        trash.soft_delete(task, actor=team.owner)
    with freeze_time("2026-01-31T09:59:00Z"):
        assert trash_purge_expired_task.delay().get() == 0
    assert TrashItem.objects.count() == 1
    with freeze_time("2026-01-31T10:00:01Z"):
        assert trash_purge_expired_task.delay().get() == 1
    assert not Task.all_objects.filter(pk=task.pk).exists()
    assert not TrashItem.objects.exists()
    entry = domain_entries("task.purged").get()
    assert entry.actor is None


def test_expiry_purges_contents_before_containers_and_survives_cascades(team, project, task):
    with freeze_time("2026-01-01T10:00:00Z"):
        trash.soft_delete(task, actor=team.owner)
        trash.soft_delete(project, actor=team.owner)
        trash.soft_delete(team.workspace, actor=team.owner)
    with freeze_time("2026-03-01T00:00:00Z"):
        assert trash_purge_expired_task.delay().get() == 3
    assert not Workspace.all_objects.filter(pk=team.workspace.pk).exists()
    assert not Project.all_objects.filter(pk=project.pk).exists()
    assert not TrashItem.objects.exists()


def test_fresh_items_stay(team, task):
    trash.soft_delete(task, actor=team.owner)
    trash_purge_expired_task.delay()
    assert TrashItem.objects.get().expires_at - TrashItem.objects.get().deleted_at == dt.timedelta(days=30)
