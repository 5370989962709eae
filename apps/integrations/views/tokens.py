from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.params import bool_param, choice_param, datetime_param
from apps.core.exceptions import InvalidRequest
from apps.integrations import selectors
from apps.integrations.choices import UsageGranularity
from apps.integrations.scopes import scope_catalogue
from apps.integrations.serializers.tokens import (
    ApiTokenCreatedSerializer,
    ApiTokenCreateSerializer,
    ApiTokenSerializer,
    ApiTokenUpdateSerializer,
    ApiTokenUsageSerializer,
    ScopeSerializer,
)
from apps.integrations.services import tokens as services
from apps.integrations.services.usage import usage_summary
from apps.integrations.views.common import PagedView

TAGS = ["integration: api tokens"]
DEFAULT_USAGE_DAYS = 30


# Longest range per granularity: bounded timelines (usage rows are kept 400 days anyway).
MAX_USAGE_RANGE = {"hourly": timedelta(days=31), "daily": timedelta(days=400)}


class TokenListCreateView(PagedView):
    serializer_class = ApiTokenSerializer

    @extend_schema(
        operation_id="integration_tokens_list",
        responses=ApiTokenSerializer(many=True),
        tags=TAGS,
        summary="My API tokens (revoked ones included)",
        parameters=[
            OpenApiParameter(
                "include_usage", OpenApiTypes.BOOL, description="Add request counts (total, last 24 hours)."
            )
        ],
    )
    def get(self, request):
        include_usage = bool_param(request.query_params, "include_usage", default=False)
        return self.paged(selectors.token_list(actor=request.user, include_usage=include_usage))

    @extend_schema(
        operation_id="integration_tokens_create",
        tags=TAGS,
        request=ApiTokenCreateSerializer,
        responses={201: ApiTokenCreatedSerializer},
        summary="Create an API token (the secret is shown once)",
    )
    def post(self, request):
        token = services.token_create(actor=request.user, **self.validated(ApiTokenCreateSerializer))
        return Response(ApiTokenCreatedSerializer(token).data, status=status.HTTP_201_CREATED)


class TokenScopesView(APIView):
    @extend_schema(
        operation_id="integration_tokens_scopes_list",
        tags=TAGS,
        responses=ScopeSerializer(many=True),
        summary="Scopes an API token can be given",
    )
    def get(self, request):
        return Response(ScopeSerializer(scope_catalogue(), many=True).data)


class TokenDetailView(PagedView):
    serializer_class = ApiTokenSerializer

    def token(self):
        return selectors.token_get(actor=self.request.user, token_id=self.kwargs["token_id"])

    @extend_schema(operation_id="integration_tokens_retrieve", tags=TAGS, responses=ApiTokenSerializer)
    def get(self, request, token_id):
        return Response(ApiTokenSerializer(self.token()).data)

    @extend_schema(
        operation_id="integration_tokens_update",
        tags=TAGS,
        request=ApiTokenUpdateSerializer,
        responses=ApiTokenSerializer,
        summary="Rename, deactivate or reactivate a token",
    )
    def patch(self, request, token_id):
        token = services.token_update(
            actor=request.user, token=self.token(), data=self.validated(ApiTokenUpdateSerializer)
        )
        return Response(ApiTokenSerializer(token).data)

    @extend_schema(
        operation_id="integration_tokens_revoke",
        tags=TAGS,
        responses={204: None},
        summary="Revoke a token for good (kept for the audit trail)",
    )
    def delete(self, request, token_id):
        services.token_revoke(actor=request.user, token=self.token())
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenUsageView(PagedView):
    serializer_class = ApiTokenUsageSerializer

    @extend_schema(
        operation_id="integration_tokens_usage",
        tags=TAGS,
        responses=ApiTokenUsageSerializer,
        summary="Requests made with a token",
        parameters=[
            OpenApiParameter(
                "start_date", OpenApiTypes.DATETIME, description="ISO 8601 date or date-time (default: 30 days ago)."
            ),
            OpenApiParameter(
                "end_date", OpenApiTypes.DATETIME, description="ISO 8601 date or date-time (default: now)."
            ),
            OpenApiParameter("granularity", OpenApiTypes.STR, enum=UsageGranularity.values, default="daily"),
        ],
    )
    def get(self, request, token_id):
        token = selectors.token_get(actor=request.user, token_id=token_id)
        params = request.query_params
        end = datetime_param(params, "end_date", end_of_day=True) or timezone.now()
        start = datetime_param(params, "start_date") or end - timedelta(days=DEFAULT_USAGE_DAYS)
        if start > end:
            raise InvalidRequest(
                "start_date must not be after end_date.", details={"field": "start_date", "reason": "After end_date."}
            )
        granularity = choice_param(params, "granularity", UsageGranularity.values, default=UsageGranularity.DAILY)
        if end - start > MAX_USAGE_RANGE[granularity]:
            limit = MAX_USAGE_RANGE[granularity].days
            raise InvalidRequest(
                f"A {granularity} usage report covers at most {limit} days.",
                details={"field": "start_date", "reason": f"Range longer than {limit} days."},
            )
        return Response(usage_summary(token=token, start=start, end=end, granularity=granularity))
