"""Fixtures: a client over httpx.MockTransport, and the server's OpenAPI schema."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import httpx
import pytest

from pronaflow import PronaFlow

SDK_ROOT = Path(__file__).resolve().parents[1]
REPO_ROOT = SDK_ROOT.parents[1]


@pytest.fixture
def make_client():
    """make_client(handler, **options) -> (client, sleeps): a PronaFlow client whose requests go to
    `handler(request) -> httpx.Response`; `sleeps` records the back-off waits (nothing sleeps)."""

    def make(handler, **options):
        options.setdefault("api_token", "prona_test")
        options.setdefault("base_url", "https://api.test")
        client = PronaFlow(transport=httpx.MockTransport(handler), **options)
        sleeps: list[float] = []
        client._sleep = sleeps.append
        return client, sleeps

    return make


@pytest.fixture(scope="session")
def schema_file(tmp_path_factory) -> Path:
    """The server's schema: PRONAFLOW_SCHEMA_FILE, or `manage.py spectacular` run with the server's
    own virtualenv (PRONAFLOW_SERVER_PYTHON, default <repo>/.venv/bin/python) in a subprocess."""
    given = os.environ.get("PRONAFLOW_SCHEMA_FILE")
    if given:
        return Path(given)
    server_python = Path(os.environ.get("PRONAFLOW_SERVER_PYTHON", REPO_ROOT / ".venv" / "bin" / "python"))
    if not server_python.exists() or not (REPO_ROOT / "manage.py").exists():
        pytest.skip("no server checkout to generate the schema from (set PRONAFLOW_SCHEMA_FILE)")
    path = tmp_path_factory.mktemp("schema") / "openapi.json"
    env = {**os.environ, "DEBUG": "true", "SECRET_KEY": os.environ.get("SECRET_KEY", "schema-generation-only")}
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    subprocess.run(
        [str(server_python), "manage.py", "spectacular", "--format", "openapi-json", "--file", str(path)],
        cwd=REPO_ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return path


@pytest.fixture(scope="session")
def schema(schema_file) -> dict:
    return json.loads(schema_file.read_text(encoding="utf-8"))
