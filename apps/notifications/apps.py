from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "apps.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Registers the notification rules and the in-app channel of event consumers.
        from apps.notifications import rules  # noqa: F401
