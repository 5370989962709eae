"""Who is notified of what: each rule driven by a real domain event and a real (eager) dispatch."""

import pytest
from django.core import mail

from apps.events.models import DomainEvent
from apps.notifications.models import Notification
from apps.tasks.services import task_payload
from tests.factories.accounts import UserFactory
from tests.factories.collaboration import CommentFactory, MentionFactory
from tests.factories.notifications import comment_payload
from tests.factories.projects import ProjectFactory
from tests.factories.tasks import TaskFactory, assign
from tests.factories.workspaces import WorkspaceMemberFactory

pytestmark = pytest.mark.django_db


def inbox(user):
    return list(Notification.objects.filter(user=user))


def test_task_assigned_notifies_the_new_assignee_not_the_actor(world, assign_event):
    assign(world.task, world.member, world.owner)
    assign_event(world.member, world.owner)
    [notification] = inbox(world.member)
    assert notification.type == "task_assigned"
    assert notification.title == "Task assigned to you"
    assert notification.message == "Olivia Owner assigned task 'Design UI' to you"
    assert notification.action_url == f"/tasks/{world.task.pk}"
    assert notification.read is False and notification.read_at is None
    assert inbox(world.owner) == []


def test_task_completed_notifies_creator_and_assignees_except_the_actor(world, task_event):
    assign(world.task, world.member, world.admin)
    task_event("task.completed", actor=world.member, status="completed")
    assert {n.user_id for n in Notification.objects.filter(type="task_completed")} == {world.owner.pk, world.admin.pk}
    assert inbox(world.member) == []
    assert inbox(world.owner)[0].message == "Mia Member completed task 'Design UI'"


def test_comment_notifies_assignees_and_watchers_but_mentioned_users_get_only_the_mention(world, fire):
    watcher = WorkspaceMemberFactory(workspace=world.workspace).user
    world.task.watchers.add(watcher, world.viewer)
    assign(world.task, world.admin)
    comment = CommentFactory(task=world.task, author=world.member, content="Looks good, @Vic check the header")
    MentionFactory(comment=comment, user=world.viewer)
    fire(
        "comment.created",
        aggregate=comment,
        actor=world.member,
        workspace=world.workspace,
        project=world.project,
        payload=comment_payload(comment),
    )
    fire(
        "comment.mentioned",
        aggregate=comment,
        actor=world.member,
        workspace=world.workspace,
        project=world.project,
        payload={**comment_payload(comment), "mentioned_user_ids": [str(world.viewer.pk)]},
    )
    assert {n.user_id for n in Notification.objects.filter(type="comment")} == {watcher.pk, world.admin.pk}
    [note] = inbox(world.viewer)
    assert note.type == "mention"
    assert note.message.startswith("Mia Member mentioned you in 'Design UI': Looks good")
    assert note.action_url == f"/tasks/{world.task.pk}#comment-{comment.pk}"
    assert inbox(world.member) == []


def test_project_updated_notifies_project_members_except_the_actor(world, project_event):
    project_event("project.updated", actor=world.owner, changes={"name": {"old": "Site", "new": "Website"}})
    assert {n.user_id for n in Notification.objects.filter(type="project_updated")} == {
        world.member.pk,
        world.viewer.pk,
    }
    note = inbox(world.member)[0]
    assert note.message == "Olivia Owner updated project 'Website' (changed: name)"
    assert note.action_url == f"/projects/{world.project.pk}"


def test_project_archived_notifies_members_with_the_reason(world, project_event):
    project_event("project.archived", actor=world.owner, status="archived", reason="Shipped")
    note = inbox(world.viewer)[0]
    assert note.type == "project_archived"
    assert note.message == "Olivia Owner archived project 'Website': Shipped"


def test_project_archived_without_notify_team_notifies_nobody(world, project_event):
    project_event("project.archived", actor=world.owner, status="archived", reason="Quiet", notify_team=False)
    assert not Notification.objects.filter(type="project_archived").exists()


def test_user_joined_notifies_owners_and_admins_but_not_the_newcomer(world, fire):
    newcomer = WorkspaceMemberFactory(workspace=world.workspace, user=UserFactory(full_name="Nina New")).user
    fire(
        "user.joined",
        aggregate=world.workspace,
        actor=newcomer,
        workspace=world.workspace,
        payload={
            "workspace_id": str(world.workspace.pk),
            "user_id": str(newcomer.pk),
            "role": "member",
            "via": "invitation",
        },
    )
    assert {n.user_id for n in Notification.objects.filter(type="user_joined")} == {world.owner.pk, world.admin.pk}
    assert inbox(world.owner)[0].message == "Nina New joined Acme as member"


def test_recipients_who_cannot_see_a_private_project_are_skipped(world, task_event):
    private = ProjectFactory(workspace=world.workspace, created_by=world.owner, visibility="private")
    task = TaskFactory(project=private, created_by=world.owner)
    task_event(
        "task.assigned", actor=world.owner, task=task, assigned_user_ids=[str(world.member.pk), str(world.outsider.pk)]
    )
    assert Notification.objects.count() == 0


def test_redispatch_of_an_event_never_duplicates_notifications(world, assign_event):
    from apps.events.services import event_dispatch

    event = assign_event(world.member)
    DomainEvent.objects.filter(pk=event.pk).update(dispatched_at=None)
    event_dispatch(event_id=event.pk)
    assert Notification.objects.filter(user=world.member).count() == 1
    assert len(mail.outbox) == 1


def test_nothing_is_notified_when_the_emitting_transaction_rolls_back(world, django_capture_on_commit_callbacks):
    from django.db import transaction

    from apps.events.services import emit

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        emit(
            "task.assigned",
            aggregate=world.task,
            actor=world.owner,
            workspace=world.workspace,
            project=world.project,
            payload=task_payload(world.task, assigned_user_ids=[str(world.member.pk)]),
        )
        raise RuntimeError("rollback")
    assert callbacks == []
    assert Notification.objects.count() == 0
