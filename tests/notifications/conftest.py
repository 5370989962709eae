from tests.notification_world import assign_event, fire, project_event, task_event, world  # noqa: F401
