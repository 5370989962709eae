import importlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.apps import apps
from rest_framework.test import APIClient

from tests.factories.integrations import ApiTokenFactory
from tests.factories.workspaces import Team


@pytest.fixture(autouse=True)
def _catalogue(request):
    """The OAuth providers and plugins the data migration seeds. Transactional tests elsewhere in
    the suite flush the database (migration data included), so put them back, the same way."""
    if request.node.get_closest_marker("django_db") is None and "db" not in request.fixturenames:
        return
    request.getfixturevalue("db")
    importlib.import_module("apps.integrations.migrations.0002_seed_catalogue").seed(apps, None)


@pytest.fixture
def team(db) -> Team:
    return Team()


@pytest.fixture
def token_client():
    """token_client(raw) -> an APIClient sending `Authorization: Bearer <raw>`."""

    def make(raw: str) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client

    return make


@pytest.fixture
def api_token(team):
    """A token of the team's owner with read access to projects."""
    return ApiTokenFactory(user=team.owner, scopes=["read:projects"])


@pytest.fixture
def allow_private_targets(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True


class Receiver:
    """A real HTTP server on 127.0.0.1 recording what webhooks POST to it. `statuses` is the
    sequence of status codes it answers (the last one repeats)."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.statuses = [200]
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                index = min(len(receiver.requests) - 1, len(receiver.statuses) - 1)
                self.send_response(receiver.statuses[index])
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/pronaflow"

    def json(self, index: int = -1) -> dict:
        return json.loads(self.requests[index]["body"])


@pytest.fixture
def receiver(allow_private_targets):
    server = Receiver()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()
