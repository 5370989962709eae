"""The response envelope and every error code, through real HTTP requests."""

import pytest

from tests.helpers import assert_error

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.probe_urls")]


def test_success_is_wrapped_with_message(api_client):
    response = api_client.get("/api/v1/probe/echo")
    assert response.status_code == 200
    assert response.json() == {"success": True, "data": {"hello": "world"}, "message": "Greeting"}


def test_created_body_is_enveloped(api_client):
    response = api_client.post("/api/v1/probe/echo", {"name": "x", "count": 3}, format="json")
    assert response.status_code == 201
    assert response.json() == {"success": True, "data": {"name": "x", "count": 3}}


def test_validation_error_is_422_with_field_details(api_client):
    response = api_client.post("/api/v1/probe/echo", {"name": "far-too-long-name", "count": -1}, format="json")
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert set(body["error"]["details"]) == {"name", "count"}
    assert all(isinstance(msgs, list) and msgs for msgs in body["error"]["details"].values())


def test_malformed_json_is_400_invalid_request(api_client):
    response = api_client.generic("POST", "/api/v1/probe/echo", '{"name": ', content_type="application/json")
    assert_error(response, 400, "INVALID_REQUEST")


def test_non_json_body_is_rejected_with_envelope(api_client):
    response = api_client.generic(
        "POST", "/api/v1/probe/echo", "name=x", content_type="application/x-www-form-urlencoded"
    )
    body = assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert "application/x-www-form-urlencoded" in body["error"]["message"]


@pytest.mark.parametrize("path", ["/api/v1/probe/echo", "/api/v1/projects"])
def test_form_bodies_are_415_unsupported_media_type_on_real_endpoints_too(client_for, team, path):
    response = client_for(team.owner).generic("POST", path, "name=x", content_type="application/x-www-form-urlencoded")
    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")


@pytest.mark.parametrize("accept", ["application/xml", "text/html"])
def test_an_unservable_accept_is_406_not_acceptable_in_the_json_envelope(client_for, team, accept):
    response = client_for(team.owner).get("/api/v1/projects", HTTP_ACCEPT=accept)
    body = assert_error(response, 406, "NOT_ACCEPTABLE")
    assert response["Content-Type"].startswith("application/json")
    assert body["error"]["message"]


def test_missing_token_is_401_with_www_authenticate(api_client):
    response = api_client.get("/api/v1/probe/private")
    assert_error(response, 401, "UNAUTHORIZED")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_garbage_token_is_401(api_client):
    response = api_client.get("/api/v1/probe/private", HTTP_AUTHORIZATION="Bearer not.a.jwt")
    assert_error(response, 401, "UNAUTHORIZED")


def test_forbidden_is_403(auth_client):
    assert_error(auth_client.get("/api/v1/probe/forbidden"), 403, "FORBIDDEN")


def test_domain_conflict_is_409(auth_client):
    body = assert_error(auth_client.get("/api/v1/probe/conflict"), 409, "CONFLICT")
    assert body["error"]["message"] == "Already exists."


def test_integrity_error_is_409_and_writes_nothing(api_client, django_user_model):
    assert api_client.post("/api/v1/probe/duplicate-user", {"username": "a"}, format="json").status_code == 201
    assert_error(api_client.post("/api/v1/probe/duplicate-user", {"username": "b"}, format="json"), 409, "CONFLICT")
    assert django_user_model.objects.filter(email="dup@example.com").count() == 1


def test_unknown_api_route_is_json_404(api_client):
    response = api_client.get("/api/v1/no/such/route")
    assert_error(response, 404, "NOT_FOUND")
    assert response["Content-Type"].startswith("application/json")


def test_unknown_api_route_other_methods_are_404_too(api_client):
    assert_error(api_client.delete("/api/v2/anything"), 404, "NOT_FOUND")


def test_wrong_method_is_405(api_client):
    assert_error(api_client.delete("/api/v1/probe/echo"), 405, "METHOD_NOT_ALLOWED")


def test_unexpected_error_is_500_without_internals(api_client, caplog):
    response = api_client.get("/api/v1/probe/boom", HTTP_X_REQUEST_ID="req-12345678")
    body = assert_error(response, 500, "INTERNAL_ERROR")
    assert "hunter2" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert response["X-Request-ID"] == "req-12345678"
    assert any(getattr(r, "request_id", None) == "req-12345678" for r in caplog.records)
    assert "X-Request-ID" in body["error"]["message"]


def test_request_id_is_generated_when_absent_or_unsafe(api_client):
    generated = api_client.get("/api/v1/probe/echo")["X-Request-ID"]
    assert len(generated) == 32
    hostile = api_client.get("/api/v1/probe/echo", HTTP_X_REQUEST_ID="bad\nvalue<script>")["X-Request-ID"]
    assert "<" not in hostile and len(hostile) == 32


class TestPagination:
    def test_first_page_has_pagination_block(self, api_client):
        body = api_client.get("/api/v1/probe/numbers").json()
        assert body["success"] is True
        assert body["data"] == list(range(1, 21))
        assert body["pagination"] == {"page": 1, "page_size": 20, "total": 45, "total_pages": 3}

    def test_last_partial_page(self, api_client):
        body = api_client.get("/api/v1/probe/numbers?page=3").json()
        assert body["data"] == list(range(41, 46))

    def test_page_past_the_end_is_empty_with_real_totals(self, api_client):
        body = api_client.get("/api/v1/probe/numbers?page=99").json()
        assert body["data"] == []
        assert body["pagination"]["total"] == 45

    def test_page_size_is_clamped_to_100(self, api_client):
        body = api_client.get("/api/v1/probe/numbers?page_size=1000").json()
        assert body["pagination"]["page_size"] == 100
        assert len(body["data"]) == 45

    @pytest.mark.parametrize("query", ["page=0", "page=-1", "page=abc", "page_size=0", "page_size=x", "page=1.5"])
    def test_bad_values_are_400(self, api_client, query):
        body = assert_error(api_client.get(f"/api/v1/probe/numbers?{query}"), 400, "INVALID_REQUEST")
        assert body["error"]["details"]["field"] in {"page", "page_size"}


def test_options_describes_a_route_without_listing_its_write_fields(auth_client):
    response = auth_client.options("/api/v1/workspaces")
    assert response.status_code == 200
    data = response.json()["data"]
    assert set(data) == {"name", "description", "renders", "parses"}


def test_options_on_a_foreign_object_route_is_404_not_500(auth_client):
    response = auth_client.options("/api/v1/workspaces/6a1c8f8e-0000-4000-8000-000000000000/settings")
    assert_error(response, 404, "NOT_FOUND")


def test_an_out_of_range_filter_value_is_400_not_500(auth_client):
    response = auth_client.get("/api/v1/events", {"occurred_before": "0529-12-13T18:10:23+22:59"})
    assert_error(response, 400, "INVALID_REQUEST")
