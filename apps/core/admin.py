"""Admin building blocks shared by every app's admin.

- `ServiceSaveMixin`: edits that go through services (so events and audit entries happen either
  way) and that report a service's refusal the way the admin reports any invalid input: as a form
  error, with nothing saved and no "changed successfully" message beside it.
- `JSONDepthLimitMixin`: JSON fields edited in the admin refuse text nested deeper than the API's
  limit (JSON_MAX_DEPTH, 64) with a form error, before decoding it (a 3,000-level document would
  otherwise end in a RecursionError, a 500). Every ModelAdmin and inline with an editable JSON field
  uses it (tests/core/test_admin_json_depth.py checks the registry). A JSON field whose default is
  an object (or a list) also refuses any other shape: the API's readers expect the shape.
- `HostileInputMixin`: a changelist answers malformed query strings (a bad UUID in a filter, a
  year past datetime's range) with Django's "?e=1" redirect and a malformed action selection with a
  message, never a 500. `apps.backoffice.site` mixes it into every registered ModelAdmin.
- `ApiValidationMixin`: a ModelAdmin whose model the API validates (SSRF checks, the event-type
  catalogue, bounds, JSON schemas) runs the same validators on its change form, as form errors.
"""

from __future__ import annotations

import contextlib

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.forms.fields import InvalidJSONInput
from django.http import HttpResponseRedirect
from rest_framework import serializers

from apps.core.api.parsers import JSON_MAX_DEPTH, json_bytes_depth, json_value_depth
from apps.core.exceptions import DomainError, ValidationFailed


class _DryRun(Exception):
    """Rolls back a trial save."""


class ServiceSaveMixin:
    """For a ModelAdmin whose changes are written by a service: define
    `save_through_service(request, obj, form)` (read `form.cleaned_data`/`changed_data`, call the
    service). The change form tries it in a rolled-back transaction while validating (so on-commit
    events and audit rows of the trial are discarded) and shows a DomainError (403, 409, 422) as a
    form error; `save_model` then runs it for real."""

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        modeladmin = self

        class ServiceCheckedForm(form_class):
            def clean(self):
                cleaned = super().clean()
                if self.instance.pk is not None and not self.errors:
                    try:
                        with contextlib.suppress(_DryRun), transaction.atomic():
                            modeladmin.save_through_service(request, self.instance, self)
                            raise _DryRun  # roll the trial back
                    except DomainError as exc:
                        raise forms.ValidationError(exc.message) from exc
                return cleaned

        return ServiceCheckedForm

    def save_model(self, request, obj, form, change):
        self.save_through_service(request, obj, form)


def _too_deep(value) -> bool:
    if isinstance(value, str):
        return json_bytes_depth(value.encode("utf-8", "surrogatepass")) > JSON_MAX_DEPTH
    return json_value_depth(value) > JSON_MAX_DEPTH


class DepthLimitedJSONField(forms.JSONField):
    """Django's form JSONField that refuses JSON nested deeper than JSON_MAX_DEPTH (the API's limit)
    with a validation error, counting the depth on the text before `json.loads` can recurse, and
    redisplays such text as it was typed instead of decoding it."""

    default_error_messages = {
        "too_deep": f"Nested deeper than {JSON_MAX_DEPTH} levels.",
        "shape": "Must be a JSON %(shape)s.",
    }
    SHAPES = {dict: "object", list: "array"}

    def __init__(self, *, shape: type | None = None, **kwargs):
        self.shape = shape  # dict or list: the only JSON type accepted (None: any)
        super().__init__(**kwargs)

    def to_python(self, value):
        if not self.disabled and _too_deep(value):
            raise forms.ValidationError(self.error_messages["too_deep"], code="too_deep")
        return super().to_python(value)

    def validate(self, value):
        super().validate(value)
        if self.shape is not None and value not in self.empty_values and not isinstance(value, self.shape):
            shape = self.SHAPES[self.shape]
            raise forms.ValidationError(self.error_messages["shape"], code="shape", params={"shape": shape})

    def bound_data(self, data, initial):
        if not self.disabled and isinstance(data, str) and _too_deep(data):
            return InvalidJSONInput(data)
        return super().bound_data(data, initial)


class JSONDepthLimitMixin:
    """For a ModelAdmin or an inline: every JSON model field it edits gets `DepthLimitedJSONField`
    (after the admin's own formfield_overrides, which may still set other options)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.JSONField):
            kwargs["form_class"] = DepthLimitedJSONField
            default = db_field.get_default()
            if type(default) in DepthLimitedJSONField.SHAPES:
                kwargs["shape"] = type(default)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


def _messages(detail) -> list[str]:
    if isinstance(detail, dict):
        return [f"{key}: {message}" for key, value in detail.items() for message in _messages(value)]
    if isinstance(detail, list | tuple):
        return [message for item in detail for message in _messages(item)]
    return [str(detail)]


def add_api_errors(form, errors) -> None:
    """Put an API validation error on `form`: a DRF ValidationError's detail or a ValidationFailed's
    details ({field: [messages]}) go to the form's fields of those names, the rest to the form."""
    if not isinstance(errors, dict):
        form.add_error(None, _messages(errors))
        return
    for name, detail in errors.items():
        field = name if name in form.fields and name not in form.errors else None
        messages = _messages(detail)
        form.add_error(field, messages if field else [f"{name}: {message}" for message in messages])


class ApiValidationMixin:
    """For a ModelAdmin whose model the API validates beyond the model's own field checks: define
    `api_clean(request, form, cleaned_data)`, calling the API's validators (serializers,
    services' `validate_*`) and returning the cleaned data to save (normalised as the API would
    store it). Their DRF ValidationError, ValidationFailed or other DomainError becomes form errors,
    so nothing the API would refuse is saved through the console."""

    def api_clean(self, request, form, cleaned_data: dict) -> dict:
        # No default on purpose: an admin that uses the mixin without its check would save unchecked.
        raise NotImplementedError(f"{type(self).__name__} uses ApiValidationMixin but defines no api_clean")

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        modeladmin = self

        class ApiValidatedForm(form_class):
            def clean(self):
                cleaned = super().clean()
                try:
                    cleaned = modeladmin.api_clean(request, self, cleaned)
                except serializers.ValidationError as exc:
                    add_api_errors(self, exc.detail)
                except ValidationFailed as exc:
                    add_api_errors(self, exc.details or exc.message)
                except DomainError as exc:
                    add_api_errors(self, exc.message)
                return cleaned

        return ApiValidatedForm


# What a malformed lookup value raises while the changelist filters and counts: a value its field
# cannot convert (ValidationError, ValueError, TypeError) or out of datetime's range (OverflowError).
LOOKUP_ERRORS = (ValidationError, ValueError, TypeError, OverflowError)


class HostileInputMixin:
    """For every ModelAdmin (mixed in by the admin site): malformed changelist query strings end in
    IncorrectLookupParameters (Django's "?e=1" redirect), and an action posted with ids that are not
    ids of the model is refused with a message instead of failing the request."""

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except LOOKUP_ERRORS as exc:
            raise IncorrectLookupParameters(exc) from exc

    def response_action(self, request, queryset):
        pk_field = self.model._meta.pk
        try:
            for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                pk_field.run_validators(pk_field.to_python(value))  # the type, then the database's range
        except LOOKUP_ERRORS:
            self.message_user(request, "The selection holds an invalid id; nothing was done.", messages.WARNING)
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)
