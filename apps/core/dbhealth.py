"""A cheaper `CONN_HEALTH_CHECKS`: look at the socket instead of a `SELECT 1` round trip per request.

With `CONN_HEALTH_CHECKS`, Django marks every persistent connection unchecked when a request starts
and runs `SELECT 1` before the request's first query (one round trip per request). This receiver,
connected to `request_started` after Django's own, first polls the connection's socket without
blocking: an idle PostgreSQL connection has nothing to read, while a server that restarted or ended
the session has sent its error message and closed (readable). A quiet socket counts as checked; a
readable one, or a backend other than psycopg's, is left to Django's `SELECT 1` as before. What
this no longer catches is a peer that vanished without closing (no FIN, e.g. a network partition):
that request's first query fails as it would without health checks, and Django drops the connection
at the end of the request (`errors_occurred`).
"""

from __future__ import annotations

import select

from django.db import connections


def quiet_socket_is_healthy(**kwargs) -> None:
    """`request_started` receiver: mark connections whose socket is quiet as health-checked."""
    for connection in connections.all(initialized_only=True):
        raw = connection.connection
        if raw is None or not connection.health_check_enabled or connection.health_check_done:
            continue
        pgconn = getattr(raw, "pgconn", None)  # psycopg 3
        if pgconn is None or raw.closed:
            continue
        try:
            readable, _, _ = select.select([pgconn.socket], [], [], 0)
        except Exception:  # noqa: BLE001 - no socket any more: Django's SELECT 1 decides
            readable = True
        if not readable:
            connection.health_check_done = True
