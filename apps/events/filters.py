import django_filters

from apps.events.models import DomainEvent


class DomainEventFilterSet(django_filters.FilterSet):
    event_type = django_filters.CharFilter(field_name="event_type")
    workspace_id = django_filters.UUIDFilter(field_name="workspace_id")
    project_id = django_filters.UUIDFilter(field_name="project_id")
    aggregate_type = django_filters.CharFilter(field_name="aggregate_type")
    aggregate_id = django_filters.CharFilter(field_name="aggregate_id")
    occurred_after = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    occurred_before = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="lt")

    class Meta:
        model = DomainEvent
        fields = []
