"""Admin edits that go through services (so events and audit entries happen either way) and that
report a service's refusal the way the admin reports any invalid input: as a form error, with
nothing saved and no "changed successfully" message beside it."""

from __future__ import annotations

import contextlib

from django import forms
from django.db import transaction

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
