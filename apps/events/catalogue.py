"""The catalogue of domain event types: what each means and which payload fields it carries.

The payload fields listed here are the public contract. The events API, event consumers and
webhooks only ever expose these keys, so a field an emitter adds later never leaks before it is
reviewed here. `audience` says who may see an event of the type: everyone who may see its workspace
and project (the default), or only the user its payload names as `owner_id` (notices about a
user's own webhook or subscription).
"""

from __future__ import annotations

from dataclasses import dataclass

PROJECT_FIELDS = ("project_id", "workspace_id", "name", "status", "visibility")
TASK_FIELDS = (
    "task_id",
    "project_id",
    "workspace_id",
    "task_list_id",
    "title",
    "status",
    "priority",
    "assignee_ids",
    "created_by_id",
    "due_date",
)
MILESTONE_FIELDS = ("milestone_id", "project_id", "workspace_id", "name", "due_date", "completed_at")
PLAN_FIELDS = ("plan_id", "project_id", "workspace_id", "state", "approved_by_id", "locked_by_id")


MEMBERS, OWNER = "members", "owner"


@dataclass(frozen=True)
class EventType:
    name: str
    aggregate_type: str
    description: str
    payload_fields: tuple[str, ...]
    audience: str = MEMBERS


_TYPES = [
    EventType("workspace.created", "Workspace", "A workspace was created.", ("workspace_id", "name", "created_by_id")),
    EventType(
        "user.joined",
        "WorkspaceMember",
        "A user joined a workspace (accepted an invitation or was added).",
        ("workspace_id", "user_id", "role", "via"),
    ),
    EventType("project.created", "Project", "A project was created.", PROJECT_FIELDS),
    EventType("project.updated", "Project", "A project's fields changed.", (*PROJECT_FIELDS, "changes")),
    EventType("project.deleted", "Project", "A project was moved to the trash.", PROJECT_FIELDS),
    EventType("project.restored", "Project", "A project was restored from the trash.", PROJECT_FIELDS),
    EventType("project.archived", "Project", "A project was archived (read-only).", (*PROJECT_FIELDS, "reason")),
    EventType("project.unarchived", "Project", "A project was unarchived.", (*PROJECT_FIELDS, "reason")),
    EventType("task.created", "Task", "A task was created.", TASK_FIELDS),
    EventType("task.updated", "Task", "A task's fields changed.", (*TASK_FIELDS, "changes")),
    EventType("task.completed", "Task", "A task was completed.", TASK_FIELDS),
    EventType("task.deleted", "Task", "A task was moved to the trash.", TASK_FIELDS),
    EventType("task.restored", "Task", "A task was restored from the trash.", TASK_FIELDS),
    EventType("task.assigned", "Task", "Users were assigned to a task.", (*TASK_FIELDS, "assigned_user_ids")),
    EventType("milestone.created", "Milestone", "A project milestone was created.", MILESTONE_FIELDS),
    EventType("milestone.completed", "Milestone", "A project milestone was completed.", MILESTONE_FIELDS),
    EventType("plan.approved", "ProjectPlan", "A project's plan was approved.", PLAN_FIELDS),
    EventType("plan.locked", "ProjectPlan", "A project's plan was locked (task dates frozen).", PLAN_FIELDS),
    EventType(
        "comment.created",
        "Comment",
        "A comment was posted on a task.",
        ("comment_id", "task_id", "project_id", "workspace_id", "author_id", "parent_id", "excerpt"),
    ),
    EventType(
        "comment.mentioned",
        "Comment",
        "Users were mentioned in a comment.",
        ("comment_id", "task_id", "project_id", "workspace_id", "author_id", "mentioned_user_ids"),
    ),
    EventType(
        "report.schedule_paused",
        "Report",
        "A report's schedule paused itself after its scheduled runs failed 5 times in a row.",
        ("report_id", "workspace_id", "name", "created_by_id", "consecutive_failures", "reason"),
    ),
    EventType(
        "webhook.disabled",
        "Webhook",
        "A webhook (or webhook event consumer) was switched off: its deliveries failed too many times in a row.",
        ("target", "target_id", "workspace_id", "owner_id", "name", "consecutive_failures", "reason", "last_error"),
        audience=OWNER,
    ),
]

EVENT_TYPES: dict[str, EventType] = {event_type.name: event_type for event_type in _TYPES}


OWNER_ONLY_EVENT_TYPES = tuple(name for name, known in EVENT_TYPES.items() if known.audience == OWNER)


def public_payload(event_type: str, payload: dict) -> dict:
    """The part of a payload that may be shown to someone who can see the event."""
    known = EVENT_TYPES.get(event_type)
    if known is None:
        return {}
    return {key: payload[key] for key in known.payload_fields if key in payload}
