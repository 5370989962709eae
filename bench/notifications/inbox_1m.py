"""Benchmark: the inbox, unread count and mark-all-read over 1,000,000 notifications.

    DJANGO_SETTINGS_MODULE=tests.settings .venv/bin/python bench/notifications/inbox_1m.py
        [--total 1000000] [--heavy 200000] [--rounds 30] [--source DIR]

Loads the notifications with generate_series (1,000 users; one heavy user holds `--heavy` of them,
two thirds unread), then measures, interleaved so that noise hits both sides alike:

- inbox page 1 of a light user (~800 notifications): `GET /api/v1/notifications` through the full
  Django stack as a server runs it (Django's WSGI handler, a real bearer token, middleware,
  envelope; Django's test client for information), the view alone (with and without its rate
  limit), against the response's work by hand (the "full floor": the count with the watermark and
  the page through `connection.cursor()`, the API's items and envelope as JSON; the headline
  ratio) and the bare rows floor (count and page, rows as JSON lists): median of `--rounds`;
- mark-all-read of the heavy user's unread rows (~134k at the default sizes): `POST
  /api/v1/notifications/mark-all-read`, then its effect undone (the watermark row deleted, or the
  rows set unread again on a checkout that updates them), against a plain `UPDATE ... SET read`
  of the same rows, rolled back: median of 3 each.

Other inbox requests are printed with their query counts for information. `--source DIR` runs
PronaFlow from another checkout (e.g. `git archive main`), for before/after figures.
"""

import io
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scratch_db import int_flag, scratch_database, source_root

TOTAL = int_flag(sys.argv, "--total", 1_000_000)
HEAVY = int_flag(sys.argv, "--heavy", 200_000)
ROUNDS = int_flag(sys.argv, "--rounds", 30)
USERS = 1000

PAGE_SQL = """
SELECT id, user_id, workspace_id, title, message, type, read, read_at, created_at, action_url
FROM notifications_notification WHERE user_id = %s ORDER BY created_at DESC, id DESC LIMIT 20
"""
COUNT_SQL = "SELECT COUNT(*) FROM notifications_notification WHERE user_id = %s"
# The full floor's count also reads the mark-all-read watermark, which `read`/`read_at` need.
COUNT_MARK_SQL = """
SELECT COUNT(*), (SELECT ARRAY[created_at::text, notification_id::text, marked_at::text]
                  FROM notifications_notificationreadmark WHERE user_id = %s)
FROM notifications_notification WHERE user_id = %s
"""
FIELDS = ("id", "user_id", "workspace_id", "title", "message", "type", "read", "read_at", "created_at", "action_url")


def iso(value):
    # ISO 8601 in UTC with "Z", as the API writes times.
    return None if value is None else value.isoformat().replace("+00:00", "Z")


def load(connection) -> None:
    from apps.accounts.choices import UserStatus
    from apps.accounts.models import User

    # Active accounts: the full request signs in with a bearer token.
    User.objects.bulk_create(
        [User(email=f"u{i:04d}@bench.test", username=f"u{i:04d}", status=UserStatus.ACTIVE) for i in range(USERS)]
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH ids AS (SELECT array_agg(id ORDER BY email) AS arr FROM accounts_user)
            INSERT INTO notifications_notification
                (id, user_id, type, title, message, action_url, read, read_at, created_at)
            SELECT gen_random_uuid(),
                   ids.arr[CASE WHEN g <= %s THEN 1 ELSE 1 + g %% %s END],
                   (ARRAY['task_assigned','comment','mention','task_completed'])[1 + g %% 4],
                   'Task assigned to you', 'Someone assigned task #' || g || ' to you', '/tasks/' || g,
                   g %% 3 = 0, CASE WHEN g %% 3 = 0 THEN now() END,
                   now() - make_interval(secs => g)
            FROM generate_series(1, %s) AS g, ids
            """,
            [HEAVY, USERS, TOTAL],
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE notifications_notification")
    print(f"loaded {TOTAL:,} notifications in {time.perf_counter() - started:.1f} s", flush=True)


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient
    from summary import record

    import apps
    from apps.accounts.models import User
    from apps.notifications.models import Notification

    print(f"PronaFlow from {Path(apps.__path__[0]).parent}", flush=True)
    load(connection)
    heavy = User.objects.order_by("email").first()
    light = User.objects.order_by("email")[500]

    def client_for(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    # --- informational: every inbox request once warm, with its queries --------------------------
    cases = [
        ("heavy user (200k), page 1", heavy, "/api/v1/notifications"),
        ("heavy user, page 1000 (page_size 100)", heavy, "/api/v1/notifications?page=1000&page_size=100"),
        ("heavy user, status=unread", heavy, "/api/v1/notifications?status=unread"),
        ("heavy user, type=mention", heavy, "/api/v1/notifications?type=mention"),
        ("heavy user, unread-count", heavy, "/api/v1/notifications/unread-count"),
        ("light user, unread-count", light, "/api/v1/notifications/unread-count"),
    ]
    for label, user, path in cases:
        client = client_for(user)
        timings = []
        for _ in range(5):
            with CaptureQueriesContext(connection) as queries:
                timings.append(timed(lambda c=client, p=path: c.get(p)))
        print(f"  {label:<40} median {statistics.median(timings):7.1f} ms  {len(queries)} queries", flush=True)

    # --- inbox page 1 of the light user against its SQL by hand ----------------------------------
    client = client_for(light)

    def through_test_client():
        response = client.get("/api/v1/notifications")
        assert response.status_code == 200, response.content
        return response

    # The full request as a server makes it: Django's WSGI handler with the environ gunicorn passes
    # and a real bearer token (JWT check, user row, session state and rate limit: what a client's
    # request costs). Django's test client is not that: it connects and disconnects its own signal
    # receivers on every request and keeps the rendered templates.
    from django.core.handlers.wsgi import WSGIHandler

    from tests.factories.accounts import token_pair_for

    handler, token = WSGIHandler(), token_pair_for(light)[1].access

    def product():
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": "/api/v1/notifications",
            "QUERY_STRING": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "testserver",
            "HTTP_AUTHORIZATION": f"Bearer {token}",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
            "wsgi.version": (1, 0),
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        status = []
        response = handler(environ, lambda code, headers, exc_info=None: status.append(code))
        try:
            body = b"".join(response)
        finally:
            response.close()
        assert status[0].startswith("200"), (status, body[:300])
        return json.loads(body)

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(COUNT_SQL, [light.pk])
            total = cursor.fetchone()[0]
            cursor.execute(PAGE_SQL, [light.pk])
            rows = cursor.fetchall()
        return json.dumps({"data": rows, "total": total}, default=str)

    def full_floor():
        # What the response needs, by hand: the count with the watermark, the page, the items as
        # the API's objects (field names, ISO times, read state under the watermark), the envelope.
        with connection.cursor() as cursor:
            cursor.execute(COUNT_MARK_SQL, [light.pk, light.pk])
            total, mark = cursor.fetchone()
            cursor.execute(PAGE_SQL, [light.pk])
            rows = cursor.fetchall()
        cut = None
        if mark is not None:
            from django.utils.dateparse import parse_datetime

            cut, marked_at = (parse_datetime(mark[0]), mark[1]), iso(parse_datetime(mark[2]))
        items = []
        for row in rows:
            item = dict(zip(FIELDS, row, strict=True))
            item["id"], item["user_id"] = str(item["id"]), str(item["user_id"])
            if item["workspace_id"] is not None:
                item["workspace_id"] = str(item["workspace_id"])
            covered = not item["read"] and cut is not None and (item["created_at"], item["id"]) <= cut
            item["read"] = item["read"] or covered
            item["read_at"] = marked_at if covered else iso(item["read_at"])
            item["created_at"] = iso(item["created_at"])
            items.append(item)
        pagination = {"page": 1, "page_size": 20, "total": total, "total_pages": -(-total // 20)}
        return json.dumps({"success": True, "data": items, "pagination": pagination})

    from rest_framework.test import APIRequestFactory, force_authenticate
    from rest_framework_simplejwt.authentication import JWTAuthentication

    stock_jwt, bare_requests = JWTAuthentication(), APIRequestFactory()

    def full_floor_auth():
        # The full floor behind simplejwt's stock bearer authentication (token decode and one user
        # query), as the list benchmark's "floor with auth": what the full request is compared with.
        request = bare_requests.get("/api/v1/notifications", HTTP_AUTHORIZATION=f"Bearer {token}")
        user, _ = stock_jwt.authenticate(request)
        assert user.pk == light.pk
        return full_floor()

    from apps.notifications.views import NotificationListView

    factory, view = APIRequestFactory(), NotificationListView.as_view()

    # The same view without its rate limit (Redis round trips), to show what that costs.
    unlimited = NotificationListView.as_view(throttle_classes=[])

    def view_path(view=view):
        request = factory.get("/api/v1/notifications")
        force_authenticate(request, light)
        response = view(request)
        response.render()
        assert response.status_code == 200, response.content
        return response

    from apps.notifications import selectors

    def data_path():
        # The list's own reads and rendering, without the request machinery (this checkout only).
        if hasattr(selectors, "notification_inbox_page"):  # one statement for count, watermark, rows
            total, data = selectors.notification_inbox_page(user=light, offset=0, limit=20)
            return json.dumps({"data": data, "total": total})
        queryset = selectors.notification_list(user=light)
        total = queryset.count()
        rows, mark = selectors.notification_page_rows(queryset, slice(0, 20), user=light)
        return json.dumps({"data": selectors.notification_rows_data(rows, mark), "total": total})

    has_data_path = hasattr(
        __import__("apps.notifications.selectors").notifications.selectors, "notification_page_rows"
    )
    served = product()
    assert served == through_test_client().json(), "the WSGI request must answer what the test client gets"
    assert [item["id"] for item in served["data"]] == [str(row[0]) for row in json.loads(floor())["data"]], (
        "the floor must read the same rows"
    )
    full = json.loads(full_floor())
    if served["data"] and not {"data", "pagination"} - served.keys():
        assert full == served, "the full floor must answer what PronaFlow answers"
    with CaptureQueriesContext(connection) as queries:
        product()
    product_queries = len(queries)
    ours, in_view, no_limit, reads, bare, whole, tested, whole_auth = [], [], [], [], [], [], [], []
    for _ in range(ROUNDS):
        ours.append(timed(product))
        tested.append(timed(through_test_client))
        in_view.append(timed(view_path))
        no_limit.append(timed(lambda: view_path(unlimited)))
        if has_data_path:
            reads.append(timed(data_path))
        bare.append(timed(floor))
        whole.append(timed(full_floor))
        whole_auth.append(timed(full_floor_auth))
    ours_ms, view_ms, bare_ms = statistics.median(ours), statistics.median(in_view), statistics.median(bare)
    whole_ms, whole_auth_ms = statistics.median(whole), statistics.median(whole_auth)
    size = f"{TOTAL // 1000}k" if TOTAL < 1_000_000 else f"{TOTAL // 1_000_000}M"
    print(
        f"inbox page 1, light user ({product_queries} queries); floors by hand, 2 queries each:\n"
        f"  rows floor (count, page, rows as JSON lists, no watermark):   {bare_ms:6.2f} ms\n"
        f"  full floor (+ watermark, the API's items and envelope):        {whole_ms:6.2f} ms\n"
        f"  the view (DRF dispatch, rate limit, queries, JSON): {view_ms:6.2f} ms  "
        f"ratio {view_ms / whole_ms:.2f} (to the rows floor {view_ms / bare_ms:.2f})\n"
        f"  full floor behind simplejwt's bearer authentication: {whole_auth_ms:5.2f} ms\n"
        f"  full request (WSGI, bearer token, middleware):      {ours_ms:6.2f} ms  "
        f"ratio {ours_ms / whole_auth_ms:.2f} to the floor with auth ({ours_ms / whole_ms:.2f} to the full floor)",
        flush=True,
    )
    tested_ms = statistics.median(tested)
    print(
        f"  the same through Django's test client:              {tested_ms:6.2f} ms  "
        f"ratio {tested_ms / whole_ms:.2f} (force-authenticated, the client's own signal hooks)"
    )
    no_limit_ms = statistics.median(no_limit)
    print(
        f"  the view without its rate limit:                    {no_limit_ms:6.2f} ms  "
        f"ratio {no_limit_ms / whole_ms:.2f}"
    )
    if reads:
        reads_ms = statistics.median(reads)
        print(
            f"  selectors + JSON (no DRF, no rate limit):          {reads_ms:6.2f} ms  ratio {reads_ms / whole_ms:.2f}"
        )
    rows = (
        ("view", view_ms, whole_ms, "<= 2"),
        ("full request, bearer token, vs the floor with auth", ours_ms, whole_auth_ms, "<= 2"),
        ("full request, bearer token, vs the floor without auth", ours_ms, whole_ms, "report only"),
    )
    for label, value, floor_ms, target in rows:
        record(
            "notifications",
            f"inbox page 1, light user, {size} rows ({label})",
            value,
            floor_ms,
            "ms",
            higher_is_better=False,
            target=target,
        )

    # --- mark-all-read of the heavy user against a plain UPDATE -----------------------------------
    unread_ids = list(Notification.objects.filter(user=heavy, read=False).values_list("pk", flat=True))
    unread = len(unread_ids)
    client = client_for(heavy)

    def mark_all_read():
        response = client.post("/api/v1/notifications/mark-all-read")
        assert response.status_code == 200 and response.json()["count"] == unread, response.content

    def undo_mark():
        with connection.cursor() as cursor:
            if "notifications_notificationreadmark" in connection.introspection.table_names(cursor):
                cursor.execute("DELETE FROM notifications_notificationreadmark WHERE user_id = %s", [heavy.pk])
            # A checkout that flags every row (before the watermark): set them unread again.
            cursor.execute(
                "UPDATE notifications_notification SET read = false, read_at = NULL WHERE id = ANY(%s) AND read",
                [unread_ids],
            )

    def plain_update():
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE notifications_notification SET read = true, read_at = now()"
                    " WHERE user_id = %s AND NOT read",
                    [heavy.pk],
                )
                assert cursor.rowcount == unread
            transaction.set_rollback(True)

    ours, bare = [], []
    for _ in range(3):
        ours.append(timed(mark_all_read))
        undo_mark()
        bare.append(timed(plain_update))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM notifications_notification")
    ours_ms, bare_ms = statistics.median(ours), statistics.median(bare)
    print(
        f"mark-all-read, {unread:,} unread: PronaFlow {ours_ms:.1f} ms  floor (plain UPDATE) {bare_ms:.1f} ms  "
        f"ratio {ours_ms / bare_ms:.2f}  (runs: {', '.join(f'{t:.0f}' for t in ours)} ms)",
        flush=True,
    )
    record(
        "notifications",
        f"mark-all-read, {unread:,} unread",
        ours_ms,
        bare_ms,
        "ms",
        higher_is_better=False,
        target="< 1000 ms",
    )


if __name__ == "__main__":
    with scratch_database(source_root(sys.argv)):
        main()
