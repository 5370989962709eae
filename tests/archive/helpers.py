from auditlog.models import LogEntry


def domain_entries(action: str):
    return LogEntry.objects.filter(additional_data__action=action).order_by("id")
