"""The compliance export rendered by PostgreSQL (COPY) is byte for byte the Python rendering.

Hostile and awkward values on purpose: unicode beyond the BMP, commas, quotes, newlines, empty
strings next to NULLs, nested and numeric JSON, m2m changes, and cells that start with every
character `apps.core.csvsafe` neutralises.
"""

import datetime as dt
import json
import sys
import unicodedata

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from apps.archive.models import AuditChainLink
from apps.archive.selectors import audit_public_id, audit_records
from apps.archive.services.audit_chain import audit_entries_seal_pending
from apps.archive.services.export_copy import audit_csv_copy, audit_json_copy
from apps.archive.services.exports import csv_chunks, json_chunks, json_copy_chunks
from apps.core.csvsafe import is_formula_like, neutralise
from apps.projects.models import Project
from apps.tasks.models import Task
from tests.factories.accounts import DEFAULT_PASSWORD, UserFactory
from tests.factories.archive import audit_action
from tests.factories.workspaces import WorkspaceMemberFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's"),
]

TRIGGERS = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "\nx", "\uff1dx", "\ufe66x", "\ufb29x", "\u207cx"]
TEXTS = [
    "plain",
    "",
    "comma, inside",
    'quote " inside',
    "new\nline",
    "cr\r\nlf",
    "émoji 😀 and 中文",
    "back\\slash",
    "'already quoted",
    " leading space",
    "\x7fdel",
    "\\.",
    *TRIGGERS,
]
JSON_VALUES = [
    None,
    True,
    False,
    0,
    42,
    -7,
    1.5,
    100.0,
    0.00001,
    1e15,
    1.2345e16,
    "",
    [],
    {},
    {"zeta": 1, "alpha": [1, "two", None], "ß": {"b": 2.50, "a": "x"}},
    ["a", "b"],
    "ctrl\x01\x1f",
    *TEXTS,
]


def _entries(project, task, users):
    project_type = ContentType.objects.get_for_model(Project)
    task_type = ContentType.objects.get_for_model(Task)
    start = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)
    rows = []
    for index, text in enumerate(TEXTS + [str(value) for value in JSON_VALUES]):
        value = JSON_VALUES[index % len(JSON_VALUES)]
        actor = users[index % len(users)]
        rows.append(
            LogEntry(
                content_type=task_type if index % 2 else project_type,
                object_pk=text if index % 3 else str(project.pk),
                object_repr=text,
                action=index % 4,
                changes=[
                    {"name": ["old " + text, text], "status": [None, value], "description": [text, "x"]},
                    {"tags": {"type": "m2m", "operation": "add", "objects": [text, "b"]}, "odd": value},
                    {"tags": {"type": "m2m", "operation": "delete", "objects": ["c"]}, "bare": {"z": 1, "y": 2}},
                    None,
                    {"one": [value]},
                ][index % 5],
                actor=actor,
                actor_email=[text, "", None, "keep@example.com"][index % 4],
                remote_addr=["203.0.113.5", None, "2001:db8::1"][index % 3],
                additional_data=[
                    {"workspace_id": text, "action": value},
                    {"workspace_id": value, "action": text},
                    {"action": "project.archived"},
                    None,
                    {"workspace_id": {"nested": [value]}, "action": {"k": text}},
                ][index % 5],
                timestamp=start + dt.timedelta(minutes=index, microseconds=[0, 1, 500, 999_999, 123_456][index % 5]),
            )
        )
    LogEntry.objects.bulk_create(rows)


@pytest.fixture
def entries(project, task):
    users = [UserFactory(email="=cmd@example.com"), UserFactory(email="plain@example.com"), None]
    _entries(project, task, users)
    audit_entries_seal_pending()  # most entries sealed into the chain
    _entries(project, task, users)  # these are not (no sequence, no hash)
    return LogEntry.objects.order_by("timestamp", "id")


def test_copy_csv_is_the_python_csv_byte_for_byte(entries):
    python = b"".join(csv_chunks(audit_records(entries)))
    copied = b"".join(audit_csv_copy(entries))
    assert entries.count() > 100
    assert b"'=cmd@example.com" in copied and b'"new\nline"' in copied and "😀".encode() in copied
    assert copied == python


def test_copy_json_is_the_python_json_byte_for_byte(entries):
    meta = {"export_id": "x", "total": entries.count(), "generated_at": dt.datetime(2026, 5, 2, tzinfo=dt.UTC)}
    python = b"".join(json_chunks(meta, audit_records(entries), records_per_chunk=7))
    copied = b"".join(json_copy_chunks(meta, audit_json_copy(entries)))
    assert copied.isascii() and b"\\ud83d\\ude00" in copied and b"\\u007f" in copied
    assert json.loads(copied) == json.loads(python)
    assert copied == python


def test_copy_keeps_the_querysets_filter_and_order(entries):
    newest_first = entries.filter(action=1).order_by("-timestamp", "-id")
    items = json.loads(b"[" + b"".join(audit_json_copy(newest_first)) + b"]")
    expected = [audit_public_id(pk) for pk in newest_first.values_list("pk", flat=True)]
    assert len(expected) > 10
    assert [item["id"] for item in items] == expected


def test_sql_neutralises_exactly_what_csvsafe_neutralises():
    characters = [chr(code) for code in range(1, sys.maxunicode + 1) if not 0xD800 <= code < 0xE000]
    flagged = {character for character in characters if is_formula_like(character)}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c FROM unnest(%s::text[]) AS c WHERE pronaflow_csv_safe(c || 'x') <> c || 'x'",
            [[character for character in characters if unicodedata.category(character) != "Cs"]],
        )
        assert {row[0] for row in cursor.fetchall()} == flagged
        cursor.execute("SELECT pronaflow_csv_safe(%s), pronaflow_csv_safe(''), pronaflow_csv_safe(NULL)", ["=1"])
        assert cursor.fetchone() == (neutralise("=1"), "", None)


def test_erasure_clears_the_stored_changes_cell_so_the_export_shows_the_pseudonym(client_for, team, project):
    person = UserFactory(email="erin@example.com", username="erin")
    WorkspaceMemberFactory(workspace=team.workspace, user=person)
    audit_action("project.renamed", actor=team.owner, target=project, changes={"owner": ["erin@example.com", "x"]})
    audit_entries_seal_pending()
    link = AuditChainLink.objects.exclude(export_changes=None).get(entry__additional_data__action="project.renamed")
    assert "erin@example.com" in link.export_changes

    response = client_for(person).post("/api/v1/compliance/erasure", {"password": DEFAULT_PASSWORD, "confirm": True})
    assert response.status_code == 200, response.content

    link.refresh_from_db()
    assert link.export_changes is None
    entries = LogEntry.objects.order_by("timestamp", "id")
    copied = b"".join(audit_csv_copy(entries))
    assert b"erin@example.com" not in copied
    assert copied == b"".join(csv_chunks(audit_records(entries)))
