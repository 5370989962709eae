"""AsyncPronaFlow (same resources, awaited) and the notification stream."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from _helpers import envelope, error

import pronaflow

SSE = (
    b': heartbeat\n\nid: 1\nevent: notification\ndata: {"title": "Hello"}\n\nid: 2\ndata: line one\ndata: line two\n\n'
)


def make_async(handler, **options):
    options.setdefault("api_token", "prona_test")
    client = pronaflow.AsyncPronaFlow(base_url="https://api.test", transport=httpx.MockTransport(handler), **options)
    sleeps: list[float] = []

    async def record(seconds):
        sleeps.append(seconds)

    client._sleep = record
    return client, sleeps


def test_async_create_retries_with_one_idempotency_key():
    keys = []
    answers = iter([error(429, "RATE_LIMITED", headers={"Retry-After": "2"}), envelope({"id": "x"}, 201)])

    def handler(request):
        keys.append(request.headers["Idempotency-Key"])
        return next(answers)

    async def main():
        client, sleeps = make_async(handler, typed=False)
        async with client:
            task = await client.tasks.create(title="Design UI", priority="high", project_id="p1")
        return task, sleeps

    task, sleeps = asyncio.run(main())
    assert task == {"id": "x"} and sleeps == [2.0]
    assert len(keys) == 2 and keys[0] == keys[1]


def test_async_iter_walks_every_page_and_errors_raise():
    def handler(request):
        if request.url.path.endswith("/tasks/missing"):
            return error(404, "NOT_FOUND", "Resource not found.")
        page = int(request.url.params.get("page", 1))
        pagination = {"page": page, "page_size": 2, "total": 3, "total_pages": 2}
        return envelope([{"id": str(i)} for i in range((page - 1) * 2, min(3, page * 2))], pagination=pagination)

    async def main():
        client, _ = make_async(handler, typed=False)
        first = await client.projects.list()
        walked = [p["id"] async for p in client.projects.iter()]
        with pytest.raises(pronaflow.NotFoundError) as caught:
            await client.tasks.get("missing")
        return first, walked, caught.value

    first, walked, err = asyncio.run(main())
    assert isinstance(first, pronaflow.AsyncPage) and first.total == 3
    assert walked == ["0", "1", "2"]
    assert err.request_id == "req-123"


def test_async_client_signs_in_on_first_call():
    paths = []

    def handler(request):
        paths.append((request.url.path, request.headers.get("Authorization")))
        if request.url.path.endswith("/auth/login"):
            assert json.loads(request.content)["email"] == "owner@pronaflow.demo"
            return envelope({"mfa_required": False, "access_token": "a1", "refresh_token": "r1"})
        return envelope({"count": 0})

    async def main():
        client, _ = make_async(handler, api_token=None, email="owner@pronaflow.demo", password="pw")
        return await client.notifications.unread_count()

    assert asyncio.run(main()).count == 0
    assert paths == [("/api/v1/auth/login", None), ("/api/v1/notifications/unread-count", "Bearer a1")]


def _stream_handler(request):
    assert request.headers["Accept"] == "text/event-stream"
    assert request.headers.get("Last-Event-ID") == "0"
    return httpx.Response(200, content=SSE, headers={"Content-Type": "text/event-stream"})


def test_sync_stream_yields_events(make_client):
    client, _ = make_client(_stream_handler)
    events = list(client.notifications.stream(last_event_id="0"))
    assert events == [
        {"id": "1", "event": "notification", "data": {"title": "Hello"}},
        {"id": "2", "event": "message", "data": "line one\nline two"},
    ]


def test_async_stream_yields_events():
    async def main():
        client, _ = make_async(_stream_handler)
        return [event async for event in client.notifications.stream(last_event_id="0")]

    assert [e["id"] for e in asyncio.run(main())] == ["1", "2"]


def test_stream_errors_raise(make_client):
    client, _ = make_client(lambda request: error(401, "UNAUTHORIZED", "no"))
    with pytest.raises(pronaflow.AuthenticationError):
        list(client.notifications.stream())
