"""Audit entries record a row's own fields, never its reverse relations."""

import pytest
from auditlog.models import LogEntry

from apps.projects.models import Project
from apps.tasks.models import Task, TaskList

pytestmark = pytest.mark.django_db


def test_created_project_list_and_task_are_audited_without_reverse_relations(client_for, team):
    client = client_for(team.owner)
    project = client.post("/api/v1/projects", {"workspace_id": str(team.workspace.pk), "name": "Apollo"}, format="json")
    assert project.status_code == 201, project.content
    project_id = project.json()["data"]["id"]
    task_list = client.post("/api/v1/tasks/lists", {"project_id": project_id, "name": "Backlog"}, format="json")
    task = client.post("/api/v1/tasks", {"project_id": project_id, "title": "Launch"}, format="json")
    assert task_list.status_code == task.status_code == 201

    for model, pk in (
        (Project, project_id),
        (TaskList, task_list.json()["data"]["id"]),
        (Task, task.json()["data"]["id"]),
    ):
        entry = LogEntry.objects.get_for_object(model.objects.get(pk=pk)).get(action=LogEntry.Action.CREATE)
        changes = entry.changes_dict
        assert "name" in changes or "title" in changes
        own = {field.name for field in model._meta.concrete_fields} | {"watchers"}
        assert set(changes) <= own, set(changes) - own
