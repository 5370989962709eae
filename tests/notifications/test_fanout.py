"""Fan-out to many recipients is a bounded number of queries (bulk inserts, no per-user loop)."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.notifications.models import EmailNotification, Notification
from apps.projects.models import ProjectMember
from apps.workspaces.models import WorkspaceMember

pytestmark = pytest.mark.django_db


def bulk_users(count):
    from apps.accounts.models import User

    return User.objects.bulk_create(
        [
            User(email=f"fan{i}@example.com", username=f"fan{i}", full_name=f"Fan {i}", status="active")
            for i in range(count)
        ]
    )


def test_project_update_fans_out_to_1000_members_in_bounded_queries(world, project_event):
    users = bulk_users(1000)
    WorkspaceMember.objects.bulk_create(
        [WorkspaceMember(workspace=world.workspace, user=u, role="member") for u in users]
    )
    ProjectMember.objects.bulk_create([ProjectMember(project=world.project, user=u) for u in users])
    from apps.notifications.models import NotificationPreference

    NotificationPreference.objects.bulk_create(
        [NotificationPreference(user=u, email_on_project_update=True) for u in users[:50]]
    )
    mail.outbox.clear()
    with CaptureQueriesContext(connection) as queries:
        project_event("project.updated", actor=world.owner, changes={"status": {"old": "active", "new": "on_hold"}})
    notified = Notification.objects.filter(type="project_updated")
    assert notified.count() == 1002  # the 1000 plus member and viewer; never the actor
    assert EmailNotification.objects.count() == 50
    assert len(mail.outbox) == 50
    # Dispatch + fan-out + e-mail sending: neither the in-app fan-out nor the e-mail batch (lock,
    # prefs, mark sent) grows with the recipients.
    assert len(queries) <= 40, len(queries)
    inserts = [q for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "notifications_notification"')]
    assert len(inserts) == 1


def test_in_app_fan_out_query_count_does_not_depend_on_recipients(world, project_event, django_assert_max_num_queries):
    users = bulk_users(300)
    WorkspaceMember.objects.bulk_create(
        [WorkspaceMember(workspace=world.workspace, user=u, role="member") for u in users]
    )
    ProjectMember.objects.bulk_create([ProjectMember(project=world.project, user=u) for u in users])
    with django_assert_max_num_queries(30):
        project_event("project.archived", actor=world.owner, status="archived", reason="Done")
    assert Notification.objects.filter(type="project_archived").count() == 302
