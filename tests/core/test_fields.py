import datetime as dt

import pytest
from rest_framework import serializers

from apps.core.api.fields import HourMinuteField, OptionalURLField


class QuietHours(serializers.Serializer):
    start = HourMinuteField()


@pytest.mark.parametrize("raw", ["22:00", "22:00:00"])
def test_hour_minute_accepts_minutes_or_seconds_and_answers_minutes(raw):
    serializer = QuietHours(data={"start": raw})
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["start"] == dt.time(22, 0)
    assert QuietHours({"start": dt.time(22, 0, 30)}).data["start"] == "22:00"


@pytest.mark.parametrize("raw", ["24:00", "7pm", "", "22"])
def test_hour_minute_rejects_other_shapes(raw):
    assert not QuietHours(data={"start": raw}).is_valid()


def test_optional_url_is_null_when_unset():
    field = OptionalURLField()
    assert field.to_representation("") is None
    assert field.to_representation("https://example.com/x") == "https://example.com/x"
