from __future__ import annotations

from apps.core.api.pagination import LimitOffsetPagination
from apps.core.api.views import ApiView


class PagedView(ApiView):
    """A GET list answered through the default page pagination. Query parameters are parsed by
    the views themselves (apps.core.api.params), so no filter backend applies."""

    filter_backends = []

    def paged(self, queryset, serializer_class=None, **context):
        serializer_class = serializer_class or self.get_serializer_class()
        page = self.paginate_queryset(queryset)
        data = serializer_class(page, many=True, context={"request": self.request, **context}).data
        return self.get_paginated_response(data)


class DeliveryPagination(LimitOffsetPagination):
    """`?limit=` (default 50, at most 200) and `?offset=`, with `total` beside `data`."""

    default_limit = 50
    max_limit = 200
