"""API-token usage: recorded per request as one upsert into an hourly bucket, read back as totals.

Why an upserted hourly row rather than a Redis counter flushed by a beat job: a single indexed
INSERT ... ON CONFLICT DO UPDATE costs well under a millisecond, the numbers are exact and visible
at once (no flush lag, nothing lost when Redis restarts), and the table stays small (one row per
token, hour, method and route template). The current-minute count comes from the rate limiter.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.models import Sum
from django.db.models.functions import TruncDay, TruncHour

from apps.core.api.throttling import parse_rate
from apps.integrations.choices import UsageGranularity
from apps.integrations.models import ApiToken, ApiTokenUsage

logger = logging.getLogger("pronaflow.integrations")

_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
TOP_ENDPOINTS = 50


def endpoint_template(request) -> str:
    """`/api/v1/tasks/{task_id}` for a request routed to `api/v1/tasks/<uuid:task_id>`;
    `(unrouted)` for a path no API route serves (the API's 404 catch-all)."""
    match = getattr(request, "resolver_match", None)
    route = getattr(match, "route", None)
    if not route or match.url_name == "api-not-found":
        return "(unrouted)"
    return "/" + _CONVERTER.sub(r"{\1}", route).lstrip("^").rstrip("$")


def usage_record(*, token: ApiToken, method: str, endpoint: str, at: dt.datetime | None = None) -> None:
    """Count one request of `token` (one statement). A failure is logged, never raised: usage
    statistics must not break the API."""
    at = at or dt.datetime.now(dt.UTC)
    hour = at.replace(minute=0, second=0, microsecond=0)
    table = ApiTokenUsage._meta.db_table
    fields = {f.name: f for f in ApiTokenUsage._meta.fields}
    params = [
        fields["token"].get_db_prep_value(token.pk, connection),
        fields["hour"].get_db_prep_value(hour, connection),
        method[:8],
        endpoint[:255],
    ]
    sql = (
        f"INSERT INTO {table} (token_id, hour, method, endpoint, count) VALUES (%s, %s, %s, %s, 1) "  # noqa: S608
        f"ON CONFLICT (token_id, hour, method, endpoint) DO UPDATE SET count = {table}.count + 1"
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError:
        logger.warning("Could not record API token usage", exc_info=True)


def current_minute_usage(token: ApiToken) -> tuple[int, int]:
    """(requests in the current rate-limit window, limit per minute) for the token's tier."""
    limit, period = parse_rate(settings.RATE_LIMIT_TIERS[token.tier])
    now = int(time.time())
    window = now - now % period
    try:
        used = cache.get(f"rl:token:{token.rate_limit_key}:{window}") or 0
    except Exception:  # the rate-limit store being down must not fail the report
        logger.warning("Rate-limit store unavailable for usage report", exc_info=True)
        used = 0
    return int(used), round(limit * 60 / period)


def usage_summary(*, token: ApiToken, start: dt.datetime, end: dt.datetime, granularity: str) -> dict:
    """Totals of `token` between `start` and `end` (inclusive): by method, by endpoint (busiest
    first, at most 50), a timeline per hour or day, and the live rate-limit state."""
    rows = ApiTokenUsage.objects.filter(token=token, hour__gte=start.replace(minute=0, second=0, microsecond=0))
    rows = rows.filter(hour__lte=end)
    total = rows.aggregate(total=Sum("count"))["total"] or 0
    by_method = {
        row["method"]: row["n"] for row in rows.values("method").annotate(n=Sum("count")).order_by("-n", "method")
    }
    by_endpoint = [
        {"endpoint": f"{row['method']} {row['endpoint']}", "count": row["n"]}
        for row in rows.values("method", "endpoint")
        .annotate(n=Sum("count"))
        .order_by("-n", "endpoint", "method")[:TOP_ENDPOINTS]
    ]
    trunc = TruncHour("hour") if granularity == UsageGranularity.HOURLY else TruncDay("hour")
    timeline = [
        {"period": row["period"].isoformat().replace("+00:00", "Z"), "count": row["n"]}
        for row in rows.annotate(period=trunc).values("period").annotate(n=Sum("count")).order_by("period")
    ]
    used, per_minute = current_minute_usage(token)
    return {
        "token_id": str(token.pk),
        "period": {"start": start.date().isoformat(), "end": end.date().isoformat()},
        "granularity": granularity,
        "total_requests": total,
        "requests_by_method": by_method,
        "requests_by_endpoint": by_endpoint,
        "timeline": timeline,
        "rate_limit": {"tier": token.tier, "limit_per_minute": per_minute, "current_usage": used},
    }
