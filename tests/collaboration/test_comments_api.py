"""GET/POST /tasks/{task_id}/comments and PATCH/DELETE /comments/{comment_id}."""

import pytest
from django.core import mail

from apps.collaboration.models import Comment, Mention
from apps.projects.choices import ProjectRole, ProjectStatus
from tests.factories.accounts import UserFactory
from tests.factories.collaboration import CommentFactory
from tests.factories.projects import ProjectMemberFactory
from tests.factories.tasks import TaskFactory
from tests.factories.workspaces import WorkspaceMemberFactory
from tests.helpers import assert_error, events

pytestmark = pytest.mark.django_db


def post(client, task, body):
    return client.post(f"/api/v1/tasks/{task.pk}/comments", body, format="json")


def test_post_returns_201_makes_author_watch_and_emits_created(
    client_for, team, task, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client_for(team.member), task, {"content": "Looks good"})
    assert response.status_code == 201, response.content
    data = response.json()["data"]
    assert data["content"] == "Looks good" and data["task_id"] == str(task.pk)
    assert data["author_id"] == str(team.member.pk) and data["author"]["username"] == team.member.username
    assert data["parent_id"] is None and data["edited_at"] is None and data["mentioned_user_ids"] == []
    assert data["mentions"] == []
    assert task.watchers.filter(pk=team.member.pk).exists()
    (event,) = events("comment.created")
    assert event.dispatched_at is not None
    assert event.payload == {
        "comment_id": data["id"],
        "task_id": str(task.pk),
        "project_id": str(task.project_id),
        "workspace_id": str(task.workspace_id),
        "author_id": str(team.member.pk),
        "parent_id": None,
        "excerpt": "Looks good",
    }
    assert not events("comment.mentioned")


def test_mentions_from_ids_and_usernames_ignore_users_who_cannot_see_the_task(
    client_for, team, private_project, django_capture_on_commit_callbacks
):
    hidden_task = TaskFactory(project=private_project)
    insider = UserFactory(username="insider")
    WorkspaceMemberFactory(workspace=team.workspace, user=insider)
    ProjectMemberFactory(project=private_project, user=insider, role=ProjectRole.MEMBER)
    UserFactory(username="stranger")
    content = (
        f"Hey @Insider and @{team.member.username}, also @stranger and @nobody. mail me at x@{team.admin.username}"
    )
    body = {"content": content, "mentions": [str(team.admin.pk), str(team.outsider.pk), str(team.owner.pk)]}
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client_for(team.owner), hidden_task, body)
    assert response.status_code == 201, response.content
    mentioned = set(response.json()["data"]["mentioned_user_ids"])
    assert set(response.json()["data"]["mentions"]) == mentioned
    # The admin sees every project; the member does not belong to the private project; the
    # outsider is in another workspace; the author is never mentioned.
    assert mentioned == {str(insider.pk), str(team.admin.pk)}
    (event,) = events("comment.mentioned")
    assert set(event.payload["mentioned_user_ids"]) == mentioned
    assert event.payload["author_id"] == str(team.owner.pk)
    assert Mention.objects.count() == 2


def test_reply_must_target_a_comment_of_the_same_task(client_for, team, project, task):
    parent = CommentFactory(task=task)
    other = CommentFactory(task=TaskFactory(project=project))
    client = client_for(team.member)
    response = post(client, task, {"content": "reply", "parent_id": str(parent.pk)})
    assert response.status_code == 201 and response.json()["data"]["parent_id"] == str(parent.pk)
    assert_error(post(client, task, {"content": "reply", "parent_id": str(other.pk)}), 422, "VALIDATION_ERROR")


def test_reply_to_comment_of_another_workspace_returns_422_and_writes_nothing(client_for, team, task, foreign_project):
    foreign = CommentFactory(task=TaskFactory(project=foreign_project))
    response = post(client_for(team.member), task, {"content": "x", "parent_id": str(foreign.pk)})
    assert_error(response, 422, "VALIDATION_ERROR", field="parent_id")
    assert not Comment.objects.filter(task=task).exists()


@pytest.mark.parametrize(
    "body", [{}, {"content": ""}, {"content": "x", "mentions": ["nope"]}, {"content": "x" * 20_001}]
)
def test_invalid_body_returns_422(client_for, team, task, body):
    assert_error(post(client_for(team.member), task, body), 422, "VALIDATION_ERROR")


def test_viewer_reads_but_cannot_comment(client_for, team, task):
    CommentFactory(task=task)
    assert client_for(team.viewer).get(f"/api/v1/tasks/{task.pk}/comments").status_code == 200
    assert_error(post(client_for(team.viewer), task, {"content": "x"}), 403, "FORBIDDEN")


def test_outsider_gets_404(client_for, team, task):
    comment = CommentFactory(task=task)
    client = client_for(team.outsider)
    assert_error(client.get(f"/api/v1/tasks/{task.pk}/comments"), 404, "NOT_FOUND")
    assert_error(post(client, task, {"content": "x"}), 404, "NOT_FOUND")
    assert_error(client.patch(f"/api/v1/comments/{comment.pk}", {"content": "x"}, format="json"), 404, "NOT_FOUND")
    assert_error(client.delete(f"/api/v1/comments/{comment.pk}"), 404, "NOT_FOUND")


def test_archived_project_refuses_comments(client_for, team, project, task):
    project.status = ProjectStatus.ARCHIVED
    project.save()
    assert_error(post(client_for(team.member), task, {"content": "x"}), 409, "CONFLICT")


def test_thread_lists_with_bounded_queries(client_for, team, task, django_assert_max_num_queries):
    first = CommentFactory(task=task)
    for index in range(20):
        comment = CommentFactory(task=task, parent=first if index % 2 else None, author=team.member)
        Mention.objects.create(workspace=task.workspace, comment=comment, user=team.admin)
    client = client_for(team.member)
    with django_assert_max_num_queries(5):
        response = client.get(f"/api/v1/tasks/{task.pk}/comments?page_size=50")
    rows = response.json()["data"]
    assert len(rows) == 21 and rows[0]["id"] == str(first.pk)
    assert rows[0]["replies_count"] == 10
    assert rows[1]["mentioned_user_ids"] == [str(team.admin.pk)]
    top = client.get(f"/api/v1/tasks/{task.pk}/comments?top_level=true").json()["pagination"]["total"]
    assert top == 11


def test_author_edits_and_edited_at_is_stamped(client_for, team, task, django_capture_on_commit_callbacks):
    comment = CommentFactory(task=task, author=team.member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(team.member).patch(
            f"/api/v1/comments/{comment.pk}", {"content": f"Now with @{team.admin.username}"}, format="json"
        )
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["content"].startswith("Now with") and data["edited_at"] is not None
    assert data["mentioned_user_ids"] == [str(team.admin.pk)]
    assert len(events("comment.mentioned")) == 1


def test_someone_else_cannot_edit(client_for, team, task):
    comment = CommentFactory(task=task, author=team.member)
    response = client_for(team.admin).patch(f"/api/v1/comments/{comment.pk}", {"content": "x"}, format="json")
    assert_error(response, 403, "FORBIDDEN")


@pytest.mark.parametrize("role", ["member", "owner", "admin"])
def test_delete_by_author_or_admins_goes_to_trash_with_replies(client_for, team, task, role):
    comment = CommentFactory(task=task, author=team.member)
    reply = CommentFactory(task=task, parent=comment)
    assert client_for(team.user(role)).delete(f"/api/v1/comments/{comment.pk}").status_code == 204
    assert Comment.all_objects.get(pk=comment.pk).deleted_at is not None
    assert Comment.all_objects.get(pk=reply.pk).deleted_at is not None


def test_delete_by_project_manager_is_allowed_and_by_other_member_forbidden(client_for, team, project, task):
    comment = CommentFactory(task=task, author=team.admin)
    assert_error(client_for(team.member).delete(f"/api/v1/comments/{comment.pk}"), 403, "FORBIDDEN")
    ProjectMemberFactory(project=project, user=team.member, role=ProjectRole.MANAGER)
    assert client_for(team.member).delete(f"/api/v1/comments/{comment.pk}").status_code == 204


def test_no_email_is_sent_to_users_who_were_not_mentioned(client_for, team, task):
    post(client_for(team.member), task, {"content": f"cc @{team.outsider.username}"})
    assert all(team.outsider.email not in message.to for message in mail.outbox)
