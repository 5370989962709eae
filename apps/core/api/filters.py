"""Filter and sort backends whose bad parameters answer 400 INVALID_REQUEST.

The `details` shape is apps.core.api.params': `{"field": "<parameter>", "reason": "<what is wrong>"}`.
"""

import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.filters import OrderingFilter

from apps.core.api.params import BOOLEAN_VALUES, invalid_param
from apps.core.exceptions import InvalidRequest


def filterset_error(filterset) -> InvalidRequest:
    """The 400 INVALID_REQUEST for an invalid filterset, to raise: its first bad parameter as
    `{"field": name, "reason": "its messages, joined"}` (the params shape), message
    "Invalid filter parameters."."""
    name, messages = next(iter(filterset.errors.items()))
    return invalid_param(name, " ".join(str(message) for message in messages), "Invalid filter parameters.")


class StrictBooleanFormField(forms.Field):
    """ "true" -> True, "false" -> False, absent or empty -> None; anything else is invalid. Django's
    NullBooleanField (under BooleanFilter) reads "1" as true and silently drops junk instead."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value not in BOOLEAN_VALUES:
            raise forms.ValidationError("Must be true or false.", code="invalid")
        return BOOLEAN_VALUES[value]

    def validate(self, value):
        pass  # None (not given) is valid: the filter is then skipped


class StrictBooleanFilter(django_filters.BooleanFilter):
    """BooleanFilter taking only `true`/`false` (400 INVALID_REQUEST through StrictFilterBackend
    otherwise); the schema still says boolean."""

    field_class = StrictBooleanFormField


class StrictFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise filterset_error(filterset)
        return filterset.qs


class SortFilter(OrderingFilter):
    """`?sort=field` / `?sort=-field` over the view's `ordering_fields`; unknown fields answer 400."""

    ordering_param = "sort"

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if raw:
            fields = [part.strip() for part in raw.split(",") if part.strip()]
            valid = self.remove_invalid_fields(queryset, fields, view, request)
            if len(valid) != len(fields):
                allowed = sorted(name for name, _ in self.get_valid_fields(queryset, view, {"request": request}))
                raise invalid_param(self.ordering_param, f"Allowed: {', '.join(allowed)}", "Invalid sort field.")
            return valid
        return self.get_default_ordering(view)

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "ordering_fields", None) is None:
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_schema_operation_parameters(self, view):
        if getattr(view, "ordering_fields", None) is None:
            return []
        return super().get_schema_operation_parameters(view)
