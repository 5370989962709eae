"""GET /mentions and PATCH /mentions/{mention_id}/read."""

import pytest

from tests.factories.collaboration import CommentFactory, MentionFactory
from tests.factories.tasks import TaskFactory
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db


def test_lists_my_mentions_with_unread_filter(client_for, team, task, foreign_project, django_assert_max_num_queries):
    for _ in range(12):
        MentionFactory(comment=CommentFactory(task=task), user=team.member)
    read = MentionFactory(comment=CommentFactory(task=task), user=team.member, is_read=True)
    MentionFactory(comment=CommentFactory(task=task), user=team.admin)
    client = client_for(team.member)
    with django_assert_max_num_queries(2):
        response = client.get("/api/v1/mentions?page_size=50")
    rows = response.json()["data"]
    assert len(rows) == 13
    assert rows[0]["task_id"] == str(task.pk) and rows[0]["task_title"] == task.title
    assert rows[0]["comment"]["excerpt"]
    assert len(client.get("/api/v1/mentions?unread=true").json()["data"]) == 12
    assert [row["id"] for row in client.get("/api/v1/mentions?unread=false").json()["data"]] == [str(read.pk)]
    assert_error(client.get("/api/v1/mentions?unread=perhaps"), 400, "INVALID_REQUEST")


def test_mentions_on_tasks_no_longer_visible_disappear(client_for, team, private_project):
    hidden = MentionFactory(comment=CommentFactory(task=TaskFactory(project=private_project)), user=team.member)
    assert client_for(team.member).get("/api/v1/mentions").json()["data"] == []
    assert_error(client_for(team.member).patch(f"/api/v1/mentions/{hidden.pk}/read"), 404, "NOT_FOUND")


def test_mark_read(client_for, team, task):
    mention = MentionFactory(comment=CommentFactory(task=task), user=team.member)
    response = client_for(team.member).patch(f"/api/v1/mentions/{mention.pk}/read")
    assert response.status_code == 200
    assert response.json()["data"]["is_read"] is True and response.json()["data"]["read_at"]
    mention.refresh_from_db()
    assert mention.is_read


def test_someone_elses_mention_is_404(client_for, team, task):
    mention = MentionFactory(comment=CommentFactory(task=task), user=team.admin)
    assert_error(client_for(team.member).patch(f"/api/v1/mentions/{mention.pk}/read"), 404, "NOT_FOUND")
    assert_error(client_for(team.outsider).patch(f"/api/v1/mentions/{mention.pk}/read"), 404, "NOT_FOUND")
    mention.refresh_from_db()
    assert not mention.is_read


def test_anonymous_gets_401(api_client):
    assert_error(api_client.get("/api/v1/mentions"), 401, "UNAUTHORIZED")
