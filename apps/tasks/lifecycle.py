"""What deleting, restoring and purging mean for task lists and tasks, registered with
`apps.core.trash` in `TasksConfig.ready()`. `DELETE /tasks/lists/{id}`, `DELETE /tasks/{id}` and
the trash endpoints of module 8 all call these, so they answer and emit the same.

Purge needs nothing of its own: `apps.core.trash.purge` deletes a list with every task (and comment)
it contains.
"""

from __future__ import annotations

import uuid

from django.db import transaction

from apps.core import trash
from apps.core.exceptions import Conflict
from apps.events.services import emit
from apps.projects.access import require_project_writable
from apps.projects.policies import require_task_editor
from apps.tasks.guards import check_change
from apps.tasks.models import Task, TaskList
from apps.tasks.services import task_payload, task_planned_fields


def _emit_each(event_type: str, tasks: list[Task], *, actor) -> None:
    for task in tasks:
        payload = task_payload(task)
        emit(
            event_type, aggregate=task, actor=actor, workspace=task.workspace, project=task.project_id, payload=payload
        )


def task_list_delete(*, actor, obj: TaskList, force: bool = False) -> uuid.UUID:
    """Move a list to the trash with its tasks and their comments; returns the deletion id.

    Refused (409 CONFLICT, `details.tasks_count`) while it holds tasks unless `force`; then every
    task goes with it and each emits `task.deleted`. 403 without task rights, 409 on an archived
    project."""
    require_task_editor(actor, obj.project)
    with transaction.atomic():
        tasks = list(Task.objects.filter(task_list=obj).select_related("workspace"))
        if tasks and not force:
            raise Conflict(
                "The task list still holds tasks. Move them first or delete with force=true.",
                details={"tasks_count": len(tasks)},
            )
        for task in tasks:  # a locked plan keeps its dated and linked tasks
            check_change(task, task_planned_fields(task))
        payloads = [(task, task_payload(task)) for task in tasks]
        deletion_id = trash.soft_delete(obj, actor=actor)
        for task, payload in payloads:
            emit(
                "task.deleted",
                aggregate=task,
                actor=actor,
                workspace=task.workspace,
                project=task.project_id,
                payload=payload,
            )
    return deletion_id


def task_list_restore(*, actor, obj: TaskList) -> TaskList:
    """Bring a list back with the tasks deleted with it; each emits `task.restored`. 409 while its
    project is in the trash or archived."""
    with transaction.atomic():
        _require_writable_parent(obj)
        coming_back = list(
            Task.all_objects.filter(task_list=obj, deletion_id=obj.deletion_id).values_list("pk", flat=True)
        )
        trash.restore(obj, actor=actor)
        _emit_each(
            "task.restored", list(Task.objects.filter(pk__in=coming_back).select_related("workspace")), actor=actor
        )
    return obj


def task_delete(*, actor, obj: Task, force: bool = False) -> uuid.UUID:
    """Move a task (and its comments) to the trash; emits `task.deleted`; returns the deletion id.
    403 without task rights, 409 on an archived project. `force` is accepted for symmetry."""
    require_task_editor(actor, obj.project)
    check_change(obj, task_planned_fields(obj))  # a locked plan keeps its dated and linked tasks
    with transaction.atomic():
        payload = task_payload(obj)
        deletion_id = trash.soft_delete(obj, actor=actor)
        emit(
            "task.deleted", aggregate=obj, actor=actor, workspace=obj.workspace, project=obj.project_id, payload=payload
        )
    return deletion_id


def task_restore(*, actor, obj: Task) -> Task:
    """Bring a task back with its comments; emits `task.restored`. 409 while its list or project is
    in the trash, or its project is archived."""
    with transaction.atomic():
        _require_writable_parent(obj)
        check_change(obj, task_planned_fields(obj))
        trash.restore(obj, actor=actor)
        _emit_each("task.restored", [obj], actor=actor)
    return obj


def _require_writable_parent(obj) -> None:
    project = type(obj.project).all_objects.get(pk=obj.project_id)
    if project.deleted_at is None:
        require_project_writable(project)
