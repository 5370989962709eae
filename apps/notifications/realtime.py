"""Real-time delivery of notifications over Server-Sent Events.

Publishing: after the transaction that created notifications commits, each one is published on
the recipient's Redis pub/sub channel (`pronaflow:notifications:<user id>`), in one pipeline built
from the values the fan-out inserted (no second read of the rows).

Streaming: `GET /api/v1/notifications/stream` (bearer token as everywhere) answers
`text/event-stream`. Each notification is an SSE message with `id:` = the notification id, so a
reconnecting client's `Last-Event-ID` replays what it missed from the database before live
messages resume. A comment line (`: heartbeat`) goes out every NOTIFICATION_STREAM_HEARTBEAT_SECONDS
so proxies keep the connection open, and the server closes the stream after
NOTIFICATION_STREAM_MAX_SECONDS (the client reconnects with `Last-Event-ID`, nothing is lost).
Without REDIS_URL the stream polls the database instead of subscribing.

Serving it: each open stream holds one worker thread for its lifetime, so do not serve it from
sync gunicorn workers. Either run gunicorn with threads, e.g.
    gunicorn pronaflow.wsgi -k gthread --workers 2 --threads 50 --timeout 0
or route /api/v1/notifications/stream to a dedicated process of that kind (or to
    uvicorn pronaflow.asgi:application --workers 2
behind the same proxy), with proxy buffering off for that path (the response also sends
`X-Accel-Buffering: no` for nginx).
"""

from __future__ import annotations

import json
import logging
import time
from collections import deque
from collections.abc import Iterator

import redis
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils import timezone

from apps.notifications.models import Notification

logger = logging.getLogger("pronaflow.notifications")

RETRY_MILLISECONDS = 3000
REPLAY_LIMIT = 200


def channel_name(user_id) -> str:
    return f"pronaflow:notifications:{user_id}"


def _client() -> redis.Redis | None:
    if not settings.REDIS_URL:
        return None
    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2)


def _serialize(notification: Notification) -> str:
    from apps.notifications.serializers import NotificationSerializer

    return json.dumps(NotificationSerializer(notification).data, cls=DjangoJSONEncoder)


_publisher: redis.Redis | None = None


def _publisher_client() -> redis.Redis | None:
    """One client (and connection pool) per process for publishing."""
    global _publisher
    if not settings.REDIS_URL:
        return None
    if _publisher is None:
        _publisher = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2)
    return _publisher


def publish_new(created: list[tuple], shared: dict) -> None:
    """Push freshly committed notifications of one fan-out to their recipients' live streams, in
    one pipeline: each message is NotificationSerializer's output, built from the values the rows
    share (`shared`: workspace_id, title, message, type, created_at, action_url) plus each row's
    (id, user id) in `created`.
    Best effort: a client that misses one gets it on reconnect (Last-Event-ID) or from the inbox."""
    client = _publisher_client()
    if client is None or not created:
        return
    from apps.notifications.selectors import notification_rows_data

    row = (*created[0], shared["workspace_id"], shared["title"], shared["message"])
    [document] = notification_rows_data(
        [(*row, shared["type"], False, None, shared["created_at"], shared["action_url"])], None
    )
    # Everything after "user_id" is the same for every recipient: encoded once (ids need no escaping).
    del document["id"], document["user_id"]
    tail = json.dumps(document)[1:]
    try:
        pipeline = client.pipeline(transaction=False)
        for pk, user_id in created:
            pipeline.publish(channel_name(user_id), f'{{"id": "{pk}", "user_id": "{user_id}", {tail}')
        pipeline.execute()
    except redis.RedisError:
        logger.warning("Could not publish %d notifications to live streams", len(created), exc_info=True)


def _message(notification: Notification) -> str:
    return f"id: {notification.pk}\nevent: notification\ndata: {_serialize(notification)}\n\n"


def _after(user, cursor: tuple | None, limit: int = REPLAY_LIMIT) -> list[Notification]:
    """The user's notifications after `cursor` (created_at, id), oldest first."""
    queryset = Notification.objects.filter(user=user)
    if cursor is not None:
        created_at, pk = cursor
        queryset = queryset.filter(Q(created_at__gt=created_at) | Q(created_at=created_at, id__gt=pk))
    return list(queryset.order_by("created_at", "id")[:limit])


def notification_stream(*, user, last_event_id: str | None = None) -> Iterator[str]:
    """The SSE body for `user`: replay after `last_event_id`, then live notifications and
    heartbeats until NOTIFICATION_STREAM_MAX_SECONDS."""
    heartbeat = getattr(settings, "NOTIFICATION_STREAM_HEARTBEAT_SECONDS", 15)
    lifetime = getattr(settings, "NOTIFICATION_STREAM_MAX_SECONDS", 300)
    poll = getattr(settings, "NOTIFICATION_STREAM_POLL_SECONDS", 2)
    client = _client()
    pubsub = None
    if client is not None:
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(channel_name(user.pk))  # before the replay, so nothing falls in between
    seen: deque[str] = deque(maxlen=1000)
    try:
        cursor = (timezone.now(), None)  # live messages start now (polling mode)
        yield f"retry: {RETRY_MILLISECONDS}\n\n"
        if last_event_id:
            last = Notification.objects.filter(user=user, pk=last_event_id).values("created_at", "id").first()
            if last is not None:
                cursor = (last["created_at"], last["id"])
                for notification in _after(user, cursor):
                    seen.append(str(notification.pk))
                    cursor = (notification.created_at, notification.pk)
                    yield _message(notification)
        started = last_beat = time.monotonic()
        while time.monotonic() - started < lifetime:
            if pubsub is not None:
                message = pubsub.get_message(timeout=min(1.0, heartbeat))
                if message and message.get("type") == "message":
                    data = json.loads(message["data"])
                    if data["id"] not in seen:
                        seen.append(data["id"])
                        yield f"id: {data['id']}\nevent: notification\ndata: {json.dumps(data)}\n\n"
            else:
                time.sleep(min(poll, heartbeat))
                created_at, pk = cursor
                queryset = Notification.objects.filter(user=user, created_at__gt=created_at)
                if pk is not None:
                    queryset = Notification.objects.filter(user=user).filter(
                        Q(created_at__gt=created_at) | Q(created_at=created_at, id__gt=pk)
                    )
                for notification in queryset.order_by("created_at", "id")[:REPLAY_LIMIT]:
                    cursor = (notification.created_at, notification.pk)
                    if str(notification.pk) not in seen:
                        seen.append(str(notification.pk))
                        yield _message(notification)
            if time.monotonic() - last_beat >= heartbeat:
                last_beat = time.monotonic()
                yield ": heartbeat\n\n"
    finally:
        if pubsub is not None:
            pubsub.close()
            client.close()
