"""Page-number and limit/offset pagination in the PronaFlow envelope.

Both run exactly two queries (count + page) whatever the page size.
"""

import math

from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from apps.core.api.envelope import Envelope
from apps.core.api.params import int_param


def _count(queryset) -> int:
    return queryset.count() if hasattr(queryset, "count") and not isinstance(queryset, list) else len(queryset)


class PagePagination(BasePagination):
    """`?page=&page_size=` -> `{"data": [...], "pagination": {page, page_size, total, total_pages}}`.

    page_size above the maximum is clamped; page 0, negative or non-numeric values answer 400;
    a page past the end answers an empty list with the real totals.
    """

    page_size = 20
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        window = self.page_window(queryset, request)
        return list(queryset[window]) if window else []

    def window_of(self, request) -> slice:
        """Reads `?page=&page_size=` (400 when invalid): the slice of the requested page, whatever
        the total. For views that count and read their page themselves: they set `total` before
        `get_paginated_response`."""
        self.page = int_param(request.query_params, "page", default=1, minimum=1, maximum=10_000_000)
        self.size = int_param(
            request.query_params, "page_size", default=self.page_size, minimum=1, maximum=self.max_page_size, clamp=True
        )
        start = (self.page - 1) * self.size
        return slice(start, start + self.size)

    def page_window(self, queryset, request) -> slice | None:
        """Reads `?page=&page_size=` (400 when invalid) and counts `queryset` (one query): the slice
        of the requested page, or None past the end. For views that read their page rows
        themselves; `get_paginated_response` then answers with the same envelope."""
        window = self.window_of(request)
        self.total = _count(queryset)
        return window if window.start < self.total else None

    def get_paginated_response(self, data):
        return Response(
            Envelope(
                success=True,
                data=data,
                pagination={
                    "page": self.page,
                    "page_size": self.size,
                    "total": self.total,
                    "total_pages": math.ceil(self.total / self.size),
                },
            )
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["success", "data", "pagination"],
            "properties": {
                "success": {"type": "boolean"},
                "data": schema,
                "pagination": {
                    "type": "object",
                    "required": ["page", "page_size", "total", "total_pages"],
                    "properties": {
                        "page": {"type": "integer"},
                        "page_size": {"type": "integer"},
                        "total": {"type": "integer"},
                        "total_pages": {"type": "integer"},
                    },
                },
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "page",
                "in": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 1, "default": 1},
                "description": "Page number (1-based).",
            },
            {
                "name": "page_size",
                "in": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size, "default": self.page_size},
                "description": f"Items per page (at most {self.max_page_size}).",
            },
        ]


class LimitOffsetPagination(BasePagination):
    """`?limit=&offset=` -> `{"data": [...], "total": N}`, for the spec's limit/offset endpoints."""

    default_limit = 100
    max_limit = 1000

    def paginate_queryset(self, queryset, request, view=None):
        self.limit = int_param(
            request.query_params, "limit", default=self.default_limit, minimum=1, maximum=self.max_limit, clamp=True
        )
        self.offset = int_param(request.query_params, "offset", default=0, minimum=0, maximum=10**9)
        self.total = _count(queryset)
        if self.offset >= self.total:
            return []
        return list(queryset[self.offset : self.offset + self.limit])

    def get_paginated_response(self, data):
        return Response(Envelope(success=True, data=data, total=self.total))

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["success", "data", "total"],
            "properties": {"success": {"type": "boolean"}, "data": schema, "total": {"type": "integer"}},
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_limit, "default": self.default_limit},
            },
            {
                "name": "offset",
                "in": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 0, "default": 0},
            },
        ]
