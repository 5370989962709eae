"""The inbox endpoints: list and filters, mark read, mark all read, delete, unread count."""

import pytest

from apps.notifications.models import Notification
from tests.factories.notifications import NotificationFactory
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

LIST = "/api/v1/notifications"


def test_list_requires_authentication(api_client):
    response = api_client.get(LIST)
    assert_error(response, 401, "UNAUTHORIZED")


def test_list_shows_only_my_notifications_newest_first_with_spec_fields(user, client_for):
    older = NotificationFactory(user=user, title="older")
    newer = NotificationFactory(user=user, title="newer", type="comment")
    NotificationFactory()  # someone else's
    Notification.objects.filter(pk=older.pk).update(created_at=newer.created_at.replace(year=2020))
    body = client_for(user).get(LIST).json()
    assert body["success"] is True
    assert [item["id"] for item in body["data"]] == [str(newer.pk), str(older.pk)]
    assert body["pagination"] == {"page": 1, "page_size": 20, "total": 2, "total_pages": 1}
    item = body["data"][0]
    assert set(item) >= {"id", "user_id", "title", "message", "type", "read", "read_at", "created_at", "action_url"}
    assert item["user_id"] == str(user.pk)


def test_list_filters_by_status_and_type(user, client_for):
    read = NotificationFactory(user=user, read=True, type="comment")
    unread = NotificationFactory(user=user, type="mention")
    client = client_for(user)
    assert [n["id"] for n in client.get(LIST, {"status": "read"}).json()["data"]] == [str(read.pk)]
    assert [n["id"] for n in client.get(LIST, {"status": "unread"}).json()["data"]] == [str(unread.pk)]
    assert [n["id"] for n in client.get(LIST, {"type": "comment"}).json()["data"]] == [str(read.pk)]


def test_type_filter_is_a_free_string_and_an_unknown_type_matches_nothing(user, client_for):
    NotificationFactory(user=user, type="comment")
    body = client_for(user).get(LIST, {"type": "comment_added"}).json()
    assert body["success"] is True
    assert body["data"] == [] and body["pagination"]["total"] == 0


@pytest.mark.parametrize(
    "params", [{"status": "maybe"}, {"type": "x" * 65}, {"type": "\x00"}, {"page": "0"}, {"page_size": "x"}]
)
def test_list_rejects_bad_query_parameters_with_400(user, client_for, params):
    response = client_for(user).get(LIST, params)
    assert_error(response, 400, "INVALID_REQUEST")


def test_list_runs_in_constant_queries(user, client_for, django_assert_max_num_queries):
    NotificationFactory.create_batch(60, user=user)
    client = client_for(user)
    with django_assert_max_num_queries(4):
        response = client.get(LIST, {"page_size": 50})
    assert len(response.json()["data"]) == 50


def test_mark_read_sets_read_at_and_is_idempotent(user, client_for):
    notification = NotificationFactory(user=user)
    client = client_for(user)
    first = client.patch(f"{LIST}/{notification.pk}/read")
    assert first.status_code == 200
    data = first.json()["data"]
    assert data["id"] == str(notification.pk) and data["read"] is True and data["read_at"]
    second = client.patch(f"{LIST}/{notification.pk}/read").json()["data"]
    assert second["read_at"] == data["read_at"]


def test_mark_read_of_someone_elses_notification_is_404_and_changes_nothing(user, client_for):
    foreign = NotificationFactory()
    response = client_for(user).patch(f"{LIST}/{foreign.pk}/read")
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.read is False


def test_mark_all_read_returns_the_count_at_top_level(user, client_for):
    NotificationFactory.create_batch(3, user=user)
    NotificationFactory(user=user, read=True)
    other = NotificationFactory()
    client = client_for(user)
    response = client.post(f"{LIST}/mark-all-read")
    assert response.status_code == 200
    assert response.json() == {"success": True, "message": "All notifications marked as read", "count": 3}
    assert client.get(f"{LIST}/unread-count").json()["data"]["count"] == 0
    assert client.get(LIST, {"status": "unread"}).json()["data"] == []
    assert client_for(other.user).get(f"{LIST}/unread-count").json()["data"]["count"] == 1


def test_mark_all_read_can_be_limited_to_one_type(user, client_for):
    NotificationFactory(user=user, type="comment")
    NotificationFactory(user=user, type="mention")
    response = client_for(user).post(f"{LIST}/mark-all-read?type=comment")
    assert response.json()["count"] == 1
    assert Notification.objects.get(user=user, read=False).type == "mention"


def test_delete_answers_204_and_removes_only_mine(user, client_for):
    mine, foreign = NotificationFactory(user=user), NotificationFactory()
    client = client_for(user)
    response = client.delete(f"{LIST}/{mine.pk}")
    assert response.status_code == 204 and response.content == b""
    assert not Notification.objects.filter(pk=mine.pk).exists()
    assert client.delete(f"{LIST}/{foreign.pk}").status_code == 404
    assert Notification.objects.filter(pk=foreign.pk).exists()


def test_unread_count_counts_my_unread_notifications(user, client_for):
    NotificationFactory.create_batch(2, user=user)
    NotificationFactory(user=user, read=True)
    NotificationFactory()
    assert client_for(user).get(f"{LIST}/unread-count").json() == {"success": True, "data": {"count": 2}}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("patch", "/api/v1/notifications/00000000-0000-0000-0000-000000000000/read"),
        ("delete", "/api/v1/notifications/00000000-0000-0000-0000-000000000000"),
        ("post", "/api/v1/notifications/mark-all-read"),
        ("get", "/api/v1/notifications/unread-count"),
        ("get", "/api/v1/notifications/preferences"),
        ("patch", "/api/v1/notifications/preferences"),
        ("get", "/api/v1/notifications/stream"),
    ],
)
def test_every_inbox_endpoint_requires_authentication(api_client, method, path):
    assert getattr(api_client, method)(path).status_code == 401


def test_retention_deletes_old_read_notifications_but_keeps_unread_ones(user, settings):
    from datetime import timedelta

    from django.utils import timezone

    from apps.notifications.tasks import notifications_purge_old_task

    settings.NOTIFICATION_RETENTION_DAYS = 90
    old = timezone.now() - timedelta(days=91)
    old_read = NotificationFactory(user=user, read=True, created_at=old)
    old_unread = NotificationFactory(user=user, created_at=old)
    recent_read = NotificationFactory(user=user, read=True)
    assert notifications_purge_old_task.delay().get() == 1
    assert set(Notification.objects.values_list("pk", flat=True)) == {old_unread.pk, recent_read.pk}
    assert not Notification.objects.filter(pk=old_read.pk).exists()
