"""Filter and sort backends whose bad parameters answer 400 INVALID_REQUEST.

The `details` shape is apps.core.api.params': `{"field": "<parameter>", "reason": "<what is wrong>"}`.
"""

import uuid
from functools import cache

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


@cache
def _plain_uuid_filters(filterset_class) -> tuple[frozenset[str], dict[str, str]] | None:
    """(every filter name, {name: field} of the plain exact UUID filters) of a FilterSet class that
    neither overrides how it filters nor validates its form as a whole; None otherwise. Computed once
    per class and process."""
    base = django_filters.FilterSet
    if filterset_class.filter_queryset is not base.filter_queryset or filterset_class.qs is not base.qs:
        return None
    if filterset_class._meta.form is not forms.Form:
        return None
    plain = {
        name: flt.field_name
        for name, flt in filterset_class.base_filters.items()
        if type(flt) is django_filters.UUIDFilter
        and flt.method is None
        and flt.lookup_expr == "exact"
        and not flt.exclude
        and not flt.distinct
    }
    return frozenset(filterset_class.base_filters), plain


def plain_filters(filterset_class, params) -> dict[str, uuid.UUID] | None:
    """`{field: value}` when every filter parameter of `params` is a plain exact UUID filter given once
    with a well-formed UUID (none at all: `{}`), else None. Filtering with `.filter(**that)` gives what
    the FilterSet gives, without building and validating its form; anything else (other filters, a
    repeated, empty or malformed value) takes the FilterSet's path with its errors."""
    spec = _plain_uuid_filters(filterset_class)
    if spec is None:
        return None
    names, plain = spec
    lookups = {}
    for name in names.intersection(params.keys()):
        field = plain.get(name)
        values = params.getlist(name)
        if field is None or len(values) != 1:
            return None
        try:
            lookups[field] = uuid.UUID(hex=values[0].strip())  # as forms.UUIDField reads it
        except ValueError:
            return None
    return lookups


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's backend answering 400 for invalid values, with a fast path: a request whose
    filter parameters are only plain UUID equalities (`?project_id=`) is filtered directly, without a
    form per request (the same rows; anything else goes through the FilterSet)."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        lookups = plain_filters(filterset_class, request.query_params)
        if lookups is not None:
            return queryset.filter(**lookups) if lookups else queryset
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

    def ordering_of(self, request, view) -> tuple[str, ...] | None:
        """The `order_by()` terms `filter_queryset` gives this request (`()`: the queryset's own
        order), validated the same way (400 INVALID_REQUEST naming `sort`), without a queryset; None
        when they depend on one (the view has no list of `ordering_fields`)."""
        fields = getattr(view, "ordering_fields", None)
        if fields is None or fields == "__all__":
            return None
        return tuple(self.get_ordering(request, None, view) or ())

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "ordering_fields", None) is None:
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_schema_operation_parameters(self, view):
        if getattr(view, "ordering_fields", None) is None:
            return []
        return super().get_schema_operation_parameters(view)
