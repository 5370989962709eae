from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.integrations import selectors
from apps.integrations.serializers.oauth import (
    OAuthAppDetailSerializer,
    OAuthAppSerializer,
    OAuthConnectionCreateSerializer,
    OAuthConnectionSerializer,
)
from apps.integrations.services import oauth as services
from apps.integrations.views.common import PagedView

TAGS = ["integration: oauth"]


class OAuthAppListView(PagedView):
    serializer_class = OAuthAppSerializer

    @extend_schema(
        operation_id="integration_oauth_apps_list",
        responses=OAuthAppSerializer(many=True),
        tags=TAGS,
        summary="OAuth providers",
    )
    def get(self, request):
        return self.paged(selectors.oauth_app_list())


class OAuthAppDetailView(PagedView):
    serializer_class = OAuthAppDetailSerializer

    @extend_schema(operation_id="integration_oauth_apps_retrieve", tags=TAGS, responses=OAuthAppDetailSerializer)
    def get(self, request, app_id):
        return Response(OAuthAppDetailSerializer(selectors.oauth_app_get(app_id=app_id)).data)


class OAuthConnectionListCreateView(PagedView):
    serializer_class = OAuthConnectionSerializer

    @extend_schema(
        operation_id="integration_oauth_connections_list",
        responses=OAuthConnectionSerializer(many=True),
        tags=TAGS,
        summary="My OAuth connections",
    )
    def get(self, request):
        return self.paged(selectors.connection_list(actor=request.user))

    @extend_schema(
        operation_id="integration_oauth_connections_create",
        tags=TAGS,
        request=OAuthConnectionCreateSerializer,
        responses={201: OAuthConnectionSerializer},
        summary="Connect a provider account (its tokens are stored encrypted, never returned)",
    )
    def post(self, request):
        data = self.validated(OAuthConnectionCreateSerializer)
        oauth_app = selectors.oauth_app_get(app_id=data.pop("oauth_app_id"))
        connection = services.connection_create(actor=request.user, oauth_app=oauth_app, **data)
        return Response(OAuthConnectionSerializer(connection).data, status=status.HTTP_201_CREATED)


class OAuthConnectionDetailView(PagedView):
    serializer_class = OAuthConnectionSerializer

    def connection(self):
        return selectors.connection_get(actor=self.request.user, connection_id=self.kwargs["connection_id"])

    @extend_schema(
        operation_id="integration_oauth_connections_retrieve", tags=TAGS, responses=OAuthConnectionSerializer
    )
    def get(self, request, connection_id):
        return Response(OAuthConnectionSerializer(self.connection()).data)

    @extend_schema(operation_id="integration_oauth_connections_destroy", tags=TAGS, responses={204: None})
    def delete(self, request, connection_id):
        services.connection_delete(actor=request.user, connection=self.connection())
        return Response(status=status.HTTP_204_NO_CONTENT)
