"""Who may see and act on task lists, tasks and their parts, registered in `TasksConfig.ready()`.

A task is seen by whoever sees its project, and changed or deleted by whoever may edit the project's
tasks (`ProjectRules.edit_tasks`).
"""

from __future__ import annotations

from django.db.models import Q

from apps.core.access import restrict
from apps.projects.access import projects_where
from apps.projects.models import Project
from apps.tasks.models import Task


def _visible_project_ids(user):
    return restrict(Project.objects, user).values("id")


class ProjectChildRules:
    """Task lists and tasks: rows with a `project` of their own."""

    def view(self, user) -> Q:
        return Q(project_id__in=_visible_project_ids(user))

    def change(self, user) -> Q:
        return Q(project_id__in=projects_where(user, "edit_tasks"))

    delete = change


class TaskChildRules:
    """Subtasks, assignees and dependencies: rows that hang off a task."""

    def view(self, user) -> Q:
        return Q(task_id__in=restrict(Task.objects, user).values("id"))

    def change(self, user) -> Q:
        return Q(task__project_id__in=projects_where(user, "edit_tasks"))

    delete = change
