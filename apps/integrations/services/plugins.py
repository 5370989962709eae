"""Plugins: install into a workspace, configure, uninstall. install_count is kept by the database."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from apps.core.audit import record_action
from apps.core.exceptions import Conflict, ValidationFailed
from apps.integrations.models import Plugin, PluginInstallation
from apps.workspaces.access import require_workspace_role
from apps.workspaces.choices import ADMIN_ROLES

MAX_CONFIG_ERRORS = 20


def validate_configuration(plugin: Plugin, configuration) -> dict:
    """Check `configuration` against the manifest's `config_schema` (JSON Schema 2020-12) when the
    plugin declares one. Raises ValidationFailed on `configuration` with one message per problem."""
    if not isinstance(configuration, dict):
        raise ValidationFailed.field("configuration", "Expected an object.")
    schema = (plugin.manifest or {}).get("config_schema")
    if not schema:
        return configuration
    try:
        validator = Draft202012Validator(schema)
        errors = sorted(validator.iter_errors(configuration), key=lambda error: list(error.absolute_path))
    except SchemaError:
        raise ValidationFailed.field(
            "configuration", "This plugin's configuration schema is invalid; it cannot be configured."
        ) from None
    if errors:
        messages = []
        for error in errors[:MAX_CONFIG_ERRORS]:
            where = "/".join(str(part) for part in error.absolute_path)
            messages.append(f"{where}: {error.message}" if where else error.message)
        raise ValidationFailed({"configuration": messages})
    return configuration


def plugin_install(*, actor, plugin: Plugin, workspace, configuration: dict | None = None) -> PluginInstallation:
    """Install `plugin` into `workspace` (owner/admin). The configuration is validated against the
    manifest. Raises PermissionDenied, ValidationFailed, Conflict (already installed). Audited as
    plugin.installed."""
    require_workspace_role(actor, workspace.pk, *ADMIN_ROLES)
    configuration = validate_configuration(plugin, configuration if configuration is not None else {})
    if PluginInstallation.objects.filter(plugin=plugin, workspace=workspace).exists():
        raise Conflict("The plugin is already installed in this workspace.")
    try:
        with transaction.atomic():
            installation = PluginInstallation.objects.create(
                plugin=plugin, workspace=workspace, installed_by=actor, configuration=configuration
            )
            Plugin.objects.filter(pk=plugin.pk).update(install_count=F("install_count") + 1)
            record_action(
                "plugin.installed",
                actor=actor,
                target=installation,
                workspace_id=workspace.pk,
                extra={"plugin": plugin.slug, "version": plugin.version},
            )
    except IntegrityError:
        raise Conflict("The plugin is already installed in this workspace.") from None
    return installation


def plugin_configure(*, actor, installation: PluginInstallation, data: dict) -> PluginInstallation:
    """Replace the configuration and/or toggle `is_active` (owner/admin). Raises PermissionDenied,
    ValidationFailed."""
    require_workspace_role(actor, installation.workspace_id, *ADMIN_ROLES)
    fields = []
    if "configuration" in data:
        installation.configuration = validate_configuration(installation.plugin, data["configuration"])
        fields.append("configuration")
    if "is_active" in data:
        installation.is_active = data["is_active"]
        fields.append("is_active")
    if fields:
        with transaction.atomic():
            installation.save(update_fields=[*fields, "updated_at"])
    return installation


def plugin_uninstall(*, actor, installation: PluginInstallation) -> None:
    """Remove an installation (owner/admin). Audited as plugin.uninstalled."""
    require_workspace_role(actor, installation.workspace_id, *ADMIN_ROLES)
    with transaction.atomic():
        record_action(
            "plugin.uninstalled",
            actor=actor,
            target=installation,
            workspace_id=installation.workspace_id,
            extra={"plugin": installation.plugin.slug},
        )
        Plugin.objects.filter(pk=installation.plugin_id).update(install_count=Greatest(F("install_count") - 1, 0))
        installation.delete()
