from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.pagination import LimitOffsetPagination
from apps.events import selectors, services
from apps.events.catalogue import EVENT_TYPES
from apps.events.filters import DomainEventFilterSet
from apps.events.serializers import (
    DomainEventSerializer,
    EventConsumerCreatedSerializer,
    EventConsumerCreateSerializer,
    EventConsumerSerializer,
    EventConsumerUpdateSerializer,
    EventTypeSerializer,
)


class EventPagination(LimitOffsetPagination):
    default_limit = 100
    max_limit = 1000


class DomainEventListView(generics.ListAPIView):
    """Domain events of the caller's workspaces (only of projects they can see), newest first."""

    serializer_class = DomainEventSerializer
    pagination_class = EventPagination
    filterset_class = DomainEventFilterSet

    def get_queryset(self):
        return selectors.event_list(user=self.request.user)

    @extend_schema(operation_id="events_list", tags=["events"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class EventTypeListView(APIView):
    @extend_schema(operation_id="event_types_list", responses=EventTypeSerializer(many=True), tags=["events"])
    def get(self, request):
        """The catalogue of event types, with the payload fields each carries."""
        return Response(EventTypeSerializer(list(EVENT_TYPES.values()), many=True).data)


class EventConsumerListView(generics.ListAPIView):
    serializer_class = EventConsumerSerializer

    def get_queryset(self):
        return selectors.consumer_list(user=self.request.user)

    @extend_schema(operation_id="event_consumers_list", tags=["events"])
    def get(self, request, *args, **kwargs):
        """The caller's event consumers."""
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="event_consumers_create",
        request=EventConsumerCreateSerializer,
        responses={201: EventConsumerCreatedSerializer},
        tags=["events"],
    )
    def post(self, request):
        """Subscribe to an event type. Webhook consumers get their signing secret in this response only."""
        serializer = EventConsumerCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        consumer = services.consumer_create(actor=request.user, **serializer.validated_data)
        return Response(EventConsumerCreatedSerializer(consumer).data, status=status.HTTP_201_CREATED)


class EventConsumerDetailView(APIView):
    def _consumer(self, request, consumer_id):
        return get_object_or_404(selectors.consumer_list(user=request.user).select_related("owner"), pk=consumer_id)

    @extend_schema(operation_id="event_consumers_get", responses=EventConsumerSerializer, tags=["events"])
    def get(self, request, consumer_id):
        return Response(EventConsumerSerializer(self._consumer(request, consumer_id)).data)

    @extend_schema(
        operation_id="event_consumers_update",
        request=EventConsumerUpdateSerializer,
        responses=EventConsumerSerializer,
        tags=["events"],
    )
    def patch(self, request, consumer_id):
        """Change the event type, config or active flag of one of the caller's consumers."""
        consumer = self._consumer(request, consumer_id)
        serializer = EventConsumerUpdateSerializer(data=request.data, context={"consumer": consumer})
        serializer.is_valid(raise_exception=True)
        consumer = services.consumer_update(actor=request.user, consumer=consumer, data=serializer.validated_data)
        return Response(EventConsumerSerializer(consumer).data)

    @extend_schema(operation_id="event_consumers_delete", responses={204: None}, tags=["events"])
    def delete(self, request, consumer_id):
        services.consumer_delete(actor=request.user, consumer=self._consumer(request, consumer_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
