"""The demo seeders of modules 4 and 6 and the admin actions, which go through the services."""

import pytest
from django.urls import reverse

from apps.accounts import demo as accounts_demo
from apps.collaboration import demo as collaboration_demo
from apps.collaboration.models import Comment, Mention
from apps.projects import demo as projects_demo
from apps.tasks import demo as tasks_demo
from apps.tasks.choices import TaskStatus
from apps.tasks.models import Task, TaskDependency, TaskList
from apps.workspaces import demo as workspaces_demo
from tests.factories.accounts import UserFactory
from tests.factories.workspaces import WorkspaceMemberFactory
from tests.helpers import events

pytestmark = pytest.mark.django_db


def seed_all() -> dict:
    ctx: dict = {"logins": []}
    for module in (accounts_demo, workspaces_demo, projects_demo, tasks_demo, collaboration_demo):
        module.seed(ctx)
    return ctx


def test_demo_seed_fills_every_status_and_is_idempotent():
    ctx = seed_all()
    counts = (Task.objects.count(), TaskList.objects.count(), TaskDependency.objects.count(), Comment.objects.count())
    assert set(Task.objects.values_list("status", flat=True)) == set(TaskStatus.values)
    assert Task.objects.filter(assignees__isnull=False, due_date__isnull=False).exclude(tags=[]).exists()
    assert counts[2] > 0 and Mention.objects.exists()
    assert len(ctx["tasks"]) == counts[0]
    seed_all()
    assert (
        Task.objects.count(),
        TaskList.objects.count(),
        TaskDependency.objects.count(),
        Comment.objects.count(),
    ) == (counts)


def test_admin_action_completes_tasks_through_the_service(client, team, task):
    staff = UserFactory(is_staff=True, is_superuser=True)
    WorkspaceMemberFactory(workspace=team.workspace, user=staff, role="admin")
    client.force_login(staff)
    response = client.post(
        reverse("admin:tasks_task_changelist"), {"action": "mark_completed", "_selected_action": [str(task.pk)]}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.COMPLETED and task.completed_at is not None
    assert len(events("task.completed")) == 1


def test_admin_action_is_refused_for_staff_without_rights(client, team, task):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    client.post(
        reverse("admin:tasks_task_changelist"), {"action": "mark_completed", "_selected_action": [str(task.pk)]}
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.TODO
    assert not events("task.completed")
