"""No secret, ciphertext, hash, token or password is ever recorded in an audit entry's `changes`.

A model names its secrets at registration (excluded from the diff); any other field whose name looks
like one (apps.core.audit.SENSITIVE_FIELD) is masked: logged as changed, both values "[redacted]".
Entries written before this rule are left as they are: the audit log is an append-only hash chain.
"""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog

from apps.core import crypto
from apps.core.audit import REDACTED, SENSITIVE_FIELD, redact, register_audited
from apps.integrations.models import ApiToken
from tests.factories.integrations import ApiTokenFactory, WebhookFactory
from tests.factories.tasks import TaskFactory

pytestmark = pytest.mark.django_db

WEBHOOKS = "/api/v1/integration/webhooks"


def test_every_audited_field_that_looks_secret_is_excluded_or_redacted():
    walked, leaking = 0, []
    for model, options in auditlog._registry.items():
        walked += 1
        for field in model._meta.concrete_fields:
            if not SENSITIVE_FIELD.search(field.name):
                continue
            if options["include_fields"] and field.name not in options["include_fields"]:
                continue
            if field.name in options["exclude_fields"]:
                continue
            masked = field.name in options["mask_fields"] and options["mask_callable"] == "apps.core.audit.redact"
            if not masked:
                leaking.append(f"{model._meta.label}.{field.name}")
    assert walked > 10  # the walk saw the registry
    assert leaking == []
    assert redact("gAAAAABh-ciphertext") == REDACTED


def _leaks(text: str, *secrets: str) -> bool:
    return any(secret and secret in text for secret in secrets)


def test_rotating_or_setting_a_webhook_secret_records_no_ciphertext(client_for, team):
    webhook = WebhookFactory(workspace=team.workspace)
    first = webhook.secret_encrypted
    admin = client_for(team.owner)
    assert admin.post(f"{WEBHOOKS}/{webhook.pk}/rotate-secret").status_code == 200
    response = admin.patch(f"{WEBHOOKS}/{webhook.pk}", {"secret": "a-brand-new-secret-0123456789"}, format="json")
    assert response.status_code == 200
    webhook.refresh_from_db()
    assert webhook.previous_secret_encrypted and crypto.decrypt(webhook.secret_encrypted).startswith("a-brand")
    ciphertexts = (first, webhook.secret_encrypted, webhook.previous_secret_encrypted)

    rows = admin.get("/api/v1/audit-logs", {"resource_type": "webhook"}).json()["data"]
    updates = [row for row in rows if row["action"] == "webhook.updated"]
    assert len(updates) >= 2
    for row in rows:
        assert "previous_secret_encrypted" not in row["changes"] and "secret_encrypted" not in row["changes"]
        for name, change in row["changes"].items():
            if SENSITIVE_FIELD.search(name):
                assert change == {"old": REDACTED, "new": REDACTED}, row["changes"]
        assert not _leaks(str(row), *ciphertexts)

    today = dt.date.today().isoformat()
    for fmt in ("json", "csv"):
        response = admin.get("/api/v1/compliance/export", {"start_date": today, "end_date": today, "format": fmt})
        assert response.status_code == 200
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"webhook" in content
        assert not _leaks(content.decode(), *ciphertexts)
        assert "previous_secret_encrypted" not in content.decode()


def test_a_secret_looking_field_left_unexcluded_is_logged_as_redacted(team):
    """The safety net itself: a model registered without excluding its token hash."""
    registered = dict(auditlog._registry[ApiToken])
    auditlog.unregister(ApiToken)
    try:
        register_audited(ApiToken, exclude_fields=["last_used_at", "updated_at"])
        token = ApiTokenFactory(user=team.member)
        token.token_hash = "f" * 64
        token.save()
        entry = LogEntry.objects.get_for_object(token).order_by("-id").first()
        assert entry.changes_dict["token_hash"] == [REDACTED, REDACTED]
        assert "f" * 64 not in str(entry.changes)
    finally:
        auditlog.unregister(ApiToken)
        auditlog._registry[ApiToken] = registered
        auditlog._connect_signals(ApiToken)


def test_ordinary_fields_keep_their_values(client_for, team, project):
    task = TaskFactory(project=project)
    task.title = "Renamed task"
    task.save()
    rows = client_for(team.owner).get("/api/v1/audit-logs", {"action": "task.updated"}).json()["data"]
    assert rows[0]["changes"]["title"]["new"] == "Renamed task"
