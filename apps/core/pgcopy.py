"""Exports rendered by PostgreSQL: `COPY (SELECT ...) TO STDOUT` streamed through psycopg 3.

The SELECT computes every exported cell (formats, formula-injection escapes: see the SQL functions of
`apps/archive/migrations/0006_export_sql_functions.py`); Python only frames the rows. PostgreSQL sends
one CopyData message per row, which psycopg hands over as one chunk, so rows never need parsing
here. On other databases (SQLite in development) `copy_supported()` is False and callers keep their
Python path.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

ROWS_PER_CHUNK = 500
_NOT_ASCII = re.compile("[\x7f-\U0010ffff]")


def copy_supported(using: str = DEFAULT_DB_ALIAS) -> bool:
    return connections[using].vendor == "postgresql"


def compiled(queryset: QuerySet) -> tuple[str, tuple]:
    """The queryset's SQL with `%s` placeholders and its parameters (bound client-side by psycopg,
    never interpolated)."""
    return queryset.query.get_compiler(using=queryset.db).as_sql()


def _copy_rows(sql: str, params, *, using: str, progress: Callable[[int], None] | None, every: int) -> Iterator:
    connection = connections[using]
    connection.ensure_connection()
    count = 0
    with connection.connection.cursor() as cursor, cursor.copy(sql, params) as copy:
        for row in copy:
            yield row
            count += 1
            if progress is not None and count % every == 0:
                progress(count)
    if progress is not None:
        progress(count)


def copy_csv_chunks(
    select_sql: str,
    params,
    *,
    using: str = DEFAULT_DB_ALIAS,
    progress: Callable[[int], None] | None = None,
    every: int = 10_000,
) -> Iterator[bytes]:
    """`COPY (select_sql) TO STDOUT WITH (FORMAT csv, HEADER)` as byte chunks of 500 lines, with
    the header from the SELECT's column names and `\\r\\n` line ends (what Python's csv module
    writes). Empty strings must be NULL in the SELECT (COPY quotes an empty string). `progress` is
    called with the number of lines sent (header included) every `every` lines and at the end; it
    must not use this connection (the COPY holds it). Raises psycopg errors as they come."""
    sql = f"COPY ({select_sql}) TO STDOUT WITH (FORMAT csv, HEADER)"
    lines: list = []
    for row in _copy_rows(sql, params, using=using, progress=progress, every=every):
        if row[-1:] != b"\n":  # one CopyData message per row is what the rest relies on
            raise RuntimeError("COPY sent a partial row.")
        lines.append(row[:-1])
        if len(lines) >= ROWS_PER_CHUNK:
            yield b"\r\n".join(lines) + b"\r\n"
            lines.clear()
    if lines:
        yield b"\r\n".join(lines) + b"\r\n"


def _ascii_escape(match: re.Match) -> str:
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 | (code >> 10):04x}\\u{0xDC00 | (code & 0x3FF):04x}"


def json_ascii(data: bytes) -> bytes:
    """JSON text as `json.dumps(ensure_ascii=True)` writes it: every character outside printable
    ASCII as `\\uXXXX` (surrogate pairs above U+FFFF). Only strings hold such characters."""
    if data.isascii() and b"\x7f" not in data:
        return data
    return _NOT_ASCII.sub(_ascii_escape, data.decode()).encode()


def copy_json_items(
    select_sql: str,
    params,
    *,
    using: str = DEFAULT_DB_ALIAS,
    progress: Callable[[int], None] | None = None,
    every: int = 10_000,
) -> Iterator[bytes]:
    """The items of a JSON array, comma-separated, in chunks of 500: `select_sql` returns one text
    column holding each item's JSON. ASCII-only like `json.dumps`' default. `progress` as for
    `copy_csv_chunks` (items counted)."""
    sql = f"COPY ({select_sql}) TO STDOUT"
    items: list = []
    first = True
    for row in _copy_rows(sql, params, using=using, progress=progress, every=every):
        items.append(row[:-1])
        if len(items) >= ROWS_PER_CHUNK:
            yield _json_batch(items, first)
            items.clear()
            first = False
    if items:
        yield _json_batch(items, first)


def _json_batch(items: list, first: bool) -> bytes:
    # COPY's text format doubles every backslash and escapes control characters; JSON text has no
    # raw control characters, so undoing the doubling restores it exactly.
    data = b",".join(items).replace(b"\\\\", b"\\")
    return json_ascii(data if first else b"," + data)
