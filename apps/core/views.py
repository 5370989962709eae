from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.envelope import error_body, utc_timestamp
from apps.core.api.schema import ERROR_REF
from apps.core.exceptions import NotFound
from apps.core.health import HEALTHY, run_checks

HealthSerializer = inline_serializer(
    "Health",
    {
        "status": serializers.ChoiceField(choices=["healthy", "unhealthy"]),
        "timestamp": serializers.DateTimeField(),
        "components": serializers.DictField(child=serializers.CharField()),
    },
)


class HealthView(APIView):
    """Liveness and readiness: 200 when every component is healthy, 503 naming what is down."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    @extend_schema(responses={200: HealthSerializer, 503: ERROR_REF}, tags=["health"], auth=[])
    def get(self, request):
        components = run_checks()
        down = sorted(name for name, state in components.items() if state != HEALTHY)
        data = {"status": "unhealthy" if down else "healthy", "timestamp": utc_timestamp(), "components": components}
        if down:
            return Response(error_body("SERVICE_UNAVAILABLE", f"Unhealthy: {', '.join(down)}", data), status=503)
        return Response(data)


class ApiNotFoundView(APIView):
    """Unknown /api/ routes answer the JSON 404 envelope, never Django's HTML page."""

    permission_classes = [AllowAny]
    schema = None

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise NotFound("No API route matches this path.")

    def get(self, request, *args, **kwargs):
        raise NotFound("No API route matches this path.")

    post = put = patch = delete = head = options = get
