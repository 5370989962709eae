"""Benchmark: the notifications list, unread count and mark-all-read over 1,000,000 rows.

    DJANGO_SETTINGS_MODULE=tests.settings .venv/bin/python bench/notifications/inbox_1m.py

Loads 1M notifications with generate_series (1,000 users; one heavy user holds 200,000 of them),
then times the API endpoints through the full Django stack (median of 5 runs, queries counted).
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scratch_db import scratch_database

TOTAL = 1_000_000
HEAVY = 200_000
USERS = 1000


def main() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from apps.accounts.models import User

    User.objects.bulk_create([User(email=f"u{i:04d}@bench.test", username=f"u{i:04d}") for i in range(USERS)])
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
        cursor.execute("ANALYZE notifications_notification")
    print(f"loaded {TOTAL:,} notifications in {time.perf_counter() - started:.1f} s")
    heavy = User.objects.order_by("email").first()
    light = User.objects.order_by("email")[500]
    cases = [
        ("heavy user (200k), page 1", heavy, "get", "/api/v1/notifications"),
        ("heavy user, page 1000 (page_size 100)", heavy, "get", "/api/v1/notifications?page=1000&page_size=100"),
        ("heavy user, status=unread", heavy, "get", "/api/v1/notifications?status=unread"),
        ("heavy user, type=mention", heavy, "get", "/api/v1/notifications?type=mention"),
        ("heavy user, unread-count", heavy, "get", "/api/v1/notifications/unread-count"),
        ("light user (~800), page 1", light, "get", "/api/v1/notifications"),
        ("light user, unread-count", light, "get", "/api/v1/notifications/unread-count"),
    ]
    for label, user, method, path in cases:
        client = APIClient()
        client.force_authenticate(user)
        timings = []
        for _ in range(5):
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                response = getattr(client, method)(path)
                timings.append(time.perf_counter() - t0)
            assert response.status_code == 200, response.content
        print(f"{label:<40} median {statistics.median(timings) * 1000:7.1f} ms  {len(queries)} queries")
    client = APIClient()
    client.force_authenticate(heavy)
    t0 = time.perf_counter()
    response = client.post("/api/v1/notifications/mark-all-read")
    elapsed = (time.perf_counter() - t0) * 1000
    print(f"{'heavy user, mark-all-read':<40} {elapsed:7.1f} ms  count={response.json()['count']}")


if __name__ == "__main__":
    with scratch_database():
        main()
