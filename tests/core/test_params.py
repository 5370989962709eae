import datetime as dt

import pytest

from apps.core.api.params import bool_param, datetime_param, int_param, uuid_param
from apps.core.exceptions import InvalidRequest


def test_bare_date_is_start_or_end_of_that_utc_day():
    start = datetime_param({"d": "2026-02-01"}, "d")
    end = datetime_param({"d": "2026-02-01"}, "d", end_of_day=True)
    assert start == dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    assert end == dt.datetime(2026, 2, 1, 23, 59, 59, 999999, tzinfo=dt.UTC)


def test_datetime_is_converted_to_utc_and_naive_means_utc():
    assert datetime_param({"d": "2026-02-01T10:00:00+02:00"}, "d") == dt.datetime(2026, 2, 1, 8, tzinfo=dt.UTC)
    assert datetime_param({"d": "2026-02-01T10:00:00"}, "d").tzinfo == dt.UTC
    # PostgreSQL refuses offsets beyond 15:59; after conversion the value is plain UTC.
    assert datetime_param({"d": "2000-10-15T11:48:16-23:24"}, "d") == dt.datetime(
        2000, 10, 16, 11, 12, 16, tzinfo=dt.UTC
    )


@pytest.mark.parametrize(
    ("parser", "raw"),
    [
        (datetime_param, "2026-13-01"),
        (datetime_param, "yesterday"),
        (datetime_param, "0529-12-13T18:10:23+22:59"),
        (datetime_param, "9999-12-31T23:00:00-05:00"),
        (int_param, "1e3"),
        (bool_param, "maybe"),
        (uuid_param, "not-a-uuid"),
    ],
)
def test_malformed_values_raise_invalid_request(parser, raw):
    kwargs = {"default": 1} if parser is int_param else {}
    with pytest.raises(InvalidRequest) as error:
        parser({"x": raw}, "x", **kwargs)
    assert error.value.details["field"] == "x"


def test_a_bad_filterset_parameter_uses_the_same_details_shape():
    import django_filters
    from django.contrib.auth.models import Group

    from apps.core.api.filters import filterset_error

    class ColourFilterSet(django_filters.FilterSet):
        colour = django_filters.ChoiceFilter(choices=[("red", "Red")])

    filterset = ColourFilterSet({"colour": "blue"}, queryset=Group.objects.none())
    assert not filterset.is_valid()
    error = filterset_error(filterset)
    assert error.status == 400 and error.code == "INVALID_REQUEST"
    assert error.details["field"] == "colour"
    assert "blue" in error.details["reason"]
