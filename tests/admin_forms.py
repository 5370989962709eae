"""The POST data of an admin change form as the browser would send it unchanged, for tests that
post a change form with a few fields altered."""

from django import forms
from django.contrib import admin
from django.test import RequestFactory


def change_form_data(staff, obj, **changes) -> dict:
    """Every field of `obj`'s admin change form with its current value (as `staff` sees the form),
    then `changes` (a Python value; JSON fields take the decoded value, False unticks a box)."""
    model_admin = admin.site._registry[type(obj)]
    request = RequestFactory().get("/")
    request.user = staff
    form = model_admin.get_form(request, obj)(instance=obj)
    values = {name: form[name].value() for name in form.fields}
    values.update(changes)
    data = {}
    for name, value in values.items():
        field = form.fields[name]
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        elif isinstance(field, forms.SplitDateTimeField):
            date, time = field.widget.decompress(value)
            data[f"{name}_0"], data[f"{name}_1"] = date or "", time or ""
        elif isinstance(field, forms.JSONField):
            data[name] = field.prepare_value(value)
        elif isinstance(field, forms.ModelMultipleChoiceField):
            data[name] = [str(getattr(item, "pk", item)) for item in value or []]
        else:
            data[name] = "" if value is None else str(getattr(value, "pk", value))
    return data
