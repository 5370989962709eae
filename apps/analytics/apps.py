from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "apps.analytics"
    label = "analytics"
    verbose_name = "Analytics and reports"

    def ready(self) -> None:
        from apps.analytics import services
        from apps.workspaces.hooks import on_settings_changed

        on_settings_changed(services.report_schedules_follow_workspace)
