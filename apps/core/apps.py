from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = "PronaFlow core"

    def ready(self) -> None:
        from django.contrib import admin

        admin.site.site_header = "PronaFlow administration"
        admin.site.site_title = "PronaFlow admin"
        admin.site.index_title = "Compliance, trash and operations console"
