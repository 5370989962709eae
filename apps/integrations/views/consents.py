from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.core.api.params import bool_param, choice_param
from apps.integrations import selectors
from apps.integrations.choices import ConsentType
from apps.integrations.serializers.consents import ConsentCreateSerializer, ConsentSerializer, ConsentStatusSerializer
from apps.integrations.services import consents as services
from apps.integrations.views.common import PagedView

TAGS = ["integration: consents"]


class ConsentListCreateView(PagedView):
    serializer_class = ConsentSerializer

    @extend_schema(
        operation_id="integration_consents_list",
        responses=ConsentSerializer(many=True),
        tags=TAGS,
        summary="My consents (current versions; every version with include_history)",
        parameters=[
            OpenApiParameter("consent_type", OpenApiTypes.STR, enum=ConsentType.values),
            OpenApiParameter("is_granted", OpenApiTypes.BOOL),
            OpenApiParameter("include_history", OpenApiTypes.BOOL, description="Include superseded versions."),
        ],
    )
    def get(self, request):
        params = request.query_params
        queryset = selectors.consent_list(
            actor=request.user,
            consent_type=choice_param(params, "consent_type", ConsentType.values),
            is_granted=bool_param(params, "is_granted"),
            include_history=bool_param(params, "include_history", default=False),
        )
        return self.paged(queryset)

    @extend_schema(
        operation_id="integration_consents_create",
        tags=TAGS,
        request=ConsentCreateSerializer,
        responses={201: ConsentSerializer},
        summary="Grant a consent (granting again creates the next version)",
    )
    def post(self, request):
        consent = services.consent_grant(actor=request.user, **self.validated(ConsentCreateSerializer))
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)


class ConsentStatusView(PagedView):
    serializer_class = ConsentStatusSerializer

    @extend_schema(
        operation_id="integration_consents_status",
        tags=TAGS,
        responses=ConsentStatusSerializer,
        summary="My consents in numbers",
    )
    def get(self, request):
        return Response(selectors.consent_status(actor=request.user))


class ConsentDetailView(PagedView):
    serializer_class = ConsentSerializer

    def consent(self):
        return selectors.consent_get(actor=self.request.user, consent_id=self.kwargs["consent_id"])

    @extend_schema(operation_id="integration_consents_retrieve", tags=TAGS, responses=ConsentSerializer)
    def get(self, request, consent_id):
        return Response(ConsentSerializer(self.consent()).data)

    @extend_schema(
        operation_id="integration_consents_revoke",
        tags=TAGS,
        responses={204: None},
        summary="Revoke a consent (history kept: is_granted false, revoked_at)",
    )
    def delete(self, request, consent_id):
        services.consent_revoke(actor=request.user, consent=self.consent())
        return Response(status=status.HTTP_204_NO_CONTENT)
