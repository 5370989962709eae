"""Shapes of module 6. `parent_id` resolves through the caller's visible comments."""

from __future__ import annotations

from rest_framework import serializers

from apps.collaboration.models import Comment, Mention
from apps.core.api.fields import VisibleIdField
from apps.core.api.serializers import StrictInputMixin
from apps.tasks.serializers import UserBriefSerializer

MAX_COMMENT_LENGTH = 20_000
MAX_MENTIONS = 50


class CommentSerializer(serializers.ModelSerializer):
    task_id = serializers.UUIDField(read_only=True)
    author_id = serializers.UUIDField(read_only=True, allow_null=True)
    author = UserBriefSerializer(read_only=True, allow_null=True)
    parent_id = serializers.UUIDField(read_only=True, allow_null=True)
    mentioned_user_ids = serializers.SerializerMethodField()
    mentions = serializers.SerializerMethodField(
        method_name="get_mentioned_user_ids",
        help_text="The mentioned user ids, under the name the request uses (same as mentioned_user_ids).",
    )
    replies_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Comment
        fields = [
            "id",
            "task_id",
            "parent_id",
            "author_id",
            "author",
            "content",
            "mentioned_user_ids",
            "mentions",
            "replies_count",
            "edited_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_mentioned_user_ids(self, comment: Comment) -> list[str]:
        return [str(mention.user_id) for mention in comment.mentions.all()]


class MentionIdsField(serializers.ListField):
    def __init__(self, **kwargs):
        super().__init__(child=serializers.UUIDField(), max_length=MAX_MENTIONS, **kwargs)


class CommentCreateSerializer(StrictInputMixin, serializers.Serializer):
    content = serializers.CharField(max_length=MAX_COMMENT_LENGTH)
    parent_id = VisibleIdField(Comment, required=False, allow_null=True)
    mentions = MentionIdsField(required=False)


class CommentUpdateSerializer(StrictInputMixin, serializers.Serializer):
    content = serializers.CharField(max_length=MAX_COMMENT_LENGTH)
    mentions = MentionIdsField(required=False)


class MentionCommentSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    excerpt = serializers.SerializerMethodField()
    author = UserBriefSerializer(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)

    def get_excerpt(self, comment: Comment) -> str:
        return comment.content[:200]


class MentionSerializer(serializers.ModelSerializer):
    comment_id = serializers.UUIDField(read_only=True)
    task_id = serializers.UUIDField(source="comment.task_id", read_only=True)
    task_title = serializers.CharField(source="comment.task.title", read_only=True)
    project_id = serializers.UUIDField(source="comment.task.project_id", read_only=True)
    workspace_id = serializers.UUIDField(read_only=True)
    comment = MentionCommentSerializer(read_only=True)

    class Meta:
        model = Mention
        fields = [
            "id",
            "comment_id",
            "task_id",
            "task_title",
            "project_id",
            "workspace_id",
            "comment",
            "is_read",
            "read_at",
            "created_at",
        ]
        read_only_fields = fields


class SearchResultSerializer(serializers.Serializer):
    type = serializers.ChoiceField(source="r_type", choices=["project", "task", "comment"], read_only=True)
    id = serializers.UUIDField(source="r_id", read_only=True)
    title = serializers.CharField(source="r_title", read_only=True)
    excerpt = serializers.CharField(source="r_excerpt", read_only=True)
    workspace_id = serializers.UUIDField(source="r_workspace", read_only=True)
    project_id = serializers.UUIDField(source="r_project", read_only=True)
    task_id = serializers.UUIDField(source="r_task", read_only=True, allow_null=True)
    rank = serializers.FloatField(source="r_rank", read_only=True)
    created_at = serializers.DateTimeField(source="r_created", read_only=True)
