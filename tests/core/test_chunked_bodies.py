"""A `Transfer-Encoding: chunked` body (no Content-Length) is parsed like any other, and one larger
than DATA_UPLOAD_MAX_MEMORY_SIZE answers 413 PAYLOAD_TOO_LARGE: in-process with the WSGI input as
gunicorn presents it (de-chunked, `wsgi.input_terminated`), and end to end against a live gunicorn."""

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from gunicorn.http.body import Body, ChunkedReader
from gunicorn.http.unreader import IterUnreader

from apps.tasks.models import Task
from tests.helpers import assert_error, data

ROOT = Path(__file__).resolve().parents[2]


def chunked(payload: bytes, size: int = 1000) -> bytes:
    """`payload` in HTTP/1.1 chunked framing."""
    parts = [
        b"%x\r\n%s\r\n" % (len(payload[i : i + size]), payload[i : i + size]) for i in range(0, len(payload), size)
    ]
    return b"".join(parts) + b"0\r\n\r\n"


class _Request:
    trailers = None


def gunicorn_input(payload: bytes):
    """The `wsgi.input` gunicorn gives a chunked request: a Body over a ChunkedReader."""
    return Body(ChunkedReader(_Request(), IterUnreader([chunked(payload)])))


def post_chunked(client, path: str, payload: bytes):
    return client.generic(
        "POST",
        path,
        content_type="application/json",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": gunicorn_input(payload), "wsgi.input_terminated": True},
    )


def test_chunked_json_body_is_parsed(client_for, team, project):
    payload = json.dumps({"project_id": str(project.pk), "title": "Sent in chunks", "description": "x" * 5000})
    created = data(post_chunked(client_for(team.member), "/api/v1/tasks", payload.encode()), 201)
    assert created["title"] == "Sent in chunks"
    assert Task.objects.get(pk=created["id"]).description == "x" * 5000


def test_chunked_body_over_the_limit_answers_413(client_for, team, project):
    padding = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)
    payload = json.dumps({"project_id": str(project.pk), "title": "too big", "description": padding})
    response = post_chunked(client_for(team.member), "/api/v1/tasks", payload.encode())
    assert_error(response, 413, "PAYLOAD_TOO_LARGE")
    assert not Task.objects.filter(title="too big").exists()


def test_chunked_body_of_exactly_the_limit_is_read_whole(client_for, team, project, settings):
    payload = json.dumps({"project_id": str(project.pk), "title": "at the limit"}).encode()
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = len(payload)
    data(post_chunked(client_for(team.member), "/api/v1/tasks", payload), 201)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = len(payload) - 1
    assert_error(post_chunked(client_for(team.member), "/api/v1/tasks", payload), 413, "PAYLOAD_TOO_LARGE")


# --- End to end: a real gunicorn de-chunks the body ---------------------------------------------


def _free_port() -> int:
    # PRONAFLOW_TEST_PORT pins the port (shared machines give each developer a range).
    if os.environ.get("PRONAFLOW_TEST_PORT"):
        return int(os.environ["PRONAFLOW_TEST_PORT"])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def gunicorn_url():
    port = _free_port()
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pronaflow.settings",
        "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY,
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
    }
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "pronaflow.wsgi:application", "--bind", f"127.0.0.1:{port}"),
            *("--worker-class", "gthread", "--workers", "1", "--threads", "2", "--log-level", "warning"),
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert server.poll() is None, "gunicorn exited"
                time.sleep(0.2)
        yield ("127.0.0.1", port)
    finally:
        server.terminate()
        server.wait(10)


def raw_post(address, path: str, body: bytes) -> tuple[int, dict]:
    """POST `body` chunked (no Content-Length) over a plain socket; returns (status, JSON body)."""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection(address, timeout=30) as sock:
        sock.sendall(head)
        # The server may answer and close before an oversized body is all sent.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(chunked(body, 64 * 1024))
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, payload = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    if b"transfer-encoding: chunked" in head.lower():
        payload = _dechunk(payload)
    return status, json.loads(payload)


def _dechunk(raw: bytes) -> bytes:
    out = b""
    while raw:
        size_line, _, raw = raw.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out, raw = out + raw[:size], raw[size + 2 :]
    return out


# gunicorn's own connections commit: flushed afterwards and restored, like the suite's other such tests.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_gunicorn_parses_a_chunked_body_and_refuses_an_oversized_one(gunicorn_url):
    # A parsed body reaches the credentials check (401); one read as empty would answer 422.
    status, body = raw_post(gunicorn_url, "/api/v1/auth/refresh", b'{"refresh_token": "not-a-token"}')
    assert (status, body["error"]["code"]) == (401, "UNAUTHORIZED"), body
    oversized = b'{"refresh_token": "' + b"a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1) + b'"}'
    status, body = raw_post(gunicorn_url, "/api/v1/auth/refresh", oversized)
    assert (status, body["error"]["code"]) == (413, "PAYLOAD_TOO_LARGE"), body


# A keep-alive connection survives a large body the view never read (gunicorn drains at most 64 KB
# and closes the connection otherwise: the client's next request on it failed).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_large_unread_body_does_not_cost_the_next_request_on_the_connection(gunicorn_url):
    import httpx

    host, port = gunicorn_url
    body = b'{"padding": "' + b"x" * 1_000_000 + b'"}'
    unread = [
        ("POST", "/api/v1/nope", {}, 404),
        ("POST", "/health", {}, 405),
        ("PATCH", "/api/v1/tasks/0b7c1f8e-5d2a-4c8e-9f31-2a6d4b9e7c10", {"Authorization": "Bearer bogus"}, 401),
    ]
    with httpx.Client(base_url=f"http://{host}:{port}", timeout=30) as client:
        for method, path, headers, status in unread * 2:
            headers = {"Content-Type": "application/json", **headers}
            assert client.request(method, path, content=body, headers=headers).status_code == status
            assert client.get("/api/v1/nope").status_code == 404  # the same connection, still open


# ... but a body that never arrives whole does not hold the answer (or the worker thread): the wait
# for it is bounded (UnreadBodyMiddleware.UNREAD_BODY_SECONDS), then gunicorn closes the connection.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_truncated_unread_body_gets_its_answer_within_the_drain_deadline(gunicorn_url):
    from apps.core.middleware import UNREAD_BODY_SECONDS

    head = (
        b"POST /api/v1/nope HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100000\r\n\r\n"
    )
    with socket.create_connection(gunicorn_url, timeout=UNREAD_BODY_SECONDS + 8) as sock:
        started = time.monotonic()
        sock.sendall(head + b"x" * 5000)  # 5 KB of the announced 100 KB, and the client waits
        answer = sock.recv(65536)
        waited = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 404"), answer[:200]
    assert waited < UNREAD_BODY_SECONDS + 6
