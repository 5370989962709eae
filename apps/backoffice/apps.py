from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class BackofficeConfig(AppConfig):
    """The back office: the admin site with its operations and compliance dashboard. It sits above
    every other app (it reads all of them and nothing imports it)."""

    default = True
    name = "apps.backoffice"
    label = "backoffice"
    verbose_name = "Back office"


class PronaFlowAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with PronaFlow's site (the dashboard on the index page); named in
    INSTALLED_APPS in place of "django.contrib.admin"."""

    default = False
    default_site = "apps.backoffice.site.PronaFlowAdminSite"
