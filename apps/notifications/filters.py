import django_filters

from apps.notifications.choices import NotificationType, ReadStatus
from apps.notifications.models import Notification
from apps.notifications.selectors import is_read_q, is_unread_q, read_mark_for_request


class NotificationFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ReadStatus.choices, method="filter_status")
    # The spec types `type` as a free string: an unknown type matches nothing (it is not an error).
    type = django_filters.CharFilter(
        max_length=64, help_text=f"One of: {', '.join(NotificationType.values)} (others match nothing)."
    )
    workspace_id = django_filters.UUIDFilter(field_name="workspace_id")

    class Meta:
        model = Notification
        fields = []

    def filter_status(self, queryset, name, value):
        # Read means flagged or covered by the user's mark-all-read watermark.
        mark = read_mark_for_request(self.request)
        return queryset.filter(is_read_q(mark) if value == ReadStatus.READ else is_unread_q(mark))
