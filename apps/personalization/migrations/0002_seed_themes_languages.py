"""Seed the themes and languages PronaFlow ships with; staff manage them in the admin afterwards."""

from django.db import migrations

THEMES = [
    ("light", "Light", {"primary": "#0066CC", "secondary": "#F5F5F5", "background": "#FFFFFF", "text": "#1A1A1A"}),
    ("dark", "Dark", {"primary": "#1E88E5", "secondary": "#121212", "background": "#0D0D0D", "text": "#F5F5F5"}),
    ("system", "System", {"follows": "prefers-color-scheme", "light": "light", "dark": "dark"}),
    (
        "high-contrast",
        "High contrast",
        {"primary": "#FFFF00", "secondary": "#000000", "background": "#000000", "text": "#FFFFFF"},
    ),
]

LANGUAGES = [
    ("en-US", "English (United States)", "English"),
    ("vi-VN", "Vietnamese", "Tiếng Việt"),
]


def seed(apps, schema_editor):
    Theme = apps.get_model("personalization", "Theme")
    Language = apps.get_model("personalization", "Language")
    for position, (slug, name, colors) in enumerate(THEMES):
        Theme.objects.update_or_create(id=slug, defaults={"name": name, "colors": colors, "position": position})
    for position, (code, name, native_name) in enumerate(LANGUAGES):
        Language.objects.update_or_create(
            code=code, defaults={"name": name, "native_name": native_name, "position": position}
        )


def unseed(apps, schema_editor):
    apps.get_model("personalization", "Theme").objects.filter(id__in=[t[0] for t in THEMES]).delete()
    apps.get_model("personalization", "Language").objects.filter(code__in=[lang[0] for lang in LANGUAGES]).delete()


class Migration(migrations.Migration):
    dependencies = [("personalization", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
