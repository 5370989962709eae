"""Notification rules through the real API actions of the other modules (assign, comment with a
mention, complete, edit a project), with the real on-commit dispatch."""

import pytest
from django.core import mail

from apps.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def act(django_capture_on_commit_callbacks, client_for):
    def _act(user, method, path, body=None):
        with django_capture_on_commit_callbacks(execute=True):
            response = getattr(client_for(user), method)(path, body or {}, format="json")
        assert response.status_code < 300, response.content
        return response

    return _act


def test_assigning_a_task_through_the_api_notifies_and_emails_the_assignee(world, act):
    act(world.owner, "post", f"/api/v1/tasks/{world.task.pk}/assignees", {"user_ids": [str(world.member.pk)]})
    [note] = Notification.objects.filter(user=world.member)
    assert note.type == "task_assigned" and note.action_url == f"/tasks/{world.task.pk}"
    assert note.message == "Olivia Owner assigned task 'Design UI' to you"
    assert [m.to for m in mail.outbox] == [[world.member.email]]
    assert not Notification.objects.filter(user=world.owner).exists()


def test_commenting_with_a_mention_through_the_api(world, act):
    act(world.owner, "post", f"/api/v1/tasks/{world.task.pk}/assignees", {"user_ids": [str(world.admin.pk)]})
    Notification.objects.all().delete()
    act(
        world.member,
        "post",
        f"/api/v1/tasks/{world.task.pk}/comments",
        {"content": "Ready for review", "mentions": [str(world.viewer.pk)]},
    )
    assert Notification.objects.get(user=world.admin).type == "comment"
    assert Notification.objects.get(user=world.viewer).type == "mention"
    assert not Notification.objects.filter(user=world.member).exists()


def test_completing_a_task_through_the_api_notifies_its_creator(world, act):
    act(world.owner, "post", f"/api/v1/tasks/{world.task.pk}/assignees", {"user_ids": [str(world.member.pk)]})
    act(world.member, "patch", f"/api/v1/tasks/{world.task.pk}/status", {"status": "completed"})
    note = Notification.objects.get(user=world.owner, type="task_completed")
    assert note.message == "Mia Member completed task 'Design UI'"


def test_editing_a_project_through_the_api_notifies_its_members(world, act):
    act(world.owner, "patch", f"/api/v1/projects/{world.project.pk}", {"name": "Website v2"})
    recipients = set(Notification.objects.filter(type="project_updated").values_list("user_id", flat=True))
    assert recipients == {world.member.pk, world.viewer.pk}


@pytest.mark.parametrize(("notify_team", "expected"), [(True, True), (False, False)])
def test_archiving_through_the_api_notifies_members_only_when_asked(world, act, notify_team, expected):
    act(
        world.owner,
        "post",
        f"/api/v1/archive/projects/{world.project.pk}/archive",
        {"reason": "Shipped", "notify_team": notify_team},
    )
    notified = Notification.objects.filter(type="project_archived", user=world.member).exists()
    assert notified is expected
