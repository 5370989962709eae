"""The demo seeder of module 5 and the admin registrations."""

import pytest
from django.contrib import admin

from apps.accounts import demo as accounts_demo
from apps.projects import demo as projects_demo
from apps.projects.models import Project
from apps.scheduling import demo as scheduling_demo
from apps.scheduling import selectors
from apps.scheduling.models import Baseline, Milestone, ProjectPlan
from apps.tasks import demo as tasks_demo
from apps.tasks.models import TaskDependency
from apps.workspaces import demo as workspaces_demo

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
