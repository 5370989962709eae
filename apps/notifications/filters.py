import django_filters

from apps.notifications.choices import NotificationType, ReadStatus
from apps.notifications.models import Notification


class NotificationFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ReadStatus.choices, method="filter_status")
    type = django_filters.ChoiceFilter(choices=NotificationType.choices)
    workspace_id = django_filters.UUIDFilter(field_name="workspace_id")

    class Meta:
        model = Notification
        fields = []

    def filter_status(self, queryset, name, value):
        return queryset.filter(read=value == ReadStatus.READ)
