"""The demo seeder of module 5 and the admin registrations."""

import pytest
from django.contrib import admin

from apps.accounts import demo as accounts_demo
from apps.archive.models import TrashItem
from apps.projects import demo as projects_demo
from apps.projects.models import Project
from apps.scheduling import demo as scheduling_demo
from apps.scheduling import selectors
from apps.scheduling.models import Baseline, Milestone, ProjectPlan
from apps.tasks import demo as tasks_demo
from apps.tasks.models import TaskDependency
from apps.workspaces import demo as workspaces_demo
from tests.scheduling.helpers import day

pytestmark = pytest.mark.django_db


def seed_all() -> dict:
    ctx: dict = {"logins": []}
    for module in (accounts_demo, workspaces_demo, projects_demo, tasks_demo, scheduling_demo):
        module.seed(ctx)
    return ctx


def test_the_demo_project_has_a_critical_path_a_baseline_and_milestones_and_is_idempotent():
    seed_all()
    project = Project.objects.select_related("workspace").get(name=scheduling_demo.PROJECT)
    counts = (TaskDependency.objects.filter(task__project=project).count(), Milestone.objects.count())
    assert counts[0] == 8 and counts[1] == 2
    assert Baseline.objects.filter(project=project).count() == 1
    assert ProjectPlan.objects.get(project=project).state == "approved"
    schedule = selectors.critical_path_get(project=project)
    assert 2 <= len(schedule["critical_path"]) < len(schedule["tasks"])
    variances = {row["title"]: row["variance_days"] for row in selectors.baseline_overview(project=project)["tasks"]}
    assert variances[scheduling_demo.SLIPPED] == 2
    seed_all()
    assert (TaskDependency.objects.filter(task__project=project).count(), Milestone.objects.count()) == counts


def test_the_models_are_in_the_admin():
    for model in (Milestone, Baseline, ProjectPlan):
        assert admin.site.is_registered(model)


def test_the_admin_trash_action_goes_through_the_service(client, team, project):
    team.owner.is_staff = team.owner.is_superuser = True
    team.owner.save(update_fields=["is_staff", "is_superuser"])
    milestone = Milestone.objects.create(workspace=team.workspace, project=project, name="Beta", due_date=day(3))
    client.force_login(team.owner)
    response = client.post(
        "/admin/scheduling/milestone/", {"action": "move_to_trash", "_selected_action": [str(milestone.pk)]}
    )
    assert response.status_code == 302
    assert Milestone.all_objects.get(pk=milestone.pk).deleted_at is not None
    assert TrashItem.objects.filter(resource_type="milestone").exists()
