"""Bench-only URLconf: the product's routes plus two floor views the list benchmark compares with.

- `/bench/floor?project_id=&page_size=`: the same 20 rows as `GET /api/v1/tasks`, read with `.values()`
  and answered with `JsonResponse`: no authentication, no permissions, no serializer, no counts.
- `/bench/floor-auth?...`: the same, behind simplejwt's stock bearer authentication (token decode and
  one user query), so the gap between the two is what authenticating costs at the bottom.
"""

from django.http import JsonResponse
from django.urls import include, path
from rest_framework_simplejwt.authentication import JWTAuthentication

from apps.tasks.models import Task
from apps.tasks.selectors import TASK_ROW_FIELDS

FIELDS = TASK_ROW_FIELDS  # the same columns the product's list rows show
_jwt = JWTAuthentication()


def _rows(request) -> JsonResponse:
    size = min(int(request.GET.get("page_size", 20)), 100)
    page = max(int(request.GET.get("page", 1)), 1)
    queryset = Task.objects.filter(project_id=request.GET["project_id"]).order_by("position", "created_at", "id")
    start = (page - 1) * size
    return JsonResponse({"success": True, "data": list(queryset.values(*FIELDS)[start : start + size])})


def floor(request) -> JsonResponse:
    """The floor: the page's rows with `.values()` and `JsonResponse`."""
    return _rows(request)


def floor_auth(request) -> JsonResponse:
    """The floor behind simplejwt's bearer authentication (401 without a valid token)."""
    if _jwt.authenticate(request) is None:
        return JsonResponse({"success": False}, status=401)
    return _rows(request)


urlpatterns = [
    path("bench/floor", floor),
    path("bench/floor-auth", floor_auth),
    path("", include("pronaflow.urls")),
]
