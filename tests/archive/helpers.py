from auditlog.models import LogEntry


def domain_entries(action: str):
    return LogEntry.objects.filter(additional_data__action=action).order_by("id")


def trash_target(resource_type: str, *, team, task, comment):
    """The object of `resource_type` in the archive fixtures: the team's workspace, the task's project
    and list, the task, or `comment`."""
    return {
        "workspace": team.workspace,
        "project": task.project,
        "task_list": task.task_list,
        "task": task,
        "comment": comment,
    }[resource_type]
