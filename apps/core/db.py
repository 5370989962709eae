"""Database expressions shared by the apps' selectors."""

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
