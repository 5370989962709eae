from django.utils.decorators import method_decorator
from django.views.decorators.gzip import gzip_page
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.envelope import utc_timestamp
from apps.core.api.schema import ERROR_REF
from apps.core.exceptions import NotFound, ServiceUnavailable
from apps.core.health import UNHEALTHY, run_checks

HealthSerializer = inline_serializer(
    "Health",
    {
        "status": serializers.ChoiceField(choices=["healthy", "unhealthy"]),
        "timestamp": serializers.DateTimeField(),
        "components": serializers.DictField(child=serializers.CharField()),
    },
)


def health_response(names=None) -> Response:
    """The health answer for the components in `names` (all when None), /health's and module 12's.

    200 with `{"status": "healthy", "timestamp", "components": {name: state}}` while no component
    is "unhealthy" (a "not configured" or "in-process" one is fine). Raises ServiceUnavailable
    (503 SERVICE_UNAVAILABLE, "Unhealthy: <names>", that same body as `details`) otherwise.
    """
    components = run_checks(names)
    down = sorted(name for name, state in components.items() if state == UNHEALTHY)
    data = {"status": "unhealthy" if down else "healthy", "timestamp": utc_timestamp(), "components": components}
    if down:
        raise ServiceUnavailable(f"Unhealthy: {', '.join(down)}", details=data)
    return Response(data)


class HealthView(APIView):
    """Liveness and readiness: 200 when every component is healthy, 503 naming what is down."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    @extend_schema(responses={200: HealthSerializer, 503: ERROR_REF}, tags=["health"], auth=[])
    def get(self, request):
        return health_response()


class ApiNotFoundView(APIView):
    """Unknown /api/ routes answer the JSON 404 envelope, never Django's HTML page."""

    permission_classes = [AllowAny]
    schema = None

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise NotFound("No API route matches this path.")

    def get(self, request, *args, **kwargs):
        raise NotFound("No API route matches this path.")

    post = put = patch = delete = head = options = get


class SchemaView(SpectacularJSONAPIView):
    """`/openapi.json`: the OpenAPI schema, generated once per process (it takes seconds and only
    changes with the code) and sent gzip-compressed to clients that accept it (about 1 MB raw)."""

    _schema: dict | None = None
    throttle_classes = []

    @extend_schema(exclude=True)
    @method_decorator(gzip_page)
    def get(self, request, *args, **kwargs):
        if SchemaView._schema is None:
            generator = self.generator_class(urlconf=self.urlconf, api_version=self.api_version)
            SchemaView._schema = generator.get_schema(request=None, public=self.serve_public)
        return Response(data=SchemaView._schema, headers={"Content-Disposition": 'inline; filename="openapi.json"'})
