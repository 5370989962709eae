"""The README's run command uses SQLite when DATABASE_URL is unset. The suite runs on PostgreSQL, so
this test drives the signed-in request path once on a fresh SQLite database in a subprocess: login,
then bearer-authenticated writes and reads (a workspace, a project, a task, the task list). The user
row is read by a precompiled statement whose id parameter each backend binds differently."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json
from django.core.management import call_command
from django.test import Client

call_command("migrate", verbosity=0)
from apps.accounts.models import User

User.objects.create_user("fallback@example.test", "fallback", "Str0ng-fallback-passw0rd", status="active")
client = Client()
login = client.post(
    "/api/v1/auth/login",
    json.dumps({"email": "fallback@example.test", "password": "Str0ng-fallback-passw0rd"}),
    content_type="application/json",
)
token = login.json()["data"]["access_token"]
auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post(path, body):
    response = client.post(path, json.dumps(body), content_type="application/json", **auth)
    answers.append(response.status_code)
    return response.json()["data"]


answers = [login.status_code]
workspace = post("/api/v1/workspaces", {"name": "Fallback"})
project = post("/api/v1/projects", {"workspace_id": workspace["id"], "name": "Fallback project"})
task = post("/api/v1/tasks", {"project_id": project["id"], "title": "On SQLite"})
listed = client.get("/api/v1/tasks", {"project_id": project["id"]}, **auth)
answers += [listed.status_code, listed.json()["pagination"]["total"], listed.json()["data"][0]["id"] == task["id"]]
for path in ("/api/v1/auth/me", "/api/v1/projects", "/api/v1/notifications"):
    answers.append(client.get(path, **auth).status_code)
print(json.dumps(answers))
"""


def test_signed_in_requests_work_on_the_sqlite_fallback(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_SETTINGS_MODULE="pronaflow.settings",
        DEBUG="true",
        ALLOWED_HOSTS="testserver",
    )
    command = [sys.executable, "-c", "import django; django.setup()\n" + SCRIPT]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().splitlines()[-1] == "[200, 201, 201, 201, 200, 1, true, 200, 200, 200]"
