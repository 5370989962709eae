"""The SSE stream delivers a notification created after connecting, and replays on reconnect."""

import json

import pytest

from apps.notifications.models import Notification
from tests.factories.notifications import NotificationFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications/stream"


def read_until(chunks, predicate, limit=50):
    seen = []
    for _ in range(limit):
        chunk = next(chunks)
        chunk = chunk.decode() if isinstance(chunk, bytes) else chunk
        seen.append(chunk)
        if predicate(chunk):
            return chunk, seen
    raise AssertionError(f"not found in {seen}")


def test_stream_pushes_a_notification_created_after_connecting(world, assign_event, client_for, settings):
    settings.NOTIFICATION_STREAM_HEARTBEAT_SECONDS = 1
    settings.NOTIFICATION_STREAM_MAX_SECONDS = 10
    response = client_for(world.member).get(URL, HTTP_ACCEPT="text/event-stream")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/event-stream")
    chunks = iter(response.streaming_content)
    read_until(chunks, lambda c: c.startswith("retry:"))
    assign_event(world.member)
    notification = Notification.objects.get(user=world.member)
    message, _ = read_until(chunks, lambda c: "event: notification" in c)
    assert f"id: {notification.pk}" in message
    data = json.loads(message.split("data: ", 1)[1])
    assert data["title"] == "Task assigned to you" and data["user_id"] == str(world.member.pk)
    heartbeat, _ = read_until(chunks, lambda c: c.startswith(": heartbeat"))
    assert heartbeat == ": heartbeat\n\n"
    response.close()


def test_reconnecting_with_last_event_id_replays_what_was_missed_only(user, client_for, settings):
    settings.NOTIFICATION_STREAM_MAX_SECONDS = 1
    first, second, third = (NotificationFactory(user=user) for _ in range(3))
    NotificationFactory()  # someone else's
    Notification.objects.filter(pk=first.pk).update(created_at=first.created_at.replace(year=2020))
    response = client_for(user).get(URL, HTTP_LAST_EVENT_ID=str(first.pk))
    body = b"".join(response.streaming_content).decode()
    ids = [line[4:] for line in body.splitlines() if line.startswith("id: ")]
    assert sorted(ids) == sorted([str(second.pk), str(third.pk)])


def test_stream_falls_back_to_polling_without_redis(user, client_for, settings, monkeypatch):
    settings.REDIS_URL = ""
    settings.NOTIFICATION_STREAM_MAX_SECONDS = 3
    settings.NOTIFICATION_STREAM_POLL_SECONDS = 1
    response = client_for(user).get(URL)
    chunks = iter(response.streaming_content)
    read_until(chunks, lambda c: c.startswith("retry:"))
    created = NotificationFactory(user=user)
    message, _ = read_until(chunks, lambda c: "event: notification" in c)
    assert f"id: {created.pk}" in message
