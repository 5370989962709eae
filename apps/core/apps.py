from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = "PronaFlow core"

    def ready(self) -> None:
        from django.contrib import admin
        from django.core.signals import request_started

        from apps.core.dbhealth import quiet_socket_is_healthy

        # After Django's close_old_connections (connected when django.db is imported).
        request_started.connect(quiet_socket_is_healthy, dispatch_uid="pronaflow-db-quiet-socket")

        admin.site.site_header = "PronaFlow administration"
        admin.site.site_title = "PronaFlow admin"
        admin.site.index_title = "Compliance, trash and operations console"
