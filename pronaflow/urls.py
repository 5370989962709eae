"""Root routes: the API under /api/v1/, docs, health and the admin."""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RoutePattern
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView

from apps.core.docs import with_docs_csp
from apps.core.views import ApiNotFoundView, HealthView, SchemaView

# Each app owns its routes; paths inside are relative to /api/v1/.
API_APPS = [
    "apps.accounts.urls",
    "apps.workspaces.urls",
    "apps.projects.urls",
    "apps.tasks.urls",
    "apps.scheduling.urls",
    "apps.collaboration.urls",
    "apps.events.urls",
    "apps.notifications.urls",
    "apps.personalization.urls",
    "apps.archive.urls",
    "apps.analytics.urls",
    "apps.integrations.urls",
]


class AppRoutes(URLResolver):
    """One app's routes under /api/v1/, tried only for paths whose first segment is one of theirs.

    The same as `path("", include(module))` (routes, names, reverse(), the schema and
    `resolver_match.route` unchanged), but a path of another app is refused with one set lookup
    instead of a trial of every pattern, which Django then records for its 404 page: that search
    across the apps before the matching one was about a third of the request's routing cost."""

    def __init__(self, module: str):
        urlconf, app_name, namespace = include(module)
        super().__init__(RoutePattern("", is_endpoint=False), urlconf, app_name=app_name, namespace=namespace)
        routes = [str(p.pattern) for p in urlconf.urlpatterns]
        literal = all(isinstance(p, URLPattern) and isinstance(p.pattern, RoutePattern) for p in urlconf.urlpatterns)
        segments = {route.split("/", 1)[0] for route in routes}
        # Only literal first segments can be indexed; otherwise every path is tried, as include() does.
        self.segments = segments if literal and not any("<" in s or not s for s in segments) else None

    def resolve(self, path):
        if self.segments is not None and str(path).split("/", 1)[0] not in self.segments:
            raise Resolver404({"path": path, "tried": []})
        return super().resolve(path)


api_v1 = [AppRoutes(module) for module in API_APPS]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    re_path(r"^api/", ApiNotFoundView.as_view(), name="api-not-found"),
    path("openapi.json", SchemaView.as_view(), name="openapi-schema"),
    path(
        "docs",
        with_docs_csp(SpectacularSwaggerView.as_view(url_name="openapi-schema", throttle_classes=[])),
        name="swagger-ui",
    ),
    path(
        "redoc",
        with_docs_csp(SpectacularRedocView.as_view(url_name="openapi-schema", throttle_classes=[])),
        name="redoc",
    ),
    path("health", HealthView.as_view(), name="health"),
    path("admin/", admin.site.urls),
]
