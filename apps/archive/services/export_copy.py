"""The compliance export's CSV and JSON rendered by PostgreSQL (`apps.core.pgcopy`).

Every cell is the one `apps.archive.selectors.audit_record` + the Python writers of
`apps.archive.services.exports` produce, byte for byte (tests/archive/test_export_copy.py compares
them): the public id is the same UUIDv5, timestamps the same ISO strings, JSON values are written
as `json.dumps` writes them and CSV cells are neutralised like `apps.core.csvsafe` does. The CSV's
`changes` cell, the costliest to build in SQL, is read from the chain link when the sealer stored it
there (`AuditChainLink.export_changes`) and built by `pronaflow_audit_changes_csv` otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import F, QuerySet

from apps.archive.models import ComplianceExport
from apps.archive.selectors import AUDIT_ID_NAMESPACE, VERBS, resource_type_of
from apps.core.pgcopy import compiled, copy_csv_chunks, copy_json_items, copy_supported

# The entry's own columns, the actor's e-mail and the chain link, as `r.x_*` of the inner query.
_INNER = {
    "x_id": F("id"),
    "x_ts": F("timestamp"),
    "x_action": F("action"),
    "x_ct": F("content_type_id"),
    "x_pk": F("object_pk"),
    "x_repr": F("object_repr"),
    "x_changes": F("changes"),
    "x_actor": F("actor_id"),
    "x_actor_email": F("actor_email"),
    "x_user_email": F("actor__email"),
    "x_ip": F("remote_addr"),
    "x_data": F("additional_data"),
    "x_seq": F("chain_link__seq"),
    "x_hash": F("chain_link__hash"),
    "x_prev": F("chain_link__prev_hash"),
    "x_export_changes": F("chain_link__export_changes"),
}

_VERB = "CASE r.x_action {} ELSE 'accessed' END".format(
    " ".join(f"WHEN {int(action)} THEN '{verb}'" for action, verb in VERBS.items())
)
_ACTION = "r.x_data -> 'action'"
# data.get("action") or f"{resource_type}.{verb}"
_ACTION_TEXT = (
    f"CASE WHEN pronaflow_py_truthy({_ACTION}) THEN pronaflow_py_text({_ACTION}) ELSE r.x_rtype || '.' || {_VERB} END"
)
_EMAIL = "COALESCE(NULLIF(r.x_user_email, ''), r.x_actor_email)"
_UTC = "r.x_ts AT TIME ZONE 'UTC'"
# datetime.isoformat(): microseconds only when there are some (the CSV drops ".000000").
_ISO_SECONDS = f"""to_char({_UTC}, 'YYYY-MM-DD"T"HH24:MI:SS')"""
_MICROS = "to_char(r.x_ts, 'US')"


def _safe(expression: str) -> str:
    # COPY quotes an empty string; Python's csv writes nothing: empty cells go out as NULL.
    return f"NULLIF(pronaflow_csv_safe({expression}), '')"


CSV_SELECT = f"""
SELECT uuid_generate_v5(%s::uuid, r.x_id::text)::text AS "id",
       replace(to_char({_UTC}, 'YYYY-MM-DD"T"HH24:MI:SS.US'), '.000000', '') || '+00:00' AS "timestamp",
       {_safe(_ACTION_TEXT)} AS "action",
       r.x_actor::text AS "user_id",
       {_safe(_EMAIL)} AS "user_email",
       {_safe("r.x_rtype")} AS "resource_type",
       {_safe("r.x_pk")} AS "resource_id",
       {_safe("r.x_repr")} AS "resource_name",
       {_safe("pronaflow_py_text(r.x_data -> 'workspace_id')")} AS "workspace_id",
       {_safe("abbrev(r.x_ip)")} AS "ip_address",
       COALESCE(r.x_export_changes, pronaflow_audit_changes_csv(r.x_changes)) AS "changes",
       {_safe("r.x_seq::text")} AS "sequence",
       {_safe("r.x_hash")} AS "hash"
FROM (SELECT inner_rows.*, %s::jsonb ->> inner_rows.x_ct::text AS x_rtype FROM ({{inner}}) AS inner_rows) AS r
ORDER BY {{order}}
"""  # noqa: S608 - built from constants; every value is a bound parameter


def _json_text(expression: str) -> str:
    return f"COALESCE(to_json({expression})::text, 'null')"


JSON_SELECT = f"""
SELECT '{{"id": "' || uuid_generate_v5(%s::uuid, r.x_id::text)::text
    || '", "action": ' || CASE WHEN pronaflow_py_truthy({_ACTION}) THEN pronaflow_py_jsonv({_ACTION}, false)
                               ELSE to_json(r.x_rtype || '.' || {_VERB})::text END
    || ', "user_id": ' || COALESCE('"' || r.x_actor::text || '"', 'null')
    || ', "user_email": ' || {_json_text(_EMAIL)}
    || ', "resource_type": ' || {_json_text("r.x_rtype")}
    || ', "resource_id": ' || {_json_text("r.x_pk")}
    || ', "resource_name": ' || {_json_text("r.x_repr")}
    || ', "workspace_id": ' || COALESCE(pronaflow_py_jsonv(r.x_data -> 'workspace_id', false), 'null')
    || ', "changes": ' || pronaflow_audit_changes_json(r.x_changes)
    || ', "timestamp": "' || {_ISO_SECONDS}
    || CASE WHEN {_MICROS} <> '000000' THEN '.' || left({_MICROS}, 3) ELSE '' END
    || 'Z", "ip_address": ' || {_json_text("abbrev(r.x_ip)")}
    || ', "sequence": ' || COALESCE(r.x_seq::text, 'null')
    || ', "hash": ' || {_json_text("r.x_hash")}
    || ', "previous_hash": ' || {_json_text("r.x_prev")} || '}}'
FROM (SELECT inner_rows.*, %s::jsonb ->> inner_rows.x_ct::text AS x_rtype FROM ({{inner}}) AS inner_rows) AS r
ORDER BY {{order}}
"""  # noqa: S608 - built from constants; every value is a bound parameter


def _resource_types() -> str:
    """content type id -> resource type (`resource_type_of`), as a JSON object for the SELECT."""
    return json.dumps({str(pk): resource_type_of(pk) for pk in ContentType.objects.values_list("pk", flat=True)})


_ORDER_COLUMNS = {"timestamp": "r.x_ts", "id": "r.x_id", "pk": "r.x_id"}


def _order(queryset: QuerySet) -> str:
    """The queryset's ordering over the inner columns. The inner query is left unordered so that
    PostgreSQL flattens it and can compute the cells below the sort (in parallel workers)."""
    terms = []
    for term in queryset.query.order_by or queryset.model._meta.ordering:
        if not isinstance(term, str) or term.lstrip("-") not in _ORDER_COLUMNS:
            raise ValueError(f"Exports order by timestamp and id only, not {term!r}.")
        terms.append(f"{_ORDER_COLUMNS[term.lstrip('-')]} {'DESC' if term.startswith('-') else 'ASC'}")
    return ", ".join(terms) or "r.x_id ASC"


def _statement(template: str, queryset: QuerySet) -> tuple[str, list]:
    # The queryset keeps its WHERE (scope, filters); the outer SELECT projects and orders.
    inner_sql, inner_params = compiled(queryset.order_by().values(**_INNER))
    sql = template.replace("{inner}", inner_sql).replace("{order}", _order(queryset))
    return sql, [str(AUDIT_ID_NAMESPACE), _resource_types(), *inner_params]


def audit_csv_copy(queryset: QuerySet, *, progress: Callable[[int], None] | None = None) -> Iterator[bytes]:
    """The audit entries of `queryset` (in its order) as the compliance CSV: header, then one line
    per entry, in chunks of 500 lines. `progress(rows)` as in `apps.core.pgcopy.copy_csv_chunks`
    (rows excluding the header)."""
    sql, params = _statement(CSV_SELECT, queryset)
    counted = None if progress is None else (lambda lines: progress(max(0, lines - 1)))
    return copy_csv_chunks(sql, params, using=queryset.db, progress=counted)


def audit_json_copy(queryset: QuerySet, *, progress: Callable[[int], None] | None = None) -> Iterator[bytes]:
    """The audit records of `queryset` as the comma-separated items of the JSON export's
    `entries` array (what `json.dumps(record, cls=DjangoJSONEncoder)` writes per record)."""
    sql, params = _statement(JSON_SELECT, queryset)
    return copy_json_items(sql, params, using=queryset.db, progress=progress)


class ExportJobProgress:
    """progress(rows): stores processed_rows and progress (0..`share` %) of a running job.

    During a COPY the default connection is busy, so the updates go through a connection of their
    own; inside a transaction (whose row lock that connection would wait for) they are skipped and
    the job's completion stores the count."""

    def __init__(self, job: ComplianceExport, *, share: int):
        self.job, self.share, self.rows = job, share, 0
        self.copying = copy_supported()
        self.side = None
        if self.copying and not connection.in_atomic_block:
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, rows: int) -> None:
        self.rows = rows
        progress = min(self.share, self.share * rows // max(1, self.job.total_rows))
        if not self.copying:
            ComplianceExport.objects.filter(pk=self.job.pk).update(processed_rows=rows, progress=progress)
        elif self.side is not None:
            meta = ComplianceExport._meta
            table, key = connection.ops.quote_name(meta.db_table), connection.ops.quote_name(meta.pk.column)
            done, percent = (
                connection.ops.quote_name(meta.get_field(name).column) for name in ("processed_rows", "progress")
            )
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET {done} = %s, {percent} = %s WHERE {key} = %s",  # noqa: S608 - model names
                    [rows, progress, self.job.pk],
                )

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
