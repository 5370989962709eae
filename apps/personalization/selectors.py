"""Reads for module 9."""

from apps.personalization.models import Language, Theme


def theme_list():
    """Active themes in display order."""
    return Theme.objects.filter(is_active=True)


def language_list():
    """Active languages in display order."""
    return Language.objects.filter(is_active=True)
