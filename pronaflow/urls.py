"""Root routes: the API under /api/v1/, docs, health and the admin."""

from django.contrib import admin
from django.urls import include, path, re_path
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

api_v1 = [path("", include(module)) for module in API_APPS]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    re_path(r"^api/", ApiNotFoundView.as_view()),
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
