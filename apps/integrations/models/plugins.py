"""The plugin marketplace and plugins installed in workspaces."""

from django.conf import settings
from django.db import models

from apps.core.audit import WorkspaceScopedAudit
from apps.core.models import TimeStampedModel, UUIDModel


class Plugin(UUIDModel, TimeStampedModel):
    """A marketplace entry. `manifest` declares hooks, permissions and, optionally, a JSON Schema
    (`config_schema`) that installation configurations must satisfy."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    version = models.CharField(max_length=32)
    author = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    category = models.SlugField(max_length=40, db_index=True)
    icon_url = models.URLField(blank=True)
    documentation_url = models.URLField(blank=True)
    repository_url = models.URLField(blank=True)
    is_verified = models.BooleanField(default=False)
    is_published = models.BooleanField(default=True, help_text="Unpublished plugins are hidden from the catalogue.")
    manifest = models.JSONField(default=dict, blank=True)
    install_count = models.PositiveIntegerField(default=0)
    rating = models.DecimalField(max_digits=3, decimal_places=2, default=0)
    rating_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class PluginInstallation(WorkspaceScopedAudit, UUIDModel, TimeStampedModel):
    plugin = models.ForeignKey(Plugin, on_delete=models.PROTECT, related_name="installations")
    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="plugin_installations")
    installed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    configuration = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["plugin", "workspace"], name="plugin_installation_unique")]

    def __str__(self) -> str:
        return f"{self.plugin_id} in {self.workspace_id}"
