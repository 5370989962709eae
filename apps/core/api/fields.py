"""Serializer fields shared across apps."""

import datetime as dt

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.access import restrict

HOUR_MINUTE_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$"


@extend_schema_field({"type": "string", "pattern": HOUR_MINUTE_PATTERN, "example": "22:00"})
class HourMinuteField(serializers.TimeField):
    """A wall-clock time as "HH:MM" (24 h), in and out. OpenAPI's `time` format would demand seconds."""

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%H:%M")
        kwargs.setdefault("input_formats", ["%H:%M", "%H:%M:%S"])  # seconds accepted, dropped on output
        super().__init__(**kwargs)


class StrictBooleanField(serializers.BooleanField):
    """A body boolean that must be JSON `true` or `false`: DRF's BooleanField also takes "yes", "on",
    "1", 1 and 1.0, so a typo or a wrong type would pass as a value. Anything else answers 422
    VALIDATION_ERROR naming the field. Every writable boolean of a serializer is one of these
    (tests/core/test_strict_booleans.py walks them)."""

    default_error_messages = {"invalid": "Must be a JSON boolean (true or false)."}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        self.fail("invalid")


@extend_schema_field({"type": "string", "format": "uri", "nullable": True, "readOnly": True})
class OptionalURLField(serializers.Field):
    """A URL that may be unset: an empty stored value is sent as null, never as "" (not a URI)."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value or None


class VisibleIdField(serializers.PrimaryKeyRelatedField):
    """An id in a request body that must name a `model` row the caller may `action` (through
    `apps.core.access.restrict`); anything else, missing or another workspace's, is one answer:
    422 VALIDATION_ERROR naming the field ("<Model> not found."). URL ids answer 404 instead."""

    def __init__(self, model=None, action: str = "view", **kwargs):
        self.model, self.action = model, action
        kwargs.setdefault("pk_field", serializers.UUIDField())
        if model is not None and "queryset" not in kwargs and not kwargs.get("read_only"):
            kwargs["queryset"] = model.objects.none()  # the real one depends on the request
        super().__init__(**kwargs)
        if model is not None:
            self.error_messages["does_not_exist"] = f"{model._meta.verbose_name.capitalize()} not found."

    def get_queryset(self):
        request = self.context.get("request")
        return restrict(self.model.objects, getattr(request, "user", None), self.action)


# Plans are made for years, not millennia: date arithmetic of schedules (durations, critical paths,
# working days) must stay far from the calendar's end (9999-12-31), so input dates are bounded.
PLANNING_DATE_MIN = dt.date(1900, 1, 1)
PLANNING_DATE_MAX = dt.date(2999, 12, 31)


@extend_schema_field({"type": "string", "format": "date", "example": "2026-12-01"})
class PlanningDateField(serializers.DateField):
    """A date of a plan (start, due, end): 1900-01-01 to 2999-12-31, else 422 naming the field."""

    default_error_messages = {"out_of_range": "Enter a date between 1900-01-01 and 2999-12-31."}

    def to_internal_value(self, value):
        date = super().to_internal_value(value)
        if not PLANNING_DATE_MIN <= date <= PLANNING_DATE_MAX:
            self.fail("out_of_range")
        return date
