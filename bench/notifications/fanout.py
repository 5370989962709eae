"""Benchmark: one project.updated event fanned out to 1,000 project members.

    DJANGO_SETTINGS_MODULE=tests.settings .venv/bin/python bench/notifications/fanout.py

Prints the queries and wall time of the dispatch (in-app only, then with e-mail for everyone),
measured through the real emit -> on-commit -> dispatch path (Celery eager).
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scratch_db import scratch_database

RECIPIENTS = 1000


def main() -> None:
    from django.core import mail
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from apps.accounts.models import User
    from apps.events.services import emit
    from apps.notifications.models import EmailNotification, Notification, NotificationPreference
    from apps.projects.models import Project, ProjectMember
    from apps.workspaces.models import Workspace, WorkspaceMember

    mail.outbox = []
    owner = User.objects.create_user("owner@bench.test", "owner", "x", full_name="Bench Owner")
    workspace = Workspace.objects.create(name="Bench", created_by=owner)
    WorkspaceMember.objects.create(workspace=workspace, user=owner, role="owner")
    project = Project.objects.create(workspace=workspace, name="Bench project", created_by=owner)
    users = User.objects.bulk_create(
        [User(email=f"u{i}@bench.test", username=f"u{i}", full_name=f"User {i}") for i in range(RECIPIENTS)]
    )
    WorkspaceMember.objects.bulk_create([WorkspaceMember(workspace=workspace, user=u, role="member") for u in users])
    ProjectMember.objects.bulk_create([ProjectMember(project=project, user=u) for u in users])

    def run(label: str) -> None:
        payload = {
            "project_id": str(project.pk),
            "workspace_id": str(workspace.pk),
            "name": project.name,
            "status": "active",
            "visibility": "workspace",
            "changes": {"name": {"old": "a", "new": "b"}},
        }
        before_n, before_e = Notification.objects.count(), EmailNotification.objects.count()
        before_m = len(mail.outbox)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            with transaction.atomic():
                emit(
                    "project.updated",
                    aggregate=project,
                    actor=owner,
                    workspace=workspace,
                    payload=payload,
                    project=project,
                )
            elapsed = time.perf_counter() - started
        print(
            f"{label:<38} {elapsed * 1000:8.1f} ms  {len(queries):5d} queries  "
            f"{Notification.objects.count() - before_n:5d} notifications  "
            f"{EmailNotification.objects.count() - before_e:5d} e-mail rows  "
            f"{len(mail.outbox) - before_m:5d} e-mails sent"
        )

    run("in-app only (warm-up)")
    run("in-app only")
    NotificationPreference.objects.bulk_create(
        [NotificationPreference(user=u, email_on_project_update=True) for u in users]
    )
    if "--no-email" in sys.argv:
        return
    run("in-app + immediate e-mail to all")
    from apps.personalization.models import UserPreference

    UserPreference.objects.bulk_create([UserPreference(user=u, notification_frequency="daily") for u in users])
    run("in-app + e-mail queued for daily digest")


if __name__ == "__main__":
    with scratch_database():
        main()
