"""Query filters of module 6 (django-filter). Invalid values answer 400 through StrictFilterBackend."""

from __future__ import annotations

import django_filters

from apps.collaboration.models import Comment, Mention

# Strict booleans: anything but these answers 400 (django-filter's BooleanFilter ignores junk).
BOOLEAN_CHOICES = [("true", "true"), ("false", "false")]


def _truthy(value: str) -> bool:
    return value == "true"


class CommentFilterSet(django_filters.FilterSet):
    parent_id = django_filters.UUIDFilter(field_name="parent_id")
    author_id = django_filters.UUIDFilter(field_name="author_id")
    top_level = django_filters.ChoiceFilter(choices=BOOLEAN_CHOICES, method="filter_top_level")

    class Meta:
        model = Comment
        fields = ["parent_id", "author_id", "top_level"]

    def filter_top_level(self, queryset, name, value):
        return queryset.filter(parent__isnull=_truthy(value))


class MentionFilterSet(django_filters.FilterSet):
    unread = django_filters.ChoiceFilter(choices=BOOLEAN_CHOICES, method="filter_unread")
    task_id = django_filters.UUIDFilter(field_name="comment__task_id")

    class Meta:
        model = Mention
        fields = ["unread", "task_id"]

    def filter_unread(self, queryset, name, value):
        return queryset.filter(is_read=not _truthy(value))
