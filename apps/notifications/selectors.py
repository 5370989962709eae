"""Reads of the inbox: always the caller's own notifications.

Whether a notification is read combines its own `read` flag with the user's read-up-to watermark
(`NotificationReadMark`, set by mark-all-read): see `is_read_q` and `notification_rows_data`.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import F, Q, QuerySet, Subquery
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThanOrEqual

from apps.core.db import prepared_cursor
from apps.notifications.models import Notification, NotificationReadMark

# The columns of a list item, in order: NotificationSerializer and the fast list path share them.
ROW_FIELDS = (
    "id",
    "user_id",
    "workspace_id",
    "title",
    "message",
    "type",
    "read",
    "read_at",
    "created_at",
    "action_url",
)


def read_mark_get(*, user) -> NotificationReadMark | None:
    """The user's watermark, or None before their first mark-all-read (one primary-key query)."""
    return NotificationReadMark.objects.filter(user_id=user.pk).first()


def read_mark_for_request(request) -> NotificationReadMark | None:
    """`read_mark_get` once per request: the filters and the list of one request share it."""
    if not hasattr(request, "_notification_read_mark"):
        request._notification_read_mark = read_mark_get(user=request.user)
    return request._notification_read_mark


def _cut(mark: NotificationReadMark) -> tuple:
    return (mark.created_at, mark.notification_id)


def is_read_q(mark: NotificationReadMark | None) -> Q:
    """Rows that are read: flagged, or at or below the watermark."""
    if mark is None:
        return Q(read=True)
    return Q(read=True) | Q(TupleLessThanOrEqual(Tuple(F("created_at"), F("id")), _cut(mark)))


def is_unread_q(mark: NotificationReadMark | None) -> Q:
    """Rows that are unread: not flagged and above the watermark. The row comparison is an index
    condition of `notification_unread_cut_idx`, so the scan starts at the cut."""
    if mark is None:
        return Q(read=False)
    return Q(read=False) & Q(TupleGreaterThan(Tuple(F("created_at"), F("id")), _cut(mark)))


def notification_list(*, user) -> QuerySet:
    return Notification.objects.filter(user_id=user.pk).order_by("-created_at", "-id")


def notification_unread_count(*, user) -> int:
    """How many notifications of `user` are unread (two queries: the watermark, an index range)."""
    return Notification.objects.filter(is_unread_q(read_mark_get(user=user)), user_id=user.pk).count()


def notification_is_read(row_read: bool, created_at: dt.datetime, pk, mark: NotificationReadMark | None) -> bool:
    return row_read or (mark is not None and (created_at, pk) <= _cut(mark))


def notification_read_state(notification: Notification, mark: NotificationReadMark | None) -> tuple[bool, object]:
    """(read, read_at) of one notification as the API shows it."""
    if notification.read:
        return True, notification.read_at
    if notification_is_read(False, notification.created_at, notification.pk, mark):
        return True, mark.marked_at
    return False, None


def _iso(value: dt.datetime | None) -> str | None:
    # DRF's DateTimeField output under USE_TZ with TIME_ZONE UTC: ISO 8601 with "Z".
    if value is None:
        return None
    value = value.astimezone(dt.UTC).isoformat()
    return value[:-6] + "Z" if value.endswith("+00:00") else value


def notification_page_rows(
    queryset: QuerySet, window: slice, *, user
) -> tuple[list[tuple], NotificationReadMark | None]:
    """The page's rows as tuples of ROW_FIELDS (no model instances) and the user's watermark, in one
    query: the watermark rides along as three uncorrelated subqueries (evaluated once)."""
    marks = NotificationReadMark.objects.filter(user_id=user.pk)
    rows = list(
        queryset.annotate(
            mark_created_at=Subquery(marks.values("created_at")),
            mark_notification_id=Subquery(marks.values("notification_id")),
            mark_marked_at=Subquery(marks.values("marked_at")),
        ).values_list(*ROW_FIELDS, "mark_created_at", "mark_notification_id", "mark_marked_at")[window]
    )
    size = len(ROW_FIELDS)
    mark = None
    if rows and rows[0][size] is not None:
        created_at, notification_id, marked_at = rows[0][size:]
        mark = NotificationReadMark(
            user_id=user.pk, created_at=created_at, notification_id=notification_id, marked_at=marked_at
        )
    return [row[:size] for row in rows], mark


def notification_rows_data(rows: list[tuple], mark: NotificationReadMark | None) -> list[dict]:
    """List items exactly as NotificationSerializer renders them, read state included, from
    `notification_page_rows` tuples (no serializer per row)."""
    data = []
    marked_at = _iso(mark.marked_at) if mark is not None else None
    for pk, user_id, workspace_id, title, message, type_, read, read_at, created_at, action_url in rows:
        covered = not read and notification_is_read(False, created_at, pk, mark)
        data.append(
            {
                "id": str(pk),
                "user_id": str(user_id),
                "workspace_id": None if workspace_id is None else str(workspace_id),
                "title": title,
                "message": message,
                "type": type_,
                "read": read or covered,
                "read_at": marked_at if covered else _iso(read_at),
                "created_at": _iso(created_at),
                "action_url": action_url,
            }
        )
    return data


def _inbox_page_sql() -> str:
    # Count, watermark and page in one statement and one round trip. The page is a LATERAL
    # subquery that runs only when the page starts before the end (a one-time filter on the
    # count), so a page far past the end reads nothing, as with the two-query path.
    note = Notification._meta.db_table
    mark = NotificationReadMark._meta.db_table
    columns = ", ".join(f"p.{name}" for name in ROW_FIELDS)
    inner = ", ".join(ROW_FIELDS)
    return (
        f"SELECT t.n, m.created_at, m.notification_id, m.marked_at, {columns} "  # noqa: S608 (model names only)
        f"FROM (SELECT COUNT(*) AS n FROM {note} WHERE user_id = %(user)s) t "
        f"LEFT JOIN {mark} m ON m.user_id = %(user)s "
        f"LEFT JOIN LATERAL (SELECT {inner} FROM {note} WHERE user_id = %(user)s AND t.n > %(offset)s "
        f"ORDER BY created_at DESC, id DESC LIMIT %(limit)s OFFSET %(offset)s) p ON true "
        f"ORDER BY p.created_at DESC, p.id DESC"
    )


_INBOX_PAGE_SQL: str | None = None  # built once per process


def notification_inbox_page(*, user, offset: int, limit: int) -> tuple[int, list[dict]] | None:
    """Unfiltered inbox page of `user` as (total, items): one query on PostgreSQL, items exactly as
    `notification_rows_data` renders them (NotificationSerializer's output, watermark included).
    `offset` and `limit` are row counts (offset past the end: no items, the real total). None on
    other databases: the caller then takes the ORM path (`notification_page_rows`)."""
    global _INBOX_PAGE_SQL
    if connection.vendor != "postgresql":
        return None
    if _INBOX_PAGE_SQL is None:
        _INBOX_PAGE_SQL = _inbox_page_sql()
    with prepared_cursor() as cursor:
        cursor.execute(_INBOX_PAGE_SQL, {"user": user.pk, "offset": offset, "limit": limit})
        rows = cursor.fetchall()
    first = rows[0]  # the count's row is always there, with NULL page columns when the page is empty
    mark = None
    if first[1] is not None:
        mark = NotificationReadMark(user_id=user.pk, created_at=first[1], notification_id=first[2], marked_at=first[3])
    page = [row[4:] for row in rows] if first[4] is not None else []
    return first[0], notification_rows_data(page, mark)
