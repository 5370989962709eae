"""Strict parsing of query parameters: a bad value is a 400 INVALID_REQUEST, never a 500.

Every bad query parameter (parsed here or by a filterset through
apps.core.api.filters.StrictFilterBackend) is reported with the same `details` shape:
`{"field": "<parameter name>", "reason": "<what is wrong>"}`, one parameter per answer.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from apps.core.exceptions import InvalidRequest

MIN_YEAR, MAX_YEAR = 1900, 9998
# A boolean query parameter is spelt as in JSON and nothing else: "1", "yes", "on", "True" are
# refused (400) rather than guessed, so a typo never flips a filter or a `force`.
BOOLEAN_VALUES = {"true": True, "false": False}


def invalid_param(name: str, reason: str, message: str | None = None) -> InvalidRequest:
    """The 400 INVALID_REQUEST for query parameter `name`, to raise: `details` is
    `{"field": name, "reason": reason}`; the message defaults to "Invalid value for '<name>'."."""
    return InvalidRequest(message or f"Invalid value for '{name}'.", details={"field": name, "reason": reason})


def int_param(
    params, name: str, *, default: int, minimum: int = 0, maximum: int | None = None, clamp: bool = False
) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise invalid_param(name, "Must be an integer.") from None
    if value < minimum:
        raise invalid_param(name, f"Must be at least {minimum}.")
    if maximum is not None and value > maximum:
        if clamp:
            return maximum
        raise invalid_param(name, f"Must be at most {maximum}.")
    return value


def bool_param(params, name: str, *, default: bool | None = None) -> bool | None:
    """`?name=true` / `?name=false` (absent or empty: `default`); any other spelling raises the 400."""
    raw = params.get(name)
    if raw in (None, ""):
        return default
    if raw not in BOOLEAN_VALUES:
        raise invalid_param(name, "Must be true or false.")
    return BOOLEAN_VALUES[raw]


def uuid_param(params, name: str) -> uuid.UUID | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        raise invalid_param(name, "Must be a UUID.") from None


def datetime_param(params, name: str, *, end_of_day: bool = False) -> dt.datetime | None:
    """ISO 8601 date or date-time; a bare date means the start (or end) of that UTC day."""
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        # A bare date first: parse_datetime would read "2026-02-01" as midnight.
        day = parse_date(raw) if len(raw) == 10 else None
        if day is not None:
            value = dt.datetime.combine(day, dt.time.max if end_of_day else dt.time.min)
        else:
            value = parse_datetime(raw)
            if value is None:
                raise ValueError
    except ValueError:
        raise invalid_param(name, "Must be an ISO 8601 date or date-time.") from None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    try:
        # UTC out: the database takes no offsets beyond ±15:59, and a range check needs one zone.
        value = value.astimezone(dt.UTC)
    except OverflowError:
        raise invalid_param(name, "Date out of range.") from None
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise invalid_param(name, f"Years {MIN_YEAR} to {MAX_YEAR} only.")
    return value


def choice_param(params, name: str, choices, *, default: str | None = None) -> str | None:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    if raw not in choices:
        raise invalid_param(name, f"Must be one of: {', '.join(choices)}.")
    return raw
