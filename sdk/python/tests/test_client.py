"""The HTTP core over httpx.MockTransport: retries, idempotency keys, errors, pagination, auth."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest
from _helpers import envelope, error

import pronaflow
from pronaflow import models

TASK = {
    "id": str(uuid.uuid4()),
    "workspace_id": str(uuid.uuid4()),
    "project_id": str(uuid.uuid4()),
    "task_list_id": None,
    "title": "Design UI",
    "description": "",
    "status": "todo",
    "priority": "high",
    "position": 0,
    "start_date": None,
    "due_date": None,
    "estimated_hours": None,
    "tags": [],
    "assignee_ids": [],
    "assignees": [],
    "created_by_id": None,
    "started_at": None,
    "completed_at": None,
    "subtasks_count": 0,
    "subtasks_done_count": 0,
    "comments_count": 0,
    "created_at": "2026-02-03T10:30:00Z",
    "updated_at": "2026-02-03T10:30:00Z",
    "subtasks": [],
    "watcher_ids": [],
}


# --- the spec's example ------------------------------------------------------------------------------


def test_spec_example_create_and_list(make_client):
    seen = []

    def handler(request):
        seen.append(request)
        if request.method == "POST":
            return envelope({**TASK, **json.loads(request.content)}, 201)
        return envelope([], pagination={"page": 1, "page_size": 20, "total": 0, "total_pages": 0})

    client, _ = make_client(handler)
    task = client.tasks.create(title="Design UI", priority="high", project_id=TASK["project_id"])
    projects = client.projects.list()

    assert isinstance(task, models.TaskDetail)
    assert task.title == "Design UI" and task.priority.value == "high"
    assert list(projects) == [] and projects.total == 0
    create, listing = seen
    assert create.url == "https://api.test/api/v1/tasks"
    assert create.headers["Authorization"] == "Bearer prona_test"
    assert json.loads(create.content) == {"title": "Design UI", "priority": "high", "project_id": TASK["project_id"]}
    assert uuid.UUID(create.headers["Idempotency-Key"]).version == 4
    assert listing.url == "https://api.test/api/v1/projects"
    assert "Idempotency-Key" not in listing.headers


def test_token_and_url_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("PRONAFLOW_API_TOKEN", "prona_env")
    monkeypatch.setenv("PRONAFLOW_BASE_URL", "http://localhost:9999/")
    client = pronaflow.PronaFlow()
    assert client.api_token == "prona_env" and client.base_url == "http://localhost:9999"


# --- retries -----------------------------------------------------------------------------------------


def test_429_is_retried_after_retry_after_with_the_same_idempotency_key(make_client):
    keys = []
    answers = iter([error(429, "RATE_LIMITED", headers={"Retry-After": "7"}), envelope(TASK, 201)])

    def handler(request):
        keys.append(request.headers["Idempotency-Key"])
        return next(answers)

    client, sleeps = make_client(handler)
    task = client.tasks.create(title="x", project_id=TASK["project_id"])
    assert task.id == uuid.UUID(TASK["id"])
    assert sleeps == [7.0]
    assert len(keys) == 2 and keys[0] == keys[1]


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_errors_are_retried_with_backoff(make_client, status):
    answers = iter([httpx.Response(status), httpx.Response(status), envelope({"status": "ok"})])
    client, sleeps = make_client(lambda request: next(answers), backoff_factor=1.0, typed=False)
    assert client.integration.status() == {"status": "ok"}
    assert len(sleeps) == 2
    assert 0.5 <= sleeps[0] <= 1.0 and 1.0 <= sleeps[1] <= 2.0  # exponential with jitter


def test_connection_errors_are_retried_then_raised(make_client):
    calls = []

    def handler(request):
        calls.append(1)
        raise httpx.ConnectError("refused", request=request)

    client, sleeps = make_client(handler, max_retries=2)
    with pytest.raises(pronaflow.APIConnectionError) as caught:
        client.projects.list()
    assert len(calls) == 3 and len(sleeps) == 2
    assert caught.value.status is None


def test_a_timeout_then_success(make_client):
    answers = iter([None, envelope(TASK, 201)])

    def handler(request):
        answer = next(answers)
        if answer is None:
            raise httpx.ReadTimeout("slow", request=request)
        return answer

    client, sleeps = make_client(handler)
    assert client.tasks.create(title="x", project_id=TASK["project_id"]).title == "Design UI"
    assert len(sleeps) == 1


def test_retries_stop_after_max_retries(make_client):
    calls = []

    def handler(request):
        calls.append(1)
        return error(503, "SERVICE_UNAVAILABLE")

    client, _ = make_client(handler, max_retries=3)
    with pytest.raises(pronaflow.ServiceUnavailableError):
        client.tasks.get(TASK["id"])
    assert len(calls) == 4


def test_a_409_in_progress_on_a_retried_create_is_retried(make_client):
    answers = iter(
        [
            httpx.Response(502),
            error(409, "CONFLICT", "Still running.", {"Idempotency-Key": ["still being processed"]}),
            httpx.Response(201, json={"success": True, "data": TASK}, headers={"Idempotent-Replayed": "true"}),
        ]
    )
    client, sleeps = make_client(lambda request: next(answers))
    assert client.tasks.create(title="x", project_id=TASK["project_id"]).title == "Design UI"
    assert len(sleeps) == 2


def test_an_ordinary_409_is_not_retried(make_client):
    calls = []

    def handler(request):
        calls.append(1)
        return error(409, "CONFLICT", "The project is archived.")

    client, _ = make_client(handler)
    with pytest.raises(pronaflow.ConflictError):
        client.tasks.create(title="x", project_id=TASK["project_id"])
    assert len(calls) == 1


def test_an_explicit_idempotency_key_is_sent(make_client):
    keys = []

    def handler(request):
        keys.append(request.headers.get("Idempotency-Key"))
        return envelope(TASK, 201)

    client, _ = make_client(handler)
    client.tasks.create(title="x", project_id=TASK["project_id"], idempotency_key="order-42")
    client.tasks.create(title="x", project_id=TASK["project_id"])
    assert keys[0] == "order-42" and keys[1] != "order-42"


# --- errors ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "code", "cls"),
    [
        (400, "INVALID_REQUEST", pronaflow.InvalidRequestError),
        (401, "UNAUTHORIZED", pronaflow.AuthenticationError),
        (403, "FORBIDDEN", pronaflow.PermissionDeniedError),
        (404, "NOT_FOUND", pronaflow.NotFoundError),
        (405, "METHOD_NOT_ALLOWED", pronaflow.MethodNotAllowedError),
        (409, "CONFLICT", pronaflow.ConflictError),
        (422, "VALIDATION_ERROR", pronaflow.ValidationError),
        (429, "RATE_LIMITED", pronaflow.RateLimitError),
        (500, "INTERNAL_ERROR", pronaflow.InternalServerError),
    ],
)
def test_error_envelopes_raise_their_class(make_client, status, code, cls):
    details = {"title": ["This field is required."]} if code == "VALIDATION_ERROR" else {}
    client, _ = make_client(lambda request: error(status, code, "went wrong", details), max_retries=0)
    with pytest.raises(cls) as caught:
        client.tasks.create(project_id=TASK["project_id"])
    err = caught.value
    assert isinstance(err, pronaflow.PronaFlowError)
    assert (err.status, err.code, err.message, err.details, err.request_id) == (
        status,
        code,
        "went wrong",
        details,
        "req-123",
    )
    assert "req-123" in str(err)


def test_rate_limit_error_exposes_retry_after(make_client):
    client, _ = make_client(lambda r: error(429, "RATE_LIMITED", headers={"Retry-After": "12"}), max_retries=0)
    with pytest.raises(pronaflow.RateLimitError) as caught:
        client.projects.list()
    assert caught.value.retry_after == 12.0


def test_a_non_json_error_still_raises_by_status(make_client):
    client, _ = make_client(lambda r: httpx.Response(404, text="<html>nope</html>"))
    with pytest.raises(pronaflow.NotFoundError) as caught:
        client.projects.get("p1")
    assert caught.value.code == "NOT_FOUND" and caught.value.status == 404


def test_an_unknown_code_falls_back_to_the_status_class(make_client):
    client, _ = make_client(lambda r: error(403, "MFA_LOCKED"))
    with pytest.raises(pronaflow.PermissionDeniedError) as caught:
        client.auth.me()
    assert caught.value.code == "MFA_LOCKED"


# --- pagination --------------------------------------------------------------------------------------


def _paged(items, page_size):
    def handler(request):
        page = int(request.url.params.get("page", 1))
        size = int(request.url.params.get("page_size", page_size))
        chunk = items[(page - 1) * size : page * size]
        total_pages = -(-len(items) // size)
        pagination = {"page": page, "page_size": size, "total": len(items), "total_pages": total_pages}
        return envelope(chunk, pagination=pagination)

    return handler


def test_list_is_the_first_page_and_iter_walks_every_page(make_client):
    items = [{"id": str(i)} for i in range(7)]
    requests = []

    def handler(request):
        requests.append(request)
        return _paged(items, 3)(request)

    client, _ = make_client(handler, typed=False)
    first = client.projects.list(status="active")
    assert [p["id"] for p in first] == ["0", "1", "2"]
    assert (first.page, first.total, first.total_pages, first.has_next_page()) == (1, 7, 3, True)

    walked = [p["id"] for p in client.projects.iter(status="active")]
    assert walked == [str(i) for i in range(7)]
    assert [p["id"] for p in first.auto_paging_iter()] == walked
    assert all(r.url.params["status"] == "active" for r in requests)
    assert requests[-1].url.params["page"] == "3" and requests[-1].url.params["page_size"] == "3"


def test_limit_offset_lists_walk_by_offset(make_client):
    events = [{"id": str(i)} for i in range(5)]
    offsets = []

    def handler(request):
        offset = int(request.url.params.get("offset", 0))
        limit = int(request.url.params.get("limit", 2))
        offsets.append(offset)
        return httpx.Response(200, json={"success": True, "data": events[offset : offset + limit], "total": 5})

    client, _ = make_client(handler, typed=False)
    page = client.events.list(limit=2)
    assert isinstance(page, pronaflow.OffsetPage) and page.total == 5 and len(page) == 2
    assert [e["id"] for e in client.events.iter(limit=2)] == ["0", "1", "2", "3", "4"]
    assert offsets[-3:] == [0, 2, 4]
    assert [d["id"] for d in client.webhooks.iter_deliveries("w1", limit=2)] == ["0", "1", "2", "3", "4"]


def test_typed_pages_hold_models(make_client):
    pagination = {"page": 1, "page_size": 20, "total": 1, "total_pages": 1}
    client, _ = make_client(lambda r: envelope([TASK], pagination=pagination))
    page = client.tasks.list()
    assert isinstance(page[0], models.Task) and page[0].title == "Design UI"


def test_an_answer_that_does_not_match_the_model_is_returned_raw_with_a_warning(make_client):
    client, _ = make_client(lambda r: envelope({"id": "not-a-uuid"}))
    with pytest.warns(pronaflow.SchemaWarning):
        assert client.tasks.get("t1") == {"id": "not-a-uuid"}


def test_204_is_none_and_files_are_bytes(make_client):
    def handler(request):
        if request.method == "DELETE":
            return httpx.Response(204)
        return httpx.Response(200, content=b"a,b\n1,2\n", headers={"Content-Type": "text/csv"})

    client, _ = make_client(handler)
    assert client.tasks.delete("t1") is None
    assert client.reports.export("r1", format="csv") == b"a,b\n1,2\n"


def test_path_ids_are_escaped_and_none_filters_dropped(make_client):
    seen = []

    def handler(request):
        seen.append(request)
        return envelope([], pagination={"page": 1, "page_size": 20, "total": 0, "total_pages": 0})

    client, _ = make_client(handler, typed=False)
    client.tasks.comments.list("a/b", top_level=True, author_id=None)
    assert seen[0].url.raw_path == b"/api/v1/tasks/a%2Fb/comments?top_level=true"


# --- JWT ---------------------------------------------------------------------------------------------


def test_login_with_email_and_password_then_refresh_on_401(make_client):
    calls = []

    def handler(request):
        calls.append((request.method, request.url.path, request.headers.get("Authorization")))
        body = json.loads(request.content) if request.content else {}
        if request.url.path.endswith("/auth/login"):
            assert body == {"email": "owner@pronaflow.demo", "password": "pw"}
            return envelope({"mfa_required": False, "access_token": "a1", "refresh_token": "r1"})
        if request.url.path.endswith("/auth/refresh"):
            assert body == {"refresh_token": "r1"}
            return envelope({"access_token": "a2", "refresh_token": "r2", "token_type": "bearer", "expires_in": 1800})
        if request.headers["Authorization"] == "Bearer a1":
            return error(401, "UNAUTHORIZED", "expired")
        return envelope({"count": 3})

    client, _ = make_client(handler, api_token=None, email="owner@pronaflow.demo", password="pw")
    assert client.access_token == "a1" and client.api_token is None
    result = client.notifications.unread_count()
    assert result.count == 3
    assert client.access_token == "a2" and client.refresh_token == "r2"
    assert [c[1] for c in calls] == [
        "/api/v1/auth/login",
        "/api/v1/notifications/unread-count",
        "/api/v1/auth/refresh",
        "/api/v1/notifications/unread-count",
    ]
    assert calls[0][2] is None


def test_login_classmethod_and_mfa(monkeypatch):
    def handler(request):
        return envelope({"mfa_required": True, "mfa_token": "m1"})

    with pytest.raises(pronaflow.MFARequiredError) as caught:
        pronaflow.PronaFlow.login("a@b.c", "pw", base_url="https://x.test", transport=httpx.MockTransport(handler))
    assert caught.value.mfa_token == "m1"


def test_anonymous_posts_are_not_replayed_after_an_ambiguous_failure(make_client):
    calls = []

    def handler(request):
        calls.append(1)
        if len(calls) == 1:
            raise httpx.ConnectError("refused", request=request)  # never sent: safe to retry
        return httpx.Response(504)

    client, _ = make_client(handler)
    with pytest.raises(pronaflow.APIStatusError) as caught:
        client.auth.request_password_reset("a@b.c")
    assert caught.value.status == 504 and len(calls) == 2


def test_enums_decimals_and_dates_are_serialised(make_client):
    import datetime as dt
    import decimal

    bodies = []

    def handler(request):
        bodies.append(json.loads(request.content))
        return envelope(TASK, 201)

    client, _ = make_client(handler)
    client.tasks.create(
        title="x",
        project_id=uuid.UUID(TASK["project_id"]),
        priority=models.TaskPriorityEnum.high,
        estimated_hours=decimal.Decimal("6.5"),
        due_date=dt.date(2030, 1, 10),
    )
    assert bodies[0] == {
        "title": "x",
        "project_id": TASK["project_id"],
        "priority": "high",
        "estimated_hours": "6.5",
        "due_date": "2030-01-10",
    }


@pytest.mark.parametrize(("value", "expected"), [("3", 3.0), ("soon", None), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)])
def test_retry_after_forms(make_client, value, expected):
    answers = iter([error(429, "RATE_LIMITED", headers={"Retry-After": value}), envelope({"count": 1})])
    client, sleeps = make_client(lambda request: next(answers), backoff_factor=0.25)
    client.notifications.unread_count()
    assert sleeps[0] == expected if expected is not None else 0.125 <= sleeps[0] <= 0.25
