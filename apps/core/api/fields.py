"""Serializer fields shared across apps."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

HOUR_MINUTE_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$"


@extend_schema_field({"type": "string", "pattern": HOUR_MINUTE_PATTERN, "example": "22:00"})
class HourMinuteField(serializers.TimeField):
    """A wall-clock time as "HH:MM" (24 h), in and out. OpenAPI's `time` format would demand seconds."""

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%H:%M")
        kwargs.setdefault("input_formats", ["%H:%M", "%H:%M:%S"])  # seconds accepted, dropped on output
        super().__init__(**kwargs)


@extend_schema_field({"type": "string", "format": "uri", "nullable": True, "readOnly": True})
class OptionalURLField(serializers.Field):
    """A URL that may be unset: an empty stored value is sent as null, never as "" (not a URI)."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value or None
