from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.core.access import restrict
from apps.core.api.params import bool_param, choice_param, uuid_param
from apps.core.exceptions import NotFound
from apps.integrations import selectors
from apps.integrations.choices import DeliveryStatus
from apps.integrations.serializers.webhooks import (
    WebhookCreatedSerializer,
    WebhookCreateSerializer,
    WebhookDeliverySerializer,
    WebhookSerializer,
    WebhookUpdateSerializer,
)
from apps.integrations.services import deliveries
from apps.integrations.services import webhooks as services
from apps.integrations.views.common import DeliveryPagination, PagedView
from apps.workspaces.models import Workspace

TAGS = ["integration: webhooks"]


def workspace_for(actor, workspace_id):
    """The body's workspace through the caller's visible workspaces (404 when foreign)."""
    workspace = restrict(Workspace.objects, actor).filter(pk=workspace_id).first()
    if workspace is None:
        raise NotFound("Workspace not found.", details={"field": "workspace_id"})
    return workspace


class WebhookListCreateView(PagedView):
    serializer_class = WebhookSerializer

    @extend_schema(
        operation_id="integration_webhooks_list",
        responses=WebhookSerializer(many=True),
        tags=TAGS,
        summary="Webhooks of the workspaces I administer",
        parameters=[
            OpenApiParameter("is_active", OpenApiTypes.BOOL),
            OpenApiParameter("workspace_id", OpenApiTypes.UUID),
        ],
    )
    def get(self, request):
        params = request.query_params
        queryset = selectors.webhook_list(
            actor=request.user,
            workspace_id=uuid_param(params, "workspace_id"),
            is_active=bool_param(params, "is_active"),
        )
        return self.paged(queryset)

    @extend_schema(
        operation_id="integration_webhooks_create",
        tags=TAGS,
        request=WebhookCreateSerializer,
        responses={201: WebhookCreatedSerializer},
        summary="Register a webhook on a workspace (owner, admin; default: the one workspace I administer); "
        "`events` (a list) may replace `subscribed_events`, `name` defaults to the URL's host",
    )
    def post(self, request):
        data = self.validated(WebhookCreateSerializer)
        data.setdefault("name", services.default_name(data["url"]))
        workspace = data.pop("workspace_id", None) or selectors.webhook_workspace_default(actor=request.user)
        webhook = services.webhook_create(actor=request.user, workspace=workspace, **data)
        return Response(WebhookCreatedSerializer(webhook).data, status=status.HTTP_201_CREATED)


class WebhookDetailView(PagedView):
    serializer_class = WebhookSerializer

    def webhook(self):
        return selectors.webhook_get(actor=self.request.user, webhook_id=self.kwargs["webhook_id"])

    @extend_schema(operation_id="integration_webhooks_retrieve", tags=TAGS, responses=WebhookSerializer)
    def get(self, request, webhook_id):
        return Response(WebhookSerializer(self.webhook()).data)

    @extend_schema(
        operation_id="integration_webhooks_update",
        tags=TAGS,
        request=WebhookUpdateSerializer,
        responses=WebhookSerializer,
        summary="Change a webhook (subscribed_events merge; re-activating clears the failure streak)",
    )
    def patch(self, request, webhook_id):
        webhook = services.webhook_update(
            actor=request.user, webhook=self.webhook(), data=self.validated(WebhookUpdateSerializer)
        )
        return Response(WebhookSerializer(webhook).data)

    @extend_schema(operation_id="integration_webhooks_destroy", tags=TAGS, responses={204: None})
    def delete(self, request, webhook_id):
        services.webhook_delete(actor=request.user, webhook=self.webhook())
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookDeliveryListView(PagedView):
    serializer_class = WebhookDeliverySerializer
    pagination_class = DeliveryPagination

    @extend_schema(
        operation_id="integration_webhooks_deliveries_list",
        responses=WebhookDeliverySerializer(many=True),
        tags=TAGS,
        summary="Delivery history of a webhook, newest first",
        parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=DeliveryStatus.values)],
    )
    def get(self, request, webhook_id):
        webhook = selectors.webhook_get(actor=request.user, webhook_id=webhook_id)
        delivery_status = choice_param(request.query_params, "status", DeliveryStatus.values)
        return self.paged(selectors.delivery_list(webhook=webhook, status=delivery_status))


class WebhookTestView(PagedView):
    serializer_class = WebhookDeliverySerializer

    @extend_schema(
        operation_id="integration_webhooks_test",
        tags=TAGS,
        request=None,
        responses={202: WebhookDeliverySerializer},
        summary="Send a signed webhook.test message now (also to an inactive webhook; one attempt, in the log)",
    )
    def post(self, request, webhook_id):
        webhook = selectors.webhook_get(actor=request.user, webhook_id=webhook_id)
        delivery = deliveries.webhook_test(actor=request.user, webhook=webhook)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class WebhookRotateSecretView(PagedView):
    serializer_class = WebhookCreatedSerializer

    @extend_schema(
        operation_id="integration_webhooks_rotate_secret",
        tags=TAGS,
        request=None,
        responses=WebhookCreatedSerializer,
        summary="Generate a new secret, shown once; the previous one keeps signing for 24 hours",
    )
    def post(self, request, webhook_id):
        webhook = selectors.webhook_get(actor=request.user, webhook_id=webhook_id)
        webhook = services.webhook_rotate_secret(actor=request.user, webhook=webhook)
        return Response(WebhookCreatedSerializer(webhook).data)


class WebhookDeliveryDetailView(PagedView):
    serializer_class = WebhookDeliverySerializer

    @extend_schema(
        operation_id="integration_webhooks_deliveries_retrieve",
        tags=TAGS,
        responses=WebhookDeliverySerializer,
        summary="One delivery of a webhook, with its last request's headers and answer",
    )
    def get(self, request, webhook_id, delivery_id):
        webhook = selectors.webhook_get(actor=request.user, webhook_id=webhook_id)
        delivery = selectors.delivery_get(webhook=webhook, delivery_id=delivery_id)
        return Response(WebhookDeliverySerializer(delivery).data)


class WebhookRedeliverView(PagedView):
    serializer_class = WebhookDeliverySerializer

    @extend_schema(
        operation_id="integration_webhooks_deliveries_redeliver",
        tags=TAGS,
        request=None,
        responses={202: WebhookDeliverySerializer},
        summary="Send a delivered or failed delivery again: a new attempt with the same webhook-id (409 while it "
        "is open or the webhook is inactive)",
    )
    def post(self, request, webhook_id, delivery_id):
        webhook = selectors.webhook_get(actor=request.user, webhook_id=webhook_id)
        delivery = selectors.delivery_get(webhook=webhook, delivery_id=delivery_id)
        delivery = deliveries.delivery_redeliver(actor=request.user, delivery=delivery)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
