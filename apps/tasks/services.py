"""Every write of module 4. Each service checks the rights itself (so the API, the admin and
commands get the same rules), runs in one transaction and emits its domain events there (they are
dispatched after commit, never on rollback)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone

from apps.core.exceptions import Conflict, NotFound, ValidationFailed
from apps.core.services import model_update
from apps.events.services import emit
from apps.projects.models import Project
from apps.projects.policies import require_task_editor
from apps.tasks.choices import DependencyType, TaskPriority, TaskStatus
from apps.tasks.guards import check_change
from apps.tasks.models import Subtask, Task, TaskAssignee, TaskDependency, TaskList
from apps.tasks.selectors import users_who_can_see_project
from apps.workspaces.models import Workspace

# Fields a task update may change, beside status, list and assignees which have their own rules.
PLAIN_FIELDS = ("title", "description", "priority", "start_date", "due_date", "estimated_hours", "tags")
UNSET = object()


# --- Rights and helpers ---------------------------------------------------------------------


def task_payload(task: Task, assignee_ids: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    """The event payload of a task (the contract shared by task.* events)."""
    if assignee_ids is None:
        assignee_ids = _assignee_ids(task)
    return {
        "task_id": str(task.pk),
        "project_id": str(task.project_id),
        "workspace_id": str(task.workspace_id),
        "task_list_id": str(task.task_list_id) if task.task_list_id else None,
        "title": task.title,
        "status": task.status,
        "priority": task.priority,
        "assignee_ids": assignee_ids,
        "created_by_id": str(task.created_by_id) if task.created_by_id else None,
        "due_date": task.due_date,
        **extra,
    }


def task_planned_fields(task: Task) -> list[str]:
    """What of the task a project plan holds: its dates when set, and "dependencies" when it has
    links either way (for the change guards of moves, deletes and restores)."""
    fields = [name for name in ("start_date", "due_date") if getattr(task, name)]
    links = TaskDependency.objects.filter(Q(task_id=task.pk) | Q(depends_on_id=task.pk))
    return [*fields, "dependencies"] if links.exists() else fields


def _assignee_ids(task: Task) -> list[str]:
    return [
        str(pk)
        for pk in TaskAssignee.objects.filter(task=task).order_by("assigned_at", "pk").values_list("user_id", flat=True)
    ]


def _emit(event_type: str, task: Task, *, actor, **extra: Any) -> None:
    emit(
        event_type,
        aggregate=task,
        actor=actor,
        workspace=task.workspace,
        project=task.project_id,
        payload={**task_payload(task), **extra},
    )


def _resolve_assignees(project: Project, user_ids: Iterable, field: str = "assignee_ids") -> list:
    """The users behind `user_ids`, all of whom must be able to see `project` (422 naming `field`
    otherwise; an unknown id and a user of another workspace get the same answer)."""
    user_ids = list(dict.fromkeys(str(pk) for pk in user_ids))
    users = {str(user.pk): user for user in users_who_can_see_project(project=project, user_ids=user_ids)}
    missing = [pk for pk in user_ids if pk not in users]
    if missing:
        raise ValidationFailed({field: [f"User {pk} does not exist or cannot see this project." for pk in missing]})
    return [users[pk] for pk in user_ids]


def _siblings(project_id, task_list_id) -> QuerySet[Task]:
    return Task.objects.filter(project_id=project_id, task_list_id=task_list_id)


def _place(queryset: QuerySet, position: int | None, exclude_pk=None) -> int:
    """The position for a row entering `queryset`: the end, or `position` with the rows at and
    after it shifted down by one."""
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    if position is None:
        top = queryset.aggregate(top=Max("position"))["top"]
        return 0 if top is None else top + 1
    queryset.filter(position__gte=position).update(position=F("position") + 1)
    return position


def _stamp_status(task: Task, new_status: str, now) -> None:
    """started_at: first entry into in_progress; completed_at: entry into completed, cleared when
    the task leaves completed."""
    task.status = new_status
    if new_status == TaskStatus.IN_PROGRESS and task.started_at is None:
        task.started_at = now
    if new_status == TaskStatus.COMPLETED:
        task.completed_at = now
    elif task.completed_at is not None:
        task.completed_at = None


def _lock_task(task: Task) -> Task:
    """Re-read the task under a row lock so concurrent updates compute their diffs in turn."""
    return Task.objects.select_for_update(of=("self",)).select_related("project", "workspace").get(pk=task.pk)


# --- Task lists -----------------------------------------------------------------------------


def task_list_create(*, actor, project: Project, name: str, position: int | None = None) -> TaskList:
    """Create a list in `project`. 403 without task rights, 409 on an archived project."""
    require_task_editor(actor, project)
    with transaction.atomic():
        position = _place(TaskList.objects.filter(project=project), position)
        return TaskList.objects.create(workspace_id=project.workspace_id, project=project, name=name, position=position)


def task_list_update(*, actor, task_list: TaskList, name: str | None = None, position: int | None = None) -> TaskList:
    """Rename or reorder a list. 403 / 409 as for creation."""
    require_task_editor(actor, task_list.project)
    with transaction.atomic():
        fields = []
        if name is not None and name != task_list.name:
            task_list.name, fields = name, [*fields, "name"]
        if position is not None and position != task_list.position:
            siblings = TaskList.objects.filter(project_id=task_list.project_id)
            task_list.position = _place(siblings, position, exclude_pk=task_list.pk)
            fields.append("position")
        if fields:
            task_list.save(update_fields=[*fields, "updated_at"])
    return task_list


# --- Tasks ----------------------------------------------------------------------------------


def task_create(
    *,
    actor,
    project: Project,
    title: str,
    task_list: TaskList | None = None,
    description: str = "",
    status: str | None = None,
    priority: str = TaskPriority.MEDIUM,
    position: int | None = None,
    assignee_ids: Iterable = (),
    start_date=None,
    due_date=None,
    estimated_hours=None,
    tags: Iterable[str] = (),
) -> Task:
    """Create a task; the creator watches it.

    Status defaults to the workspace's default task status. Emits `task.created`, then
    `task.assigned` when it has assignees and `task.completed` when created completed.
    Raises 403 without task rights, 409 on an archived project, 422 when the list belongs to another
    project or an assignee cannot see the project.
    """
    require_task_editor(actor, project)
    check_change(project, [name for name, value in (("start_date", start_date), ("due_date", due_date)) if value])
    if task_list is not None and task_list.project_id != project.pk:
        raise ValidationFailed.field("task_list_id", "The task list belongs to another project.")
    workspace = Workspace.objects.get(pk=project.workspace_id)
    if status is None:
        status = workspace.default_task_status if workspace.default_task_status in TaskStatus.values else "todo"
    assignees = _resolve_assignees(project, assignee_ids)
    now = timezone.now()
    with transaction.atomic():
        task = Task(
            workspace=workspace,
            project=project,
            task_list=task_list,
            title=title,
            description=description,
            priority=priority,
            start_date=start_date,
            due_date=due_date,
            estimated_hours=estimated_hours,
            tags=list(tags),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        _stamp_status(task, status, now)
        task.position = _place(_siblings(project.pk, getattr(task_list, "pk", None)), position)
        task.save()
        TaskAssignee.objects.bulk_create(
            [TaskAssignee(task=task, user=user, assigned_by=task.created_by) for user in assignees]
        )
        if task.created_by is not None:
            task.watchers.add(task.created_by)
        _emit("task.created", task, actor=actor)
        if assignees:
            _emit("task.assigned", task, actor=actor, assigned_user_ids=[str(user.pk) for user in assignees])
        if task.status == TaskStatus.COMPLETED:
            _emit("task.completed", task, actor=actor)
    return task


def task_update(*, actor, task: Task, data: dict[str, Any]) -> Task:
    """Change a task's fields (title, description, status, priority, dates, estimate, tags,
    position, task_list, assignee_ids).

    A status change runs the workflow stamps. Emits `task.updated` with `changes` (field ->
    {old, new}) when something changed, `task.assigned` for newly added assignees and
    `task.completed` on entering completed. Raises 403 / 409 as for creation, 422 when the list
    belongs to another project or an assignee cannot see the project.
    """
    require_task_editor(actor, task.project)
    with transaction.atomic():
        task = _lock_task(task)
        _, changes = model_update(instance=task, fields=PLAIN_FIELDS, data=data, save=False)
        fields: list[str] = list(changes)
        if task.start_date and task.due_date and task.due_date < task.start_date:
            raise ValidationFailed.field("due_date", "The due date cannot be before the start date.")
        check_change(task, fields)

        if "status" in data and data["status"] != task.status:
            changes["status"] = {"old": task.status, "new": data["status"]}
            _stamp_status(task, data["status"], timezone.now())
            fields += ["status", "started_at", "completed_at"]

        list_changed = "task_list" in data and getattr(data["task_list"], "pk", None) != task.task_list_id
        if list_changed:
            new_list = data["task_list"]
            if new_list is not None and new_list.project_id != task.project_id:
                raise ValidationFailed.field("task_list_id", "The task list belongs to another project.")
            changes["task_list_id"] = {"old": task.task_list_id, "new": getattr(new_list, "pk", None)}
            task.task_list = new_list
            fields.append("task_list")
        if list_changed or ("position" in data and data["position"] != task.position):
            old_position = task.position
            task.position = _place(
                _siblings(task.project_id, task.task_list_id), data.get("position"), exclude_pk=task.pk
            )
            if task.position != old_position:
                changes["position"] = {"old": old_position, "new": task.position}
            fields.append("position")

        added = []
        if "assignee_ids" in data:
            added = _set_assignees(actor, task, data["assignee_ids"], changes)

        if fields:
            task.save(update_fields=[*dict.fromkeys(fields), "updated_at"])
        if changes:
            _emit("task.updated", task, actor=actor, changes=changes)
        if added:
            _emit("task.assigned", task, actor=actor, assigned_user_ids=[str(user.pk) for user in added])
        if "status" in changes and task.status == TaskStatus.COMPLETED:
            _emit("task.completed", task, actor=actor)
    return task


def _set_assignees(actor, task: Task, user_ids: Iterable, changes: dict) -> list:
    """Make the task's assignees exactly `user_ids`; every newly added user must be able to see the
    project (422). Records the change in `changes`; returns the added users."""
    old_ids = _assignee_ids(task)
    wanted = list(dict.fromkeys(str(pk) for pk in user_ids))
    added = _resolve_assignees(task.project, [pk for pk in wanted if pk not in old_ids])
    if set(wanted) == set(old_ids):
        return []
    TaskAssignee.objects.filter(task=task).exclude(user_id__in=wanted).delete()
    assigned_by = actor if getattr(actor, "is_authenticated", False) else None
    TaskAssignee.objects.bulk_create([TaskAssignee(task=task, user=user, assigned_by=assigned_by) for user in added])
    kept = [pk for pk in old_ids if pk in wanted]
    changes["assignee_ids"] = {"old": old_ids, "new": kept + [str(user.pk) for user in added]}
    return added


def task_status_change(*, actor, task: Task, status: str) -> Task:
    """Move a task through the workflow (see `task_update` for stamps, events and errors)."""
    return task_update(actor=actor, task=task, data={"status": status})


def task_assign(*, actor, task: Task, user_ids: Iterable, field: str = "user_ids") -> Task:
    """Add assignees (already assigned ones are kept). Emits `task.updated` and `task.assigned`
    when someone new was added; 422 naming `field` (the body field that held the ids) when a user
    cannot see the project."""
    _resolve_assignees(task.project, user_ids, field)
    current = _assignee_ids(task)
    wanted = current + [str(pk) for pk in user_ids if str(pk) not in current]
    return task_update(actor=actor, task=task, data={"assignee_ids": wanted})


def task_unassign(*, actor, task: Task, user_id) -> Task:
    """Remove one assignee (404 when the user is not assigned). Emits `task.updated`."""
    require_task_editor(actor, task.project)
    current = _assignee_ids(task)
    if str(user_id) not in current:
        raise NotFound("This user is not assigned to the task.")
    with transaction.atomic():
        task = _lock_task(task)
        TaskAssignee.objects.filter(task=task, user_id=user_id).delete()
        _emit(
            "task.updated",
            task,
            actor=actor,
            changes={"assignee_ids": {"old": current, "new": [pk for pk in current if pk != str(user_id)]}},
        )
    return task


def task_move(
    *, actor, task: Task, task_list: TaskList | object | None = UNSET, project: Project | None = None, position=None
) -> Task:
    """Move a task to another list and/or another project of the same workspace, at `position`.

    Moving to another project without a list puts the task outside lists there. Emits
    `task.updated` with the changed project/list/position. Raises 403 without task rights on the
    source or target project, 409 when one is archived, 422 when the target is in another
    workspace, the list is not in the target project, or an assignee cannot see the target project.
    """
    if project is None:
        project = task_list.project if isinstance(task_list, TaskList) else task.project
    if project.workspace_id != task.workspace_id:
        raise ValidationFailed.field("project_id", "Tasks move only between projects of the same workspace.")
    if isinstance(task_list, TaskList) and task_list.project_id != project.pk:
        raise ValidationFailed.field("task_list_id", "The task list belongs to another project.")
    require_task_editor(actor, task.project)
    if project.pk != task.project_id:
        require_task_editor(actor, project)
        # The task leaves one plan and joins another: both must be open to its dates and links.
        planned = task_planned_fields(task)
        check_change(task.project, planned)
        check_change(project, planned)
    with transaction.atomic():
        task = _lock_task(task)
        changes: dict[str, dict[str, Any]] = {}
        if project.pk != task.project_id:
            assignee_ids = _assignee_ids(task)
            try:
                _resolve_assignees(project, assignee_ids)
            except ValidationFailed as exc:
                raise ValidationFailed(
                    {"project_id": ["Every assignee must be able to see the target project."], **exc.details}
                ) from None
            changes["project_id"] = {"old": task.project_id, "new": project.pk}
            task.project = project
            if task_list is UNSET:
                task_list = None
        if task_list is not UNSET and getattr(task_list, "pk", None) != task.task_list_id:
            changes["task_list_id"] = {"old": task.task_list_id, "new": getattr(task_list, "pk", None)}
            task.task_list = task_list
        if changes or (position is not None and position != task.position):
            old_position = task.position
            task.position = _place(_siblings(task.project_id, task.task_list_id), position, exclude_pk=task.pk)
            if task.position != old_position:
                changes["position"] = {"old": old_position, "new": task.position}
        if changes:
            task.save(update_fields=["project", "task_list", "position", "updated_at"])
            _emit("task.updated", task, actor=actor, changes=changes)
    return task


# --- Subtasks -------------------------------------------------------------------------------


def subtask_create(*, actor, task: Task, title: str, is_done: bool = False, position: int | None = None) -> Subtask:
    """Add a checklist item to `task`. 403 without task rights, 409 on an archived project."""
    require_task_editor(actor, task.project)
    with transaction.atomic():
        position = _place(Subtask.objects.filter(task=task), position)
        return Subtask.objects.create(task=task, title=title, is_done=is_done, position=position)


def subtask_update(*, actor, subtask: Subtask, data: dict[str, Any]) -> Subtask:
    """Edit a checklist item (title, is_done, position). 403 / 409 as for creation."""
    require_task_editor(actor, subtask.task.project)
    with transaction.atomic():
        _, changes = model_update(instance=subtask, fields=("title", "is_done"), data=data, save=False)
        fields = list(changes)
        if "position" in data and data["position"] != subtask.position:
            subtask.position = _place(Subtask.objects.filter(task_id=subtask.task_id), data["position"], subtask.pk)
            fields.append("position")
        if fields:
            subtask.save(update_fields=[*fields, "updated_at"])
    return subtask


def subtask_delete(*, actor, subtask: Subtask) -> None:
    """Delete a checklist item for good (it is part of its task, not a trashable resource)."""
    require_task_editor(actor, subtask.task.project)
    subtask.delete()


# --- Dependencies ---------------------------------------------------------------------------


def _reaches(start_id, target_id) -> bool:
    """Whether `target_id` is reachable from `start_id` following "depends on" edges (one query per
    level). Edges of trashed tasks count too, so a later restore cannot bring back a cycle."""
    seen, frontier = {start_id}, {start_id}
    while frontier:
        if target_id in frontier:
            return True
        following = set(TaskDependency.objects.filter(task_id__in=frontier).values_list("depends_on_id", flat=True))
        frontier = following - seen
        seen |= frontier
    return False


def dependency_create(
    *, actor, task: Task, depends_on: Task, type: str = DependencyType.FINISH_TO_START
) -> TaskDependency:
    """Make `task` depend on `depends_on` (FS, SS, FF or SF), within one workspace.

    Raises 403 / 409 as for task edits, 422 naming `depends_on_task_id` when `depends_on` is in
    another workspace or is the task itself (an invalid value, not a conflict with stored state), 409
    for a duplicate or for one that would close a cycle (modules 1-6: "a cycle answers 409"). Dependency writes of a
    workspace are serialised (row lock on the workspace) so two concurrent edges cannot form a cycle.
    """
    require_task_editor(actor, task.project)
    if depends_on.workspace_id != task.workspace_id:
        raise ValidationFailed.field("depends_on_task_id", "Dependencies stay within one workspace.")
    if depends_on.pk == task.pk:
        raise ValidationFailed.field("depends_on_task_id", "A task cannot depend on itself.")
    check_change(task, ("dependencies",))
    with transaction.atomic():
        Workspace.all_objects.select_for_update().filter(pk=task.workspace_id).first()
        if TaskDependency.objects.filter(task=task, depends_on=depends_on).exists():
            raise Conflict("This dependency already exists.")
        if _reaches(depends_on.pk, task.pk):
            raise Conflict(
                "This dependency would create a cycle.",
                details={"task_id": str(task.pk), "depends_on_task_id": str(depends_on.pk)},
            )
        try:
            with transaction.atomic():
                return TaskDependency.objects.create(task=task, depends_on=depends_on, type=type)
        except IntegrityError:
            raise Conflict("This dependency already exists.") from None


def dependency_delete(*, actor, dependency: TaskDependency) -> None:
    """Remove a dependency. 403 / 409 as for task edits of the dependent task's project."""
    require_task_editor(actor, dependency.task.project)
    check_change(dependency.task, ("dependencies",))
    dependency.delete()
