"""Filters of the report list (bad values answer 400 through the strict filter backend)."""

import django_filters

from apps.analytics.choices import ReportType
from apps.analytics.models import Report
from apps.core.api.filters import StrictBooleanFilter


class ReportFilterSet(django_filters.FilterSet):
    workspace_id = django_filters.UUIDFilter(field_name="workspace_id")
    type = django_filters.ChoiceFilter(choices=ReportType.choices)
    scheduled = StrictBooleanFilter(
        field_name="schedule", lookup_expr="isnull", exclude=True, help_text="Only scheduled (true) or unscheduled."
    )

    class Meta:
        model = Report
        fields = ["workspace_id", "type", "scheduled"]
