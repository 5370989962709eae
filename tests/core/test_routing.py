"""/api/v1/ routing: each app's routes are tried only for their own first path segments
(pronaflow.urls.AppRoutes), with exactly what a plain `include()` of every app resolves."""

import re

import pytest
from django.urls import URLPattern, URLResolver, include, path, resolve, reverse
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern

from apps.core.views import ApiNotFoundView
from pronaflow.urls import API_APPS, api_v1

SAMPLES = {"uuid": "0b7c1f8e-5d2a-4c8e-9f31-2a6d4b9e7c10", "int": "7", "str": "sample", "slug": "sample-slug"}


def _routes():
    """Every API route as (route, a path it serves)."""
    for app in api_v1:
        for pattern in app.url_patterns:
            assert isinstance(pattern, URLPattern)
            route = str(pattern.pattern)
            sample = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES[m.group(1) or "str"], route)
            yield route, f"/api/v1/{sample}"


def _plain_resolver() -> URLResolver:
    """What the API's routing was without the index: `path("", include(module))` per app, in order."""
    return URLResolver(
        RegexPattern(r"^/"), [path("api/v1/", include([path("", include(module)) for module in API_APPS]))]
    )


def test_every_route_resolves_to_what_a_plain_include_resolves():
    plain = _plain_resolver()
    routes = list(_routes())
    assert len(routes) > 100
    for route, sample in routes:
        ours, theirs = resolve(sample), plain.resolve(sample)
        assert (ours.func, ours.kwargs, ours.route, ours.namespace, ours.url_name) == (
            theirs.func,
            theirs.kwargs,
            theirs.route,
            theirs.namespace,
            theirs.url_name,
        ), (route, sample)


def test_routes_shared_by_two_apps_reach_the_second_app():
    # tasks/<id> belongs to the tasks app, tasks/<id>/comments to collaboration: both are tried.
    match = resolve(f"/api/v1/tasks/{SAMPLES['uuid']}/comments")
    assert (match.namespace, match.route) == ("collaboration", "api/v1/tasks/<uuid:task_id>/comments")
    assert resolve(f"/api/v1/tasks/{SAMPLES['uuid']}").namespace == "tasks"


def test_reverse_keeps_the_namespaces():
    assert reverse("notifications:list") == "/api/v1/notifications"


@pytest.mark.parametrize("path_", ["/api/v1/nope", "/api/v1/", "/api/v1/tasksx", "/api/v1/notifications/x/y/z"])
def test_unknown_paths_fall_through_to_the_api_404(path_):
    plain = _plain_resolver()
    with pytest.raises(Resolver404):
        plain.resolve(path_)
    assert resolve(path_).func.view_class is ApiNotFoundView


@pytest.mark.django_db
def test_unknown_api_path_answers_the_404_envelope(api_client):
    response = api_client.get("/api/v1/notifications-nope")
    assert response.status_code == 404
    assert response.json()["success"] is False
