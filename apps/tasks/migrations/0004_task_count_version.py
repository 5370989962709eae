"""A version per project that changes whenever the set of its live tasks may have changed (PostgreSQL).

The task list caches its totals per scope keyed by these versions (`apps.tasks.selectors`). The
triggers are statement-level (one bump per project per statement, whatever the number of rows) and
bump on inserts and deletes, and on updates that change what a list total counts: the project,
workspace or list of a task, or whether it is trashed. Versions come from a sequence, so a value is
never reused, not even after a rolled-back bump. TRUNCATE is not covered (nothing truncates tasks
but the test runner's flush). Other databases get nothing: the list does not cache there.
"""

from django.db import migrations

FUNCTION = """
CREATE FUNCTION tasks_count_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO tasks_count_version (project_id, version)
      SELECT project_id, nextval('tasks_count_version_seq') FROM (SELECT DISTINCT project_id FROM new_rows) AS d
      ON CONFLICT (project_id) DO UPDATE SET version = EXCLUDED.version;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO tasks_count_version (project_id, version)
      SELECT project_id, nextval('tasks_count_version_seq') FROM (SELECT DISTINCT project_id FROM old_rows) AS d
      ON CONFLICT (project_id) DO UPDATE SET version = EXCLUDED.version;
  ELSE
    INSERT INTO tasks_count_version (project_id, version)
      SELECT project_id, nextval('tasks_count_version_seq') FROM (
        SELECT DISTINCT changed.project_id FROM old_rows o JOIN new_rows n ON n.id = o.id
        CROSS JOIN LATERAL (VALUES (o.project_id), (n.project_id)) AS changed (project_id)
        WHERE changed.project_id IS NOT NULL AND (
          o.project_id IS DISTINCT FROM n.project_id
          OR o.workspace_id IS DISTINCT FROM n.workspace_id
          OR o.task_list_id IS DISTINCT FROM n.task_list_id
          OR (o.deleted_at IS NULL) <> (n.deleted_at IS NULL))
      ) AS d
      ON CONFLICT (project_id) DO UPDATE SET version = EXCLUDED.version;
  END IF;
  RETURN NULL;
END $$
"""

CREATE = [
    "CREATE SEQUENCE tasks_count_version_seq",
    "CREATE TABLE tasks_count_version (project_id uuid PRIMARY KEY, version bigint NOT NULL)",
    FUNCTION,
    "CREATE TRIGGER tasks_count_version_insert AFTER INSERT ON tasks_task REFERENCING NEW TABLE AS new_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION tasks_count_version_bump()",
    "CREATE TRIGGER tasks_count_version_update AFTER UPDATE ON tasks_task"
    " REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tasks_count_version_bump()",
    "CREATE TRIGGER tasks_count_version_delete AFTER DELETE ON tasks_task REFERENCING OLD TABLE AS old_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION tasks_count_version_bump()",
]

DROP = [
    "DROP TRIGGER IF EXISTS tasks_count_version_insert ON tasks_task",
    "DROP TRIGGER IF EXISTS tasks_count_version_update ON tasks_task",
    "DROP TRIGGER IF EXISTS tasks_count_version_delete ON tasks_task",
    "DROP FUNCTION IF EXISTS tasks_count_version_bump()",
    "DROP TABLE IF EXISTS tasks_count_version",
    "DROP SEQUENCE IF EXISTS tasks_count_version_seq",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("tasks", "0003_plural_names")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP), elidable=False)]
