"""JSON fields edited in the admin refuse documents nested deeper than the API's limit with a form
error (never a 500), on every admin form that edits one."""

import html
import json

import pytest
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.test import Client, RequestFactory

from apps.core.admin import DepthLimitedJSONField
from apps.core.api.parsers import JSON_MAX_DEPTH
from apps.events.models import EventConsumer
from apps.integrations.models import Plugin, PluginInstallation
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def nested(levels: int) -> str:
    return '{"a":' * levels + "1" + "}" * levels


def _forms(request):
    """The add/change forms staff can submit: every admin and inline that lets a superuser add or
    change (read-only ones only display their values)."""
    for model, model_admin in admin.site._registry.items():
        if model_admin.has_add_permission(request) or model_admin.has_change_permission(request):
            yield model, model_admin.get_form(request)
        for inline in model_admin.get_inline_instances(request):
            if inline.has_add_permission(request, None) or inline.has_change_permission(request):
                yield inline.model, inline.get_formset(request).form


def test_every_admin_form_that_edits_a_json_field_limits_its_depth():
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    checked = set()
    for model, form in _forms(request):
        for name, field in form.base_fields.items():
            if isinstance(_model_field(model, name), models.JSONField):
                assert isinstance(field, DepthLimitedJSONField), f"{model.__name__}.{name}"
                checked.add(f"{model.__name__}.{name}")
    assert {"EventConsumer.config", "PluginInstallation.configuration", "Plugin.manifest"} <= checked


def _model_field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


@pytest.fixture
def staff_client():
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _form_data(client, url: str) -> dict:
    """The change form's current values, as a browser would post them back."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value == "" or value == []:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
    return data


@pytest.mark.parametrize("levels", [3000, 100_000])
def test_a_deep_event_consumer_config_entered_in_the_admin_is_a_form_error(staff_client, team, levels):
    consumer = EventConsumer.objects.create(
        owner=team.owner, workspace=team.workspace, event_type="task.created", handler_type="in_app", config={}
    )
    url = f"/admin/events/eventconsumer/{consumer.pk}/change/"
    data = {**_form_data(staff_client, url), "config": nested(levels)}
    response = staff_client.post(url, data)
    assert response.status_code == 200  # the form again, with the error; not a 500, not a redirect
    assert response.context["adminform"].form.errors["config"] == [f"Nested deeper than {JSON_MAX_DEPTH} levels."]
    assert html.escape(nested(levels)[:50]) in response.content.decode()  # what was typed is shown back
    consumer.refresh_from_db()
    assert consumer.config == {}

    # Within the limit the depth passes; the API's config rules then apply (an in-app config names user_ids).
    data["config"] = nested(JSON_MAX_DEPTH - 1)
    errors = staff_client.post(url, data).context["adminform"].form.errors
    assert errors["config"] == ["Unknown keys: a."]
    data["config"] = json.dumps({"user_ids": [str(team.owner.pk)]})
    assert staff_client.post(url, data).status_code == 302
    consumer.refresh_from_db()
    assert consumer.config == {"user_ids": [str(team.owner.pk)]}


def test_a_deep_plugin_configuration_and_manifest_are_form_errors(staff_client, team):
    plugin = Plugin.objects.create(name="Deep", slug="deep", version="1.0.0", author="A", category="tools")
    installation = PluginInstallation.objects.create(plugin=plugin, workspace=team.workspace, installed_by=team.owner)
    url = f"/admin/integrations/plugininstallation/{installation.pk}/change/"
    response = staff_client.post(url, {**_form_data(staff_client, url), "configuration": nested(3000)})
    assert response.status_code == 200
    assert "configuration" in response.context["adminform"].form.errors

    url = f"/admin/integrations/plugin/{plugin.pk}/change/"
    response = staff_client.post(url, {**_form_data(staff_client, url), "manifest": nested(3000)})
    assert response.status_code == 200
    assert "manifest" in response.context["adminform"].form.errors
