from django.urls import path

from apps.notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications", views.NotificationListView.as_view(), name="list"),
    path("notifications/preferences", views.NotificationPreferenceView.as_view(), name="preferences"),
    path("notifications/mark-all-read", views.NotificationMarkAllReadView.as_view(), name="mark-all-read"),
    path("notifications/unread-count", views.UnreadCountView.as_view(), name="unread-count"),
    path("notifications/stream", views.NotificationStreamView.as_view(), name="stream"),
    path("notifications/<uuid:notification_id>", views.NotificationDetailView.as_view(), name="detail"),
    path("notifications/<uuid:notification_id>/read", views.NotificationReadView.as_view(), name="read"),
]
