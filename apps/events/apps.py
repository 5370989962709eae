from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "apps.events"
    label = "events"
    verbose_name = "Domain events"

    def ready(self) -> None:
        # Registers the `events.consumers` handler and the e-mail and webhook channels.
        from apps.events import consumers  # noqa: F401
