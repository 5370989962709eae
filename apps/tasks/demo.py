"""Demo data of module 4: lists and tasks in every status, with assignees, due dates, tags,
estimates, checklist items and dependencies, in the demo projects. Idempotent."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from apps.tasks import services
from apps.tasks.choices import DependencyType, TaskPriority, TaskStatus
from apps.tasks.models import Subtask, Task, TaskDependency, TaskList

LISTS = ["Backlog", "In progress", "Done"]

# (title, list index, status, priority, assignee keys, due in days, tags, estimated hours, subtasks)
TASKS = [
    ("Define release scope", 2, TaskStatus.COMPLETED, TaskPriority.HIGH, ["admin"], -10, ["planning"], "4", []),
    (
        "Design onboarding screens",
        1,
        TaskStatus.IN_REVIEW,
        TaskPriority.HIGH,
        ["member"],
        3,
        ["design", "ux"],
        "12",
        ["Welcome screen", "Permissions screen", "Empty states"],
    ),
    (
        "Implement login flow",
        1,
        TaskStatus.IN_PROGRESS,
        TaskPriority.CRITICAL,
        ["member", "admin"],
        5,
        ["backend", "auth"],
        "16",
        ["Password login", "MFA step"],
    ),
    ("Push notification service", 0, TaskStatus.BLOCKED, TaskPriority.MEDIUM, ["admin"], 12, ["backend"], "10", []),
    ("App store listing copy", 0, TaskStatus.TODO, TaskPriority.LOW, ["member"], 20, ["marketing"], "3", []),
    ("Legacy web view support", 0, TaskStatus.CANCELLED, TaskPriority.LOW, [], None, ["scope-cut"], None, []),
]
# (dependent title, prerequisite title, type)
DEPENDENCIES = [
    ("Implement login flow", "Define release scope", DependencyType.FINISH_TO_START),
    ("Design onboarding screens", "Define release scope", DependencyType.FINISH_TO_START),
    ("Push notification service", "Implement login flow", DependencyType.START_TO_START),
    ("App store listing copy", "Design onboarding screens", DependencyType.FINISH_TO_FINISH),
]


def _projects(ctx: dict) -> list:
    projects = ctx.get("projects") or []
    return list(projects.values()) if isinstance(projects, dict) else list(projects)


def _assignable(project, users: dict, keys: list[str]) -> list:
    """Demo assignees who can see the project (private projects: owner and admin only)."""
    if project.visibility == "private":
        keys = [key for key in keys if key in ("owner", "admin")] or ["admin"]
    return [users[key].pk for key in keys]


def seed(ctx: dict) -> None:
    users = ctx["users"]
    owner = users["owner"]
    today = timezone.localdate()
    all_tasks = []
    for project in _projects(ctx):
        lists = []
        for name in LISTS:
            task_list = TaskList.objects.filter(project=project, name=name).first()
            lists.append(task_list or services.task_list_create(actor=owner, project=project, name=name))
        by_title = {}
        for title, list_index, status, priority, keys, due, tags, hours, steps in TASKS:
            task = Task.objects.filter(project=project, title=title).first()
            if task is None:
                task = services.task_create(
                    actor=owner,
                    project=project,
                    task_list=lists[list_index],
                    title=title,
                    description=f"{title} for {project.name}.",
                    status=status,
                    priority=priority,
                    assignee_ids=_assignable(project, users, keys),
                    start_date=today - timedelta(days=14),
                    due_date=today + timedelta(days=due) if due is not None else None,
                    estimated_hours=Decimal(hours) if hours else None,
                    tags=tags,
                )
            for position, step in enumerate(steps):
                if not Subtask.objects.filter(task=task, title=step).exists():
                    services.subtask_create(actor=owner, task=task, title=step, is_done=position == 0)
            by_title[title] = task
            all_tasks.append(task)
        for dependent, prerequisite, kind in DEPENDENCIES:
            task, depends_on = by_title[dependent], by_title[prerequisite]
            if not TaskDependency.objects.filter(task=task, depends_on=depends_on).exists():
                services.dependency_create(actor=owner, task=task, depends_on=depends_on, type=kind)
    ctx["tasks"] = all_tasks
