"""Reads of module 12, always scoped to the caller: their own tokens, connections and consents;
webhooks of workspaces they administer; plugins installed in workspaces they belong to."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.core.access import restrict
from apps.core.db import UUIDText
from apps.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from apps.integrations.choices import ComponentStatus, ConsentType, DeliveryStatus, PluginSort
from apps.integrations.models import (
    ApiToken,
    Consent,
    OAuthApp,
    OAuthConnection,
    Plugin,
    PluginInstallation,
    Webhook,
    WebhookDelivery,
)
from apps.workspaces.access import admin_workspace_ids, member_workspace_ids
from apps.workspaces.models import Workspace


def _get(queryset: QuerySet, pk, what: str):
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise NotFound(f"{what} not found.")
    return obj


# --- Tokens ------------------------------------------------------------------------------------


def token_list(*, actor, include_usage: bool = False) -> QuerySet:
    """The caller's tokens, revoked ones included, newest first. With `include_usage`, annotated
    with total_requests and requests_last_24h (one query for the page)."""
    queryset = ApiToken.objects.filter(user=actor).order_by("-created_at", "id")
    if include_usage:
        since = timezone.now() - timedelta(hours=24)
        queryset = queryset.annotate(
            total_requests=Coalesce(Sum("usage__count"), Value(0)),
            requests_last_24h=Coalesce(Sum("usage__count", filter=Q(usage__hour__gte=since)), Value(0)),
        )
    return queryset


def token_get(*, actor, token_id) -> ApiToken:
    return _get(ApiToken.objects.filter(user=actor), token_id, "API token")


# --- Webhooks ----------------------------------------------------------------------------------


def webhook_list(*, actor, workspace_id=None, is_active: bool | None = None) -> QuerySet:
    queryset = Webhook.objects.filter(workspace_id__in=admin_workspace_ids(actor)).order_by("-created_at", "id")
    if workspace_id is not None:
        queryset = queryset.filter(workspace_id=workspace_id)
    if is_active is not None:
        queryset = queryset.filter(is_active=is_active)
    return queryset


def webhook_workspace_default(*, actor):
    """The workspace a webhook registered without `workspace_id` belongs to: the one workspace the
    caller administers. Raises PermissionDenied when they administer none, ValidationFailed
    (workspace_id) when they administer several."""
    workspaces = list(
        restrict(Workspace.objects, actor).filter(pk__in=admin_workspace_ids(actor)).order_by("created_at")[:2]
    )
    if not workspaces:
        raise PermissionDenied("Only workspace owners and admins can register webhooks.")
    if len(workspaces) > 1:
        raise ValidationFailed.field("workspace_id", "You administer several workspaces: name one.")
    return workspaces[0]


def webhook_get(*, actor, webhook_id) -> Webhook:
    """A webhook of a workspace the caller administers (404 otherwise: members do not see
    webhooks, whose URLs are configuration secrets of their own)."""
    return _get(webhook_list(actor=actor), webhook_id, "Webhook")


def delivery_list(*, webhook: Webhook, status: str | None = None) -> QuerySet:
    queryset = WebhookDelivery.objects.filter(webhook=webhook).order_by("-created_at", "id")
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def delivery_get(*, webhook: Webhook, delivery_id) -> WebhookDelivery:
    """A delivery of `webhook` (resolved through webhook_get first); 404 for any other id."""
    delivery = _get(delivery_list(webhook=webhook), delivery_id, "Delivery")
    delivery.webhook = webhook
    return delivery


# --- OAuth -------------------------------------------------------------------------------------


def oauth_app_list() -> QuerySet:
    return OAuthApp.objects.order_by("display_name", "id")


def oauth_app_get(*, app_id) -> OAuthApp:
    return _get(OAuthApp.objects.all(), app_id, "OAuth app")


def connection_list(*, actor) -> QuerySet:
    return OAuthConnection.objects.filter(user=actor).select_related("oauth_app").order_by("-created_at", "id")


def connection_get(*, actor, connection_id) -> OAuthConnection:
    return _get(connection_list(actor=actor), connection_id, "OAuth connection")


# --- Plugins -----------------------------------------------------------------------------------

PLUGIN_ORDER = {
    PluginSort.RATING: ("-rating", "-rating_count", "name", "id"),
    PluginSort.INSTALLS: ("-install_count", "name", "id"),
    PluginSort.NEWEST: ("-created_at", "name", "id"),
}


def plugin_list(*, category: str | None = None, search: str | None = None, sort_by: str = PluginSort.RATING):
    queryset = Plugin.objects.filter(is_published=True)
    if category:
        queryset = queryset.filter(category=category)
    if search:
        queryset = queryset.filter(
            Q(name__icontains=search) | Q(description__icontains=search) | Q(author__icontains=search)
        )
    return queryset.order_by(*PLUGIN_ORDER[sort_by])


def plugin_get(*, plugin_id) -> Plugin:
    return _get(Plugin.objects.filter(is_published=True), plugin_id, "Plugin")


def installation_list(*, actor, workspace_id, is_active: bool | None = None) -> QuerySet:
    queryset = (
        PluginInstallation.objects.filter(workspace_id=workspace_id, workspace_id__in=member_workspace_ids(actor))
        .select_related("plugin")
        .order_by("-created_at", "id")
    )
    if is_active is not None:
        queryset = queryset.filter(is_active=is_active)
    return queryset


def installation_get(*, actor, installation_id) -> PluginInstallation:
    queryset = PluginInstallation.objects.filter(workspace_id__in=member_workspace_ids(actor)).select_related("plugin")
    return _get(queryset, installation_id, "Plugin installation")


# --- Consents ----------------------------------------------------------------------------------


def consent_list(
    *, actor, consent_type: str | None = None, is_granted: bool | None = None, include_history: bool = False
) -> QuerySet:
    """The caller's consents: the current version of each, or every version with `include_history`."""
    queryset = Consent.objects.filter(user=actor).order_by("-granted_at", "-version", "id")
    if not include_history:
        queryset = queryset.filter(is_current=True)
    if consent_type:
        queryset = queryset.filter(consent_type=consent_type)
    if is_granted is not None:
        queryset = queryset.filter(is_granted=is_granted)
    return queryset


def consent_get(*, actor, consent_id) -> Consent:
    return _get(Consent.objects.filter(user=actor), consent_id, "Consent")


def consent_status(*, actor) -> dict:
    """Counts of the caller's current consents, per type and in total, aggregated by the database.
    `compliance_status` is "compliant" when every active OAuth connection of the caller is covered
    by a granted THIRD_PARTY consent whose resource_id is the connection id, else "action_required"."""
    per_type = list(
        Consent.objects.filter(user=actor, is_current=True)
        .values("consent_type")
        .annotate(
            count=Count("id"),
            granted=Count("id", filter=Q(is_granted=True)),
            revoked=Count("id", filter=Q(is_granted=False)),
        )
        .order_by("consent_type")
    )
    covered = Consent.objects.filter(
        user=actor,
        is_current=True,
        is_granted=True,
        consent_type=ConsentType.THIRD_PARTY,
        resource_id=UUIDText(OuterRef("pk")),
    )
    uncovered = (
        OAuthConnection.objects.filter(user=actor, is_active=True).annotate(ok=Exists(covered)).filter(ok=False).count()
    )
    return {
        "user_id": str(actor.pk),
        "total_consents": sum(row["count"] for row in per_type),
        "granted_consents": sum(row["granted"] for row in per_type),
        "revoked_consents": sum(row["revoked"] for row in per_type),
        "compliance_status": "compliant" if uncovered == 0 else "action_required",
        "connections_without_consent": uncovered,
        "consents": [
            {"type": row["consent_type"], "count": row["count"], "granted": row["granted"], "revoked": row["revoked"]}
            for row in per_type
        ],
    }


# --- Status ------------------------------------------------------------------------------------


def integration_status(*, actor) -> dict:
    """Counts for what the caller may see: their usable tokens, webhooks and plugins of their
    workspaces (webhooks: those they administer), their connections. A component is "degraded"
    when something in it needs attention (a failed delivery in the last 24 hours or a webhook
    deactivated after failures; an inactive OAuth connection)."""
    now = timezone.now()
    active_tokens = ApiToken.objects.filter(user=actor, is_active=True, is_revoked=False, expires_at__gt=now).count()
    webhooks = Webhook.objects.filter(workspace_id__in=admin_workspace_ids(actor)).aggregate(
        active=Count("id", filter=Q(is_active=True)),
        auto_disabled=Count("id", filter=Q(is_active=False, consecutive_failures__gt=0)),
    )
    deliveries = WebhookDelivery.objects.filter(webhook__workspace_id__in=admin_workspace_ids(actor)).aggregate(
        pending=Count("id", filter=Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING])),
        recent_failures=Count("id", filter=Q(status=DeliveryStatus.FAILED, updated_at__gte=now - timedelta(hours=24))),
    )
    connections = OAuthConnection.objects.filter(user=actor).aggregate(
        active=Count("id", filter=Q(is_active=True)), inactive=Count("id", filter=Q(is_active=False))
    )
    installed = PluginInstallation.objects.filter(workspace_id__in=member_workspace_ids(actor), is_active=True).count()

    def state(degraded: bool) -> str:
        return ComponentStatus.DEGRADED if degraded else ComponentStatus.OPERATIONAL

    return {
        "api_tokens": {"status": ComponentStatus.OPERATIONAL, "active_tokens": active_tokens},
        "webhooks": {
            "status": state(bool(webhooks["auto_disabled"] or deliveries["recent_failures"])),
            "active_webhooks": webhooks["active"],
            "pending_deliveries": deliveries["pending"],
            "failed_deliveries_24h": deliveries["recent_failures"],
        },
        "oauth": {"status": state(bool(connections["inactive"])), "active_connections": connections["active"]},
        "plugins": {"status": ComponentStatus.OPERATIONAL, "installed_plugins": installed},
    }
