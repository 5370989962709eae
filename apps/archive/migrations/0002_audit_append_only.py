"""The audit log is append-only at the database level (PostgreSQL).

A trigger rejects UPDATE and DELETE of audit entries, their chain links and the retention anchors
unless the transaction set `pronaflow.audit_maintenance` (only GDPR erasure and audit retention
do, through `apps.archive.services.audit_chain.enter_maintenance`). The admin and the ORM cannot
rewrite history by mistake; a database superuser still can, and the hash chain shows it.

Also: the chain head row, and an index for scoping entries by workspace.
"""

from django.db import migrations

GUARD = """
CREATE OR REPLACE FUNCTION pronaflow_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('pronaflow.audit_maintenance', true), '') = 'on' THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    RAISE EXCEPTION 'The audit log is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""
TABLES = ("auditlog_logentry", "archive_auditchainlink", "archive_auditchainanchor")


def forwards(apps, schema_editor):
    apps.get_model("archive", "AuditChainHead").objects.get_or_create(pk=1, defaults={"seq": 0, "hash": "0" * 64})
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(GUARD, params=None)
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION pronaflow_audit_append_only()"
        )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS archive_logentry_workspace_idx "
        "ON auditlog_logentry ((additional_data -> 'workspace_id'), timestamp DESC)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS archive_logentry_workspace_idx")
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS pronaflow_audit_append_only()")


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
