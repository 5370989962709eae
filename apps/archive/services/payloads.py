"""Event payloads of the contract (common conventions), built in one place for module 8's events."""

from __future__ import annotations


def project_payload(project, **extra) -> dict:
    return {
        "project_id": str(project.pk),
        "workspace_id": str(project.workspace_id),
        "name": project.name,
        "status": project.status,
        "visibility": project.visibility,
        **extra,
    }


def task_payload(task, **extra) -> dict:
    return {
        "task_id": str(task.pk),
        "project_id": str(task.project_id),
        "workspace_id": str(task.workspace_id),
        "task_list_id": str(task.task_list_id) if task.task_list_id else None,
        "title": task.title,
        "status": task.status,
        "priority": task.priority,
        "assignee_ids": [str(pk) for pk in task.assignments.values_list("user_id", flat=True)],
        "created_by_id": str(task.created_by_id) if task.created_by_id else None,
        "due_date": task.due_date.isoformat() if task.due_date else None,
        **extra,
    }
