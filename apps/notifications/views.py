import json

from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, renderers, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.envelope import Envelope, ok
from apps.core.api.renderers import EnvelopeJSONRenderer
from apps.notifications import realtime, selectors, services
from apps.notifications.filters import NotificationFilterSet
from apps.notifications.serializers import (
    NotificationPreferenceSerializer,
    NotificationPreferenceUpdateSerializer,
    NotificationReadSerializer,
    NotificationSerializer,
    UnreadCountSerializer,
)

TAG = ["notifications"]
FILTER_PARAMS = frozenset(NotificationFilterSet.base_filters)


class NotificationListView(generics.ListAPIView):
    """The caller's notifications, newest first."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet

    def get_queryset(self):
        return selectors.notification_list(user=self.request.user)

    @extend_schema(operation_id="notifications_list", tags=TAG)
    def get(self, request, *args, **kwargs):
        # NotificationSerializer's output from value rows (no serializer per row); `read` and
        # `read_at` include the caller's mark-all-read watermark, read with the page. Two queries
        # (count, page), three with a `status` filter (it reads the watermark first).
        if not FILTER_PARAMS & request.query_params.keys():
            # A plain page (the common case): count, watermark and rows in one cached SQL
            # statement, the envelope built here. None off PostgreSQL: the ORM path below.
            window = self.paginator.window_of(request)
            page = selectors.notification_inbox_page(
                user=request.user, offset=window.start, limit=window.stop - window.start
            )
            if page is not None:
                total, data = page
                size = self.paginator.size
                pagination = {"page": self.paginator.page, "page_size": size, "total": total}
                pagination["total_pages"] = -(-total // size)
                return Response(Envelope(success=True, data=data, pagination=pagination))
        queryset = self.get_queryset()
        if FILTER_PARAMS & request.query_params.keys():  # no filter form to validate for a plain page
            queryset = self.filter_queryset(queryset)
        window = self.paginator.page_window(queryset, request)
        rows, mark = selectors.notification_page_rows(queryset, window, user=request.user) if window else ([], None)
        return self.get_paginated_response(selectors.notification_rows_data(rows, mark))


def _own_notification(request, notification_id):
    return get_object_or_404(selectors.notification_list(user=request.user), pk=notification_id)


class NotificationReadView(APIView):
    @extend_schema(operation_id="notifications_mark_read", request=None, responses=NotificationReadSerializer, tags=TAG)
    def patch(self, request, notification_id):
        """Mark one notification read (idempotent: `read_at` keeps the first time). 404 when it is
        not the caller's."""
        notification = services.notification_mark_read(
            actor=request.user, notification=_own_notification(request, notification_id)
        )
        return Response(NotificationReadSerializer(notification).data)


class NotificationDetailView(APIView):
    @extend_schema(operation_id="notifications_delete", responses={204: None}, tags=TAG)
    def delete(self, request, notification_id):
        services.notification_delete(actor=request.user, notification=_own_notification(request, notification_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


MarkAllReadResponse = inline_serializer(
    "MarkAllReadResponse",
    {"success": serializers.BooleanField(), "message": serializers.CharField(), "count": serializers.IntegerField()},
)


class NotificationMarkAllReadView(APIView):
    @extend_schema(
        operation_id="notifications_mark_all_read",
        request=None,
        responses=MarkAllReadResponse,
        parameters=[OpenApiParameter("type", str, description="Only notifications of this type.")],
        tags=TAG,
    )
    def post(self, request):
        """Mark every unread notification read; `count` says how many changed."""
        filterset = NotificationFilterSet({"type": request.query_params.get("type", "")})
        if not filterset.is_valid():
            from apps.core.api.filters import filterset_error

            raise filterset_error(filterset)
        count = services.notification_mark_all_read(actor=request.user, type=filterset.form.cleaned_data.get("type"))
        return ok(message="All notifications marked as read", count=count)


class UnreadCountView(APIView):
    @extend_schema(operation_id="notifications_unread_count", responses=UnreadCountSerializer, tags=TAG)
    def get(self, request):
        """How many unread notifications the caller has (for the bell badge)."""
        return Response({"count": selectors.notification_unread_count(user=request.user)})


class NotificationPreferenceView(APIView):
    def _data(self, request, preference):
        from apps.personalization.services import preference_get as user_preference_get

        return NotificationPreferenceSerializer.build(preference, user_preference_get(user=request.user))

    @extend_schema(operation_id="notification_preferences_get", responses=NotificationPreferenceSerializer, tags=TAG)
    def get(self, request):
        """The caller's notification preferences (created with the defaults on first read)."""
        return Response(self._data(request, services.preference_get(user=request.user)))

    @extend_schema(
        operation_id="notification_preferences_update",
        request=NotificationPreferenceUpdateSerializer,
        responses=NotificationPreferenceSerializer,
        tags=TAG,
    )
    def patch(self, request):
        """Change channels, frequency and quiet hours; `quiet_hours` merges key by key."""
        serializer = NotificationPreferenceUpdateSerializer(
            data=request.data, context={"preference": services.preference_get(user=request.user)}
        )
        serializer.is_valid(raise_exception=True)
        preference = services.preference_update(actor=request.user, data=serializer.validated_data)
        return Response(self._data(request, preference))


class EventStreamRenderer(renderers.BaseRenderer):
    """Lets clients ask for text/event-stream; errors before the stream starts are JSON text."""

    media_type = "text/event-stream"
    format = "event-stream"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return json.dumps(data, default=str).encode() if data is not None else b""


class NotificationStreamView(APIView):
    renderer_classes = [EnvelopeJSONRenderer, EventStreamRenderer]

    @extend_schema(
        operation_id="notifications_stream",
        responses={
            (200, "text/event-stream"): OpenApiResponse(
                response=OpenApiTypes.STR,
                description="Server-Sent Events: `event: notification` messages whose `id` is the notification "
                "id and `data` a notification; `: heartbeat` comments. Send `Last-Event-ID` to replay.",
            )
        },
        parameters=[OpenApiParameter("Last-Event-ID", OpenApiTypes.UUID, OpenApiParameter.HEADER, required=False)],
        tags=TAG,
    )
    def get(self, request):
        """Live notifications for the caller over Server-Sent Events (see apps/notifications/realtime.py)."""
        last_event_id = request.headers.get("Last-Event-ID") or request.query_params.get("last_event_id")
        last_event_id = _valid_uuid(last_event_id)
        response = StreamingHttpResponse(
            realtime.notification_stream(user=request.user, last_event_id=last_event_id),
            content_type="text/event-stream",
        )
        response["Cache-Control"] = "no-cache"
        response["X-Accel-Buffering"] = "no"
        return response


def _valid_uuid(value):
    import uuid

    if not value:
        return None
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return None
