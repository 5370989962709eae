"""The admin names every model in plain English (no "Event deliverys")."""

from django.apps import apps


def test_no_model_has_a_misspelt_plural():
    wrong = [
        f"{model._meta.label}: {model._meta.verbose_name_plural}"
        for model in apps.get_models()
        if str(model._meta.verbose_name_plural).endswith(("ys",))
        and not str(model._meta.verbose_name_plural).endswith(("ays", "eys", "oys", "uys"))
    ]
    assert wrong == []
