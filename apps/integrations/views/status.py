from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.schema import ERROR_REF
from apps.core.views import health_response
from apps.integrations import selectors
from apps.integrations.serializers.status import IntegrationHealthSerializer, IntegrationStatusSerializer
from apps.integrations.views.common import PagedView

TAGS = ["integration: status"]
HEALTH_COMPONENTS = ("database", "redis", "email_service")


class IntegrationStatusView(PagedView):
    serializer_class = IntegrationStatusSerializer

    @extend_schema(
        operation_id="integration_status",
        tags=TAGS,
        responses=IntegrationStatusSerializer,
        summary="My integrations in numbers (tokens, webhooks, OAuth connections, plugins)",
    )
    def get(self, request):
        return Response(selectors.integration_status(actor=request.user))


class IntegrationHealthView(APIView):
    """The integration API's dependencies: 200 when healthy, 503 with the error envelope naming
    what is down (like /health)."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="integration_health",
        tags=TAGS,
        responses={200: IntegrationHealthSerializer, 503: ERROR_REF},
        auth=[],
    )
    def get(self, request):
        return health_response(HEALTH_COMPONENTS)
