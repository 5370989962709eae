"""The event types webhooks may subscribe to: the spec's "Webhook Event Types" table."""

# The type of the messages `POST /integration/webhooks/{id}/test` sends (not a domain event).
TEST_EVENT_TYPE = "webhook.test"

WEBHOOK_EVENT_TYPES: dict[str, str] = {
    "task.created": "New task created (task data)",
    "task.updated": "Task modified (task data + changes)",
    "task.completed": "Task marked complete (task data)",
    "task.deleted": "Task deleted (task id and data)",
    "project.created": "New project created (project data)",
    "project.updated": "Project modified (project data + changes)",
    "project.archived": "Project archived (project data)",
    "comment.created": "New comment posted (comment data)",
    "user.joined": "User joined the workspace (user data)",
}
