"""Database expressions and cursors shared by the apps' selectors."""

from __future__ import annotations

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import CharField, Func

# SQLite stores a UUIDField as 32 hex digits: dashes are put back in SQL, so every backend gives the
# canonical form. PostgreSQL's uuid -> text cast already writes it.
SQLITE_UUID_TEXT = (
    "substr(%(expressions)s, 1, 8) || '-' || substr(%(expressions)s, 9, 4) || '-' || "
    "substr(%(expressions)s, 13, 4) || '-' || substr(%(expressions)s, 17, 4) || '-' || "
    "substr(%(expressions)s, 21, 12)"
)


class UUIDText(Func):
    """A UUID column read as its canonical text (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, lower case)
    on every backend. `Cast(uuid, CharField())` is not that: on SQLite (`make run`'s default) it
    gives the stored 32 hex digits, which then leak into responses and never equal an id stored as
    text. Reading ids as text skips the driver's UUID parsing (see apps.scheduling.selectors)."""

    output_field = CharField()
    template = "CAST(%(expressions)s AS text)"
    arity = 1

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = super().as_sql(compiler, connection, template=f"({SQLITE_UUID_TEXT})", **extra_context)
        return sql, tuple(params) * 5  # the column appears five times in the template


def prepared_cursor():
    """A cursor of the default connection (Django's wrapper: errors, query logging and the test
    suite's query counts as usual) whose statements PostgreSQL parses and plans once per connection.

    For the statements every request runs (the signed-in user's row, a list's page): their text is
    built once per process and only the parameters change, so the parse, rewrite and planning (about
    2.4 ms of the task list's 3.5 ms at 1,000 tasks) happen on a connection's first execution only.
    Parameters are bound by the server there (the rest of PronaFlow binds them in the client, as
    Django does by default), and psycopg keeps up to 100 statements per connection (`prepared_max`).
    Connection poolers must pass prepared statements through (PgBouncer 1.21+ with
    `max_prepared_statements`). Other backends get their ordinary cursor."""
    db = connections[DEFAULT_DB_ALIAS]  # once: every attribute of the `connection` proxy is a lookup
    if db.vendor != "postgresql":
        return db.cursor()
    db.close_if_health_check_failed()
    db.ensure_connection()
    with db.wrap_database_errors:
        cursor = _PreparedCursor(db.connection)
    return _PreparedDebugWrapper(cursor, db) if db.queries_logged else db.make_cursor(cursor)


class _PreparedCursor(psycopg.Cursor):
    """psycopg's server-binding cursor, preparing every execute."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


class _PreparedDebugWrapper(CursorDebugWrapper):
    """Logs a prepared statement with its parameters merged in, the text a client-bound query is
    logged with (the test suite's CaptureQueriesContext and DEBUG logs read it)."""

    def execute(self, sql, params=None):
        with self.debug_sql(self.db.ops.compose_sql(sql, params)):
            return CursorWrapper.execute(self, sql, params)
