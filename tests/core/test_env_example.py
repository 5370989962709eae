"""`.env.example` lists every environment variable pronaflow/settings.py reads, so a newcomer (and
an operator) sees every setting in one place."""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# env.str(...), env.int(...), env.db(...), env.email_url(...), env(...): django-environ's readers.
READERS = {"env"}


def settings_env_names() -> set[str]:
    """Names of the variables settings.py reads through django-environ (its first string argument)."""
    tree = ast.parse((ROOT / "pronaflow" / "settings.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        reader = func.value if isinstance(func, ast.Attribute) else func
        if isinstance(reader, ast.Name) and reader.id in READERS:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.add(first.value)
    return names


def example_names() -> set[str]:
    """Variables `.env.example` sets or shows commented out (`NAME=...` or `# NAME=...`)."""
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", text, re.MULTILINE))


def test_the_settings_reader_walk_finds_the_settings():
    names = settings_env_names()
    assert {"SECRET_KEY", "DATABASE_URL", "EMAIL_URL", "WEBHOOK_DELIVERY_RETENTION_DAYS"} <= names


def test_env_example_lists_every_variable_settings_reads():
    assert sorted(settings_env_names() - example_names()) == []


def test_env_example_lists_nothing_settings_does_not_read():
    assert sorted(example_names() - settings_env_names()) == []


def test_the_example_values_start_pronaflow(tmp_path):
    """Every value set in `.env.example` parses with its reader: settings import with all of them."""
    values = dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", (ROOT / ".env.example").read_text(), re.MULTILINE))
    values.update(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", SECRET_KEY="x" * 50)
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "pronaflow.settings", **values}
    script = "from django.conf import settings; print(settings.CELERY_TASK_SOFT_TIME_LIMIT)"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == values["CELERY_TASK_SOFT_TIME_LIMIT"]
