"""Query filters of module 5 (django-filter). Invalid values answer 400 through StrictFilterBackend."""

from __future__ import annotations

import django_filters

from apps.core.api.filters import StrictBooleanFilter
from apps.scheduling.models import Milestone


class MilestoneFilterSet(django_filters.FilterSet):
    project_id = django_filters.UUIDFilter(field_name="project_id")
    workspace_id = django_filters.UUIDFilter(field_name="workspace_id")
    completed = StrictBooleanFilter(field_name="completed_at", lookup_expr="isnull", exclude=True)
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")

    class Meta:
        model = Milestone
        fields = ["project_id", "workspace_id", "completed", "due_before", "due_after"]
