"""Filter and sort backends whose bad parameters answer 400 INVALID_REQUEST."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.filters import OrderingFilter

from apps.core.api.exceptions import field_errors
from apps.core.exceptions import InvalidRequest


class StrictFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise InvalidRequest("Invalid filter parameters.", details=field_errors(dict(filterset.errors)))
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
                raise InvalidRequest(
                    "Invalid sort field.", details={"field": "sort", "reason": f"Allowed: {', '.join(allowed)}"}
                )
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
