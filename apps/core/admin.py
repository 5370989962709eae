"""Admin building blocks shared by every app's admin.

- `ServiceSaveMixin`: edits that go through services (so events and audit entries happen either
  way) and that report a service's refusal the way the admin reports any invalid input: as a form
  error, with nothing saved and no "changed successfully" message beside it.
- `JSONDepthLimitMixin`: JSON fields edited in the admin refuse text nested deeper than the API's
  limit (JSON_MAX_DEPTH, 64) with a form error, before decoding it (a 3,000-level document would
  otherwise end in a RecursionError, a 500). Every ModelAdmin and inline with an editable JSON field
  uses it (tests/core/test_admin_json_depth.py checks the registry).
"""

from __future__ import annotations

import contextlib

from django import forms
from django.db import models, transaction
from django.forms.fields import InvalidJSONInput

from apps.core.api.parsers import JSON_MAX_DEPTH, json_bytes_depth, json_value_depth
from apps.core.exceptions import DomainError


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

    default_error_messages = {"too_deep": f"Nested deeper than {JSON_MAX_DEPTH} levels."}

    def to_python(self, value):
        if not self.disabled and _too_deep(value):
            raise forms.ValidationError(self.error_messages["too_deep"], code="too_deep")
        return super().to_python(value)

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
        return super().formfield_for_dbfield(db_field, request, **kwargs)
