"""The plain inbox page is read with one SQL statement on PostgreSQL: it answers exactly what the
serializer and the ORM path answer (read, unread and watermarked rows, every page), and any filter
takes the ORM path."""

import itertools
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.notifications.models import Notification
from apps.notifications.selectors import notification_read_state, read_mark_get
from apps.notifications.serializers import NotificationSerializer
from tests.factories.notifications import NotificationFactory
from tests.factories.workspaces import WorkspaceFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/notifications"


@pytest.fixture
def inbox(user, client_for):
    """Flagged-read, unread, covered-by-the-watermark and after-the-watermark rows, some in a
    workspace, one with a whole-second timestamp (no microseconds in its ISO form)."""
    client = client_for(user)
    workspace = WorkspaceFactory()
    now = timezone.now()
    for index in range(7):
        NotificationFactory(
            user=user, type=["comment", "mention"][index % 2], workspace=workspace if index % 3 else None
        )
    NotificationFactory(user=user, read=True, read_at=now - timedelta(days=1), type="mention")
    whole = NotificationFactory(user=user)
    Notification.objects.filter(pk=whole.pk).update(created_at=now.replace(microsecond=0) - timedelta(hours=1))
    assert client.post(f"{LIST}/mark-all-read").status_code == 200
    NotificationFactory.create_batch(3, user=user, type="comment")
    NotificationFactory(user=user, read=True, read_at=now, workspace=workspace)
    NotificationFactory()  # someone else's
    return client, workspace


def serializer_items(user):
    """The inbox as NotificationSerializer renders it, with the watermark's read state."""
    mark = read_mark_get(user=user)
    items = []
    for notification in Notification.objects.filter(user=user).order_by("-created_at", "-id"):
        notification.read, notification.read_at = notification_read_state(notification, mark)
        items.append(json.loads(json.dumps(NotificationSerializer(notification).data)))
    return items


def test_plain_pages_are_one_query_and_match_the_serializer(user, inbox):
    client, _ = inbox
    expected = serializer_items(user)
    assert len(expected) == 13 and any(item["read"] and item["read_at"] for item in expected)
    assert any(not item["read"] for item in expected) and any(item["workspace_id"] for item in expected)
    for page_size, page in [(20, 1), (5, 1), (5, 2), (5, 3), (5, 4), (100, 1), (500, 1)]:
        with CaptureQueriesContext(connection) as queries:
            body = client.get(LIST, {"page": page, "page_size": page_size}).json()
        if connection.vendor == "postgresql":  # elsewhere the ORM path answers the same
            assert len(queries) == 1 and "LATERAL" in queries.captured_queries[0]["sql"]
        size = min(page_size, 100)
        assert body["data"] == expected[(page - 1) * size : page * size]
        assert body["pagination"] == {
            "page": page,
            "page_size": size,
            "total": 13,
            "total_pages": -(-13 // size),
        }


def test_the_fast_path_answers_byte_for_byte_what_the_orm_path_answers(user, inbox, monkeypatch):
    client, _ = inbox
    pages = [{}, {"page": 2, "page_size": 4}, {"page": 99}, {"page_size": 1}]
    fast = [client.get(LIST, params) for params in pages]
    monkeypatch.setattr(connection, "vendor", "sqlite")  # what SQLite gets: the ORM path
    slow = [client.get(LIST, params) for params in pages]
    for one, other in zip(fast, slow, strict=True):
        assert one.status_code == other.status_code == 200
        assert one.content == other.content and one["Content-Type"] == other["Content-Type"]


def test_an_empty_inbox_and_a_page_past_the_end(user, client_for):
    client = client_for(user)
    assert client.get(LIST).json()["pagination"] == {"page": 1, "page_size": 20, "total": 0, "total_pages": 0}
    NotificationFactory.create_batch(3, user=user)
    body = client.get(LIST, {"page": 2}).json()
    assert body["data"] == [] and body["pagination"]["total"] == 3


def test_every_filter_combination_takes_the_orm_path_with_the_right_rows(user, inbox):
    client, workspace = inbox
    expected = serializer_items(user)
    filters = {
        "status": ["read", "unread"],
        "type": ["comment", "mention", "nothing"],
        "workspace_id": [str(workspace.pk)],
    }
    for size in range(1, len(filters) + 1):
        for names in itertools.combinations(filters, size):
            for values in itertools.product(*(filters[name] for name in names)):
                params = dict(zip(names, values, strict=True))
                want = [
                    item
                    for item in expected
                    if (params.get("status") is None or item["read"] == (params["status"] == "read"))
                    and params.get("type", item["type"]) == item["type"]
                    and params.get("workspace_id", item["workspace_id"]) == item["workspace_id"]
                ]
                with CaptureQueriesContext(connection) as queries:
                    body = client.get(LIST, {**params, "page_size": 100}).json()
                sql = [query["sql"] for query in queries.captured_queries]
                assert sql and not any("LATERAL" in text for text in sql), params  # the ORM path
                assert body["data"] == want, params
                assert body["pagination"]["total"] == len(want), params


def test_bad_page_parameters_still_answer_400_on_the_fast_path(user, client_for):
    client = client_for(user)
    for params in [{"page": "0"}, {"page": "x"}, {"page_size": "-1"}]:
        response = client.get(LIST, params)
        assert response.status_code == 400 and response.json()["error"]["code"] == "INVALID_REQUEST"
