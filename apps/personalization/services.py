"""Writes and reads of user preferences (module 9)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from apps.core.services import model_update
from apps.personalization.models import UserPreference

ACCESSIBILITY_FIELDS = ("high_contrast", "reduced_motion", "screen_reader_enabled", "wcag_level")
NOTIFICATION_FIELDS = ("desktop_notifications", "sound_enabled", "notification_frequency")
TOP_LEVEL_FIELDS = ("theme_id", "language_id", "font_size", "info_density", "timezone", "date_format", "time_format")


def preference_get(*, user) -> UserPreference:
    """The user's preferences, created with the defaults on first read (race-safe)."""
    preference = UserPreference.objects.filter(user=user).first()
    if preference is not None:
        return preference
    try:
        with transaction.atomic():
            return UserPreference.objects.create(user=user)
    except IntegrityError:
        return UserPreference.objects.get(user=user)


def preferences_for_users(user_ids) -> dict:
    """user_id -> UserPreference for the users that have a row (others use the defaults)."""
    return {pref.user_id: pref for pref in UserPreference.objects.filter(user_id__in=list(user_ids))}


def preference_update(*, actor, data: dict) -> UserPreference:
    """Apply validated changes. Nested `accessibility` and `notifications` objects merge into the
    stored values key by key (a key left out keeps its value). `theme`/`language` are model rows.

    Emits no event. Raises nothing beyond what validation already caught.
    """
    with transaction.atomic():
        preference = preference_get(user=actor)
        preference = UserPreference.objects.select_for_update().get(pk=preference.pk)
        values = {name: data[name] for name in TOP_LEVEL_FIELDS if name in data}
        for group, names in (("accessibility", ACCESSIBILITY_FIELDS), ("notifications", NOTIFICATION_FIELDS)):
            values |= {name: data[group][name] for name in names if name in data.get(group, {})}
        model_update(instance=preference, fields=values, data=values, save=False)
        if values:
            preference.save()
        return preference


def notification_frequency_set(*, user, frequency: str) -> UserPreference:
    """Used by module 7's notification preferences: the frequency is stored here, once."""
    return preference_update(actor=user, data={"notifications": {"notification_frequency": frequency}})
