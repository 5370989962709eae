"""Who is notified of what. Each handler works from the event row alone (payload, workspace,
project, actor) plus database lookups, so it behaves the same on a re-dispatch hours later.

Never the actor; only users who may see the event (checked in `notifications_fan_out`).
"""

from __future__ import annotations

from django.apps import apps
from django.utils import timezone

from apps.events.choices import DeliveryStatus, HandlerType
from apps.events.consumers import register_channel
from apps.events.models import DomainEvent, EventConsumer, EventDelivery
from apps.events.registry import register
from apps.notifications.choices import NotificationType
from apps.notifications.fanout import notifications_fan_out

EXCERPT_LENGTH = 140


def _actor_name(event: DomainEvent) -> str:
    return event.actor.get_full_name() if event.actor_id and event.actor else "Someone"


def _task(task_id):
    return apps.get_model("tasks", "Task").all_objects.filter(pk=task_id).first()


def _excerpt(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1] + "…"


@register("notifications.task_assigned", "task.assigned")
def on_task_assigned(event: DomainEvent) -> None:
    payload = event.payload
    notifications_fan_out(
        event=event,
        recipient_ids=payload.get("assigned_user_ids") or [],
        type=NotificationType.TASK_ASSIGNED,
        title="Task assigned to you",
        message=f"{_actor_name(event)} assigned task '{payload.get('title', '')}' to you",
        action_url=f"/tasks/{payload.get('task_id')}",
        email_flag="email_on_task_assigned",
    )


@register("notifications.task_completed", "task.completed")
def on_task_completed(event: DomainEvent) -> None:
    payload = event.payload
    recipients = [payload.get("created_by_id"), *(payload.get("assignee_ids") or [])]
    notifications_fan_out(
        event=event,
        recipient_ids=recipients,
        type=NotificationType.TASK_COMPLETED,
        title="Task completed",
        message=f"{_actor_name(event)} completed task '{payload.get('title', '')}'",
        action_url=f"/tasks/{payload.get('task_id')}",
        email_flag="email_on_task_completed",
    )


@register("notifications.comment", "comment.created")
def on_comment_created(event: DomainEvent) -> None:
    """The task's assignees and watchers; users mentioned in the comment get the mention instead."""
    payload = event.payload
    task = _task(payload.get("task_id"))
    if task is None:
        return
    assignee_model = apps.get_model("tasks", "TaskAssignee")
    mention_model = apps.get_model("collaboration", "Mention")
    recipients = set(assignee_model.objects.filter(task_id=task.pk).values_list("user_id", flat=True))
    recipients |= set(task.watchers.values_list("pk", flat=True))
    recipients -= set(
        mention_model.objects.filter(comment_id=payload.get("comment_id")).values_list("user_id", flat=True)
    )
    notifications_fan_out(
        event=event,
        recipient_ids=recipients,
        type=NotificationType.COMMENT,
        title=f"New comment on '{task.title}'"[:200],
        message=f"{_actor_name(event)} commented: {_excerpt(payload.get('excerpt', ''))}",
        action_url=f"/tasks/{task.pk}#comment-{payload.get('comment_id')}",
        email_flag="email_on_comment",
    )


@register("notifications.mention", "comment.mentioned")
def on_mentioned(event: DomainEvent) -> None:
    payload = event.payload
    task = _task(payload.get("task_id"))
    comment = apps.get_model("collaboration", "Comment").all_objects.filter(pk=payload.get("comment_id")).first()
    task_title = task.title if task else ""
    notifications_fan_out(
        event=event,
        recipient_ids=payload.get("mentioned_user_ids") or [],
        type=NotificationType.MENTION,
        title="You were mentioned",
        message=f"{_actor_name(event)} mentioned you in '{task_title}': {_excerpt(comment.content if comment else '')}",
        action_url=f"/tasks/{payload.get('task_id')}#comment-{payload.get('comment_id')}",
        email_flag="email_on_mention",
    )


def _project_member_ids(project_id):
    """A subquery: the fan-out reads the members with their preferences in one query."""
    return apps.get_model("projects", "ProjectMember").objects.filter(project_id=project_id).values("user_id")


@register("notifications.project_updated", "project.updated")
def on_project_updated(event: DomainEvent) -> None:
    payload = event.payload
    changed = ", ".join(sorted((payload.get("changes") or {}).keys()))
    notifications_fan_out(
        event=event,
        recipient_ids=_project_member_ids(payload.get("project_id")),
        type=NotificationType.PROJECT_UPDATED,
        title="Project updated",
        message=f"{_actor_name(event)} updated project '{payload.get('name', '')}'"
        + (f" (changed: {changed})" if changed else ""),
        action_url=f"/projects/{payload.get('project_id')}",
        email_flag="email_on_project_update",
    )


@register("notifications.project_archived", "project.archived")
def on_project_archived(event: DomainEvent) -> None:
    """Project members, unless the archiver chose not to notify the team (`notify_team` false)."""
    payload = event.payload
    if payload.get("notify_team") is False:
        return
    reason = payload.get("reason")
    notifications_fan_out(
        event=event,
        recipient_ids=_project_member_ids(payload.get("project_id")),
        type=NotificationType.PROJECT_ARCHIVED,
        title="Project archived",
        message=f"{_actor_name(event)} archived project '{payload.get('name', '')}'"
        + (f": {reason}" if reason else ""),
        action_url=f"/projects/{payload.get('project_id')}",
        email_flag="email_on_project_update",
    )


@register("notifications.user_joined", "user.joined")
def on_user_joined(event: DomainEvent) -> None:
    """Workspace owners and admins, except the actor and the newcomer."""
    payload = event.payload
    member_model = apps.get_model("workspaces", "WorkspaceMember")
    joined = apps.get_model("accounts", "User").objects.filter(pk=payload.get("user_id")).first()
    admins = set(
        member_model.objects.filter(workspace_id=payload.get("workspace_id"), role__in=("owner", "admin")).values_list(
            "user_id", flat=True
        )
    )
    if joined is not None:
        admins.discard(joined.pk)
    workspace_name = event.workspace.name if event.workspace_id and event.workspace else ""
    name = joined.get_full_name() if joined else "A new member"
    notifications_fan_out(
        event=event,
        recipient_ids=admins,
        type=NotificationType.USER_JOINED,
        title="New member joined",
        message=f"{name} joined {workspace_name} as {payload.get('role', 'member')}",
        action_url=f"/workspaces/{payload.get('workspace_id')}/members",
        email_flag="email_on_member_joined",
    )


@register("notifications.report_schedule_paused", "report.schedule_paused")
def on_report_schedule_paused(event: DomainEvent) -> None:
    """The report's creator, in-app and by e-mail whatever their topic flags; when the creator is
    gone from the workspace (often the very reason the runs failed), its owners and admins."""
    payload = event.payload
    member_model = apps.get_model("workspaces", "WorkspaceMember")
    members = member_model.objects.filter(workspace_id=event.workspace_id)
    creator_id = payload.get("created_by_id")
    if creator_id and members.filter(user_id=creator_id).exists():
        recipients = [creator_id]
    else:
        recipients = list(members.filter(role__in=("owner", "admin")).values_list("user_id", flat=True))
    notifications_fan_out(
        event=event,
        recipient_ids=recipients,
        type=NotificationType.REPORT_SCHEDULE_PAUSED,
        title=f"Scheduled report paused: {payload.get('name', '')}"[:200],
        message=f"The schedule of report '{payload.get('name', '')}' was paused. {payload.get('reason', '')} "
        "Save the schedule again to resume it.",
        action_url=f"/reports/{payload.get('report_id')}",
        email_flag=None,
        email_always=True,
    )


@register("notifications.webhook_disabled", "webhook.disabled")
def on_webhook_disabled(event: DomainEvent) -> None:
    """The owner of a webhook (or webhook event consumer) switched off after failing deliveries: in-app
    and by e-mail whatever their e-mail choices, since nothing is sent to it until they act."""
    payload = event.payload
    is_webhook = payload.get("target") == "webhook"
    kind = "webhook" if is_webhook else "event subscription"
    last_error = payload.get("last_error")
    notifications_fan_out(
        event=event,
        recipient_ids=[payload.get("owner_id")],
        type=NotificationType.WEBHOOK_DISABLED,
        title=f"{kind.capitalize()} '{payload.get('name', '')}' disabled"[:200],
        message=f"PronaFlow stopped sending to {kind} '{payload.get('name', '')}' after "
        f"{payload.get('consecutive_failures')} failed deliveries in a row"
        + (f" (last error: {last_error})" if last_error else "")
        + ". Fix the receiver"
        + (", send a test message, then enable the webhook again." if is_webhook else ", then enable it again."),
        action_url=f"/integrations/webhooks/{payload.get('target_id')}"
        if is_webhook
        else f"/event-consumers/{payload.get('target_id')}",
        email_flag=None,
        email_always=True,
    )


def _aggregate_url(event: DomainEvent) -> str:
    payload = event.payload
    if payload.get("task_id"):
        return f"/tasks/{payload['task_id']}"
    if payload.get("project_id"):
        return f"/projects/{payload['project_id']}"
    if event.workspace_id:
        return f"/workspaces/{event.workspace_id}"
    return "/notifications"


def _summary(event: DomainEvent) -> str:
    payload = event.payload
    subject = payload.get("title") or payload.get("name") or payload.get("excerpt") or event.aggregate_id
    return f"{_actor_name(event)}: {event.event_type} — {subject}"


def in_app_channel(consumer: EventConsumer, event: DomainEvent, delivery: EventDelivery) -> None:
    """Event consumers of handler type in_app: notify the configured users of the workspace."""
    notifications_fan_out(
        event=event,
        recipient_ids=consumer.config.get("user_ids") or [],
        type=NotificationType.EVENT,
        title=f"Event: {event.event_type}",
        message=_summary(event),
        action_url=_aggregate_url(event),
        email_flag=None,
    )
    delivery.status = DeliveryStatus.SUCCEEDED
    delivery.attempts = 1
    delivery.delivered_at = timezone.now()
    delivery.save(update_fields=["status", "attempts", "delivered_at"])


register_channel(HandlerType.IN_APP, in_app_channel)
