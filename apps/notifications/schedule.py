"""Time arithmetic for quiet hours and digests, in the user's own timezone (module 9)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings

from apps.personalization.choices import NotificationFrequency


def user_zone(name: str | None) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def quiet_window_end(now: dt.datetime, *, start: dt.time, end: dt.time, tz: dt.tzinfo) -> dt.datetime | None:
    """If `now` falls inside the daily quiet window [start, end) local time (which may span
    midnight), the aware UTC instant the window ends; otherwise None."""
    local = now.astimezone(tz)
    t = local.time().replace(tzinfo=None)
    if start < end:
        inside = start <= t < end
        end_day = local.date()
    else:
        inside = t >= start or t < end
        end_day = local.date() + dt.timedelta(days=1) if t >= start else local.date()
    if not inside:
        return None
    # Wall time -> instant; zoneinfo resolves DST gaps and folds.
    return dt.datetime.combine(end_day, end, tzinfo=tz).astimezone(dt.UTC)


def next_digest_at(since: dt.datetime, *, frequency: str, tz: dt.tzinfo) -> dt.datetime:
    """The first digest time strictly after `since`: the next full hour (hourly), the next
    NOTIFICATION_DIGEST_HOUR local time (daily), or that hour on the next Monday (weekly)."""
    local = since.astimezone(tz)
    hour = getattr(settings, "NOTIFICATION_DIGEST_HOUR", 8)
    if frequency == NotificationFrequency.HOURLY:
        candidate = local.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
        return candidate.astimezone(dt.UTC)
    candidate = dt.datetime.combine(local.date(), dt.time(hour), tzinfo=tz)
    if candidate <= local:
        candidate = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(hour), tzinfo=tz)
    if frequency == NotificationFrequency.WEEKLY:
        days_ahead = (0 - candidate.weekday()) % 7  # Monday
        candidate = dt.datetime.combine(candidate.date() + dt.timedelta(days=days_ahead), dt.time(hour), tzinfo=tz)
    return candidate.astimezone(dt.UTC)
