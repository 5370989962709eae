from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.core.api.params import bool_param, choice_param, uuid_param
from apps.core.exceptions import InvalidRequest
from apps.integrations import selectors
from apps.integrations.choices import PluginSort
from apps.integrations.serializers.plugins import (
    PluginConfigUpdateSerializer,
    PluginDetailSerializer,
    PluginInstallationSerializer,
    PluginInstallSerializer,
    PluginSerializer,
)
from apps.integrations.services import plugins as services
from apps.integrations.views.common import PagedView
from apps.integrations.views.webhooks import workspace_for

TAGS = ["integration: plugins"]
MAX_SEARCH = 200


class PluginListView(PagedView):
    serializer_class = PluginSerializer

    @extend_schema(
        operation_id="integration_plugins_list",
        responses=PluginSerializer(many=True),
        tags=TAGS,
        summary="Plugin marketplace",
        parameters=[
            OpenApiParameter("category", OpenApiTypes.STR),
            OpenApiParameter("search", OpenApiTypes.STR, description="Name, description or author contains."),
            OpenApiParameter("sort_by", OpenApiTypes.STR, enum=PluginSort.values, default=PluginSort.RATING),
        ],
    )
    def get(self, request):
        params = request.query_params
        search = params.get("search") or None
        if search and len(search) > MAX_SEARCH:
            raise InvalidRequest("search is too long.", details={"field": "search", "reason": f"At most {MAX_SEARCH}."})
        queryset = selectors.plugin_list(
            category=params.get("category") or None,
            search=search,
            sort_by=choice_param(params, "sort_by", PluginSort.values, default=PluginSort.RATING),
        )
        return self.paged(queryset)


class PluginInstalledListView(PagedView):
    serializer_class = PluginInstallationSerializer

    @extend_schema(
        operation_id="integration_plugins_installed_list",
        responses=PluginInstallationSerializer(many=True),
        tags=TAGS,
        summary="Plugins installed in a workspace",
        parameters=[
            OpenApiParameter("workspace_id", OpenApiTypes.UUID, required=True),
            OpenApiParameter("is_active", OpenApiTypes.BOOL),
        ],
    )
    def get(self, request):
        params = request.query_params
        workspace_id = uuid_param(params, "workspace_id")
        if workspace_id is None:
            raise InvalidRequest("workspace_id is required.", details={"field": "workspace_id", "reason": "Required."})
        workspace = workspace_for(request.user, workspace_id)
        queryset = selectors.installation_list(
            actor=request.user, workspace_id=workspace.pk, is_active=bool_param(params, "is_active")
        )
        return self.paged(queryset)


class PluginDetailView(PagedView):
    """GET: a marketplace plugin by plugin id. DELETE: uninstall, by installation id (the spec
    puts both on /plugins/{id})."""

    serializer_class = PluginDetailSerializer

    @extend_schema(
        operation_id="integration_plugins_retrieve",
        tags=TAGS,
        responses=PluginDetailSerializer,
        summary="A plugin of the marketplace (the path id is a plugin id)",
    )
    def get(self, request, plugin_id):
        return Response(PluginDetailSerializer(selectors.plugin_get(plugin_id=plugin_id)).data)

    @extend_schema(
        operation_id="integration_plugins_uninstall",
        tags=TAGS,
        responses={204: None},
        summary="Uninstall a plugin (the path id is an installation id; owner, admin)",
    )
    def delete(self, request, plugin_id):
        installation = selectors.installation_get(actor=request.user, installation_id=plugin_id)
        services.plugin_uninstall(actor=request.user, installation=installation)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PluginInstallView(PagedView):
    serializer_class = PluginInstallationSerializer

    @extend_schema(
        operation_id="integration_plugins_install",
        tags=TAGS,
        request=PluginInstallSerializer,
        responses={201: PluginInstallationSerializer},
        summary="Install a plugin into a workspace (owner, admin)",
    )
    def post(self, request, plugin_id):
        plugin = selectors.plugin_get(plugin_id=plugin_id)
        data = self.validated(PluginInstallSerializer)
        workspace = data["workspace_id"]
        installation = services.plugin_install(
            actor=request.user, plugin=plugin, workspace=workspace, configuration=data["configuration"]
        )
        return Response(PluginInstallationSerializer(installation).data, status=status.HTTP_201_CREATED)


class PluginConfigView(PagedView):
    serializer_class = PluginInstallationSerializer

    @extend_schema(
        operation_id="integration_plugins_config_update",
        tags=TAGS,
        request=PluginConfigUpdateSerializer,
        responses=PluginInstallationSerializer,
        summary="Replace an installation's configuration or toggle it (owner, admin)",
    )
    def patch(self, request, installation_id):
        installation = selectors.installation_get(actor=request.user, installation_id=installation_id)
        installation = services.plugin_configure(
            actor=request.user, installation=installation, data=self.validated(PluginConfigUpdateSerializer)
        )
        return Response(PluginInstallationSerializer(installation).data)
