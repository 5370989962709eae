"""Module 6 endpoints: comment threads, mentions and search. Thin: resolve what the path names
(404), check rights (403/409), validate the body (422), call a service or selector, respond."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.collaboration import lifecycle, selectors, services
from apps.collaboration.filters import CommentFilterSet, MentionFilterSet
from apps.collaboration.models import Comment, Mention
from apps.collaboration.serializers import (
    CommentCreateSerializer,
    CommentSerializer,
    CommentUpdateSerializer,
    MentionSerializer,
    SearchResultSerializer,
)
from apps.core.api.views import ApiView
from apps.core.exceptions import InvalidRequest
from apps.tasks.selectors import task_get

TAGS = ["collaboration"]
MAX_QUERY_LENGTH = 200
TYPE_ALIASES = {"project": "project", "projects": "project", "task": "task", "tasks": "task"}
TYPE_ALIASES |= {"comment": "comment", "comments": "comment"}


class _View(ApiView):
    def page(self, queryset, serializer_class):
        page = self.paginate_queryset(self.filter_queryset(queryset))
        return self.get_paginated_response(serializer_class(page, many=True).data)


def _comment_body(request, comment_id, status_code=status.HTTP_200_OK) -> Response:
    comment = selectors.comment_get(actor=request.user, comment_id=comment_id)
    return Response(CommentSerializer(comment).data, status=status_code)


class TaskCommentsView(_View):
    serializer_class = CommentSerializer
    filterset_class = CommentFilterSet
    ordering_fields = ["created_at", "updated_at"]
    ordering = ["created_at", "id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Comment.objects.none()
        task = task_get(actor=self.request.user, task_id=self.kwargs["task_id"])
        return selectors.comment_list(task=task)

    @extend_schema(operation_id="tasks_comments_list", tags=TAGS, responses=CommentSerializer(many=True))
    def get(self, request, task_id):
        return self.page(self.get_queryset(), CommentSerializer)

    @extend_schema(
        operation_id="tasks_comments_create",
        tags=TAGS,
        request=CommentCreateSerializer,
        responses={201: CommentSerializer},
    )
    def post(self, request, task_id):
        task = task_get(actor=request.user, task_id=task_id)
        services.require_commenter(request.user, task)
        data = self.validated(CommentCreateSerializer)
        comment = services.comment_create(
            actor=request.user,
            task=task,
            content=data["content"],
            parent=data.get("parent_id"),
            mention_ids=data.get("mentions", []),
        )
        return _comment_body(request, comment.pk, status.HTTP_201_CREATED)


class CommentDetailView(_View):
    serializer_class = CommentSerializer

    @extend_schema(
        operation_id="comments_update", tags=TAGS, request=CommentUpdateSerializer, responses=CommentSerializer
    )
    def patch(self, request, comment_id):
        comment = selectors.comment_get(actor=request.user, comment_id=comment_id)
        data = self.validated(CommentUpdateSerializer)
        services.comment_update(
            actor=request.user, comment=comment, content=data["content"], mention_ids=data.get("mentions", [])
        )
        return _comment_body(request, comment_id)

    @extend_schema(operation_id="comments_destroy", tags=TAGS, responses={204: None})
    def delete(self, request, comment_id):
        comment = selectors.comment_get(actor=request.user, comment_id=comment_id)
        lifecycle.comment_delete(actor=request.user, obj=comment)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MentionListView(_View):
    serializer_class = MentionSerializer
    filterset_class = MentionFilterSet
    ordering_fields = ["created_at", "read_at"]
    ordering = ["-created_at", "id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Mention.objects.none()
        return selectors.mention_list(actor=self.request.user)

    @extend_schema(operation_id="mentions_list", tags=TAGS, responses=MentionSerializer(many=True))
    def get(self, request):
        return self.page(self.get_queryset(), MentionSerializer)


class MentionReadView(_View):
    serializer_class = MentionSerializer

    @extend_schema(operation_id="mentions_read", tags=TAGS, request=None, responses=MentionSerializer)
    def patch(self, request, mention_id):
        mention = selectors.mention_get(actor=request.user, mention_id=mention_id)
        mention = services.mention_mark_read(actor=request.user, mention=mention)
        return Response(MentionSerializer(mention).data)


def _search_types(raw: str | None) -> list[str]:
    if not raw:
        return list(selectors.SEARCH_TYPES)
    types = []
    for part in (piece.strip().lower() for piece in raw.split(",")):
        if part not in TYPE_ALIASES:
            raise InvalidRequest(
                "Invalid value for 'types'.",
                details={"field": "types", "reason": f"Comma-separated, among: {', '.join(selectors.SEARCH_TYPES)}."},
            )
        types.append(TYPE_ALIASES[part])
    return list(dict.fromkeys(types))


class SearchView(_View):
    serializer_class = SearchResultSerializer
    queryset = Comment.objects.none()  # schema generation only; results come from selectors.search

    @extend_schema(
        operation_id="search",
        tags=TAGS,
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, required=True, description="Words to look for."),
            OpenApiParameter(
                "types",
                OpenApiTypes.STR,
                description="Comma-separated result types among project, task, comment (default: all).",
            ),
        ],
        responses=SearchResultSerializer(many=True),
    )
    def get(self, request):
        q = (request.query_params.get("q") or "").strip()
        if not q or len(q) > MAX_QUERY_LENGTH or "\x00" in q:
            raise InvalidRequest(
                "Invalid value for 'q'.",
                details={"field": "q", "reason": f"Required, 1 to {MAX_QUERY_LENGTH} characters."},
            )
        types = _search_types(request.query_params.get("types"))
        results = selectors.search(actor=request.user, q=q, types=types)
        page = self.paginate_queryset(results)
        return self.get_paginated_response(SearchResultSerializer(page, many=True).data)
