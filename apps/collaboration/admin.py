"""Admin for comments and mentions. Deleting goes through the service (to the trash, with the same
rights as the API); a refused action is reported, not forced."""

from django.contrib import admin, messages

from apps.collaboration import lifecycle
from apps.collaboration.models import Comment, Mention
from apps.core.exceptions import DomainError


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["short_content", "task", "author", "parent", "edited_at", "created_at", "deleted_at"]
    list_filter = [("edited_at", admin.EmptyFieldListFilter), ("deleted_at", admin.EmptyFieldListFilter)]
    search_fields = ["content", "task__title", "author__email", "author__username"]
    list_select_related = ["task", "author", "parent"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "id",
        "workspace",
        "task",
        "author",
        "parent",
        "content",
        "edited_at",
        "created_at",
        "updated_at",
        "deleted_at",
        "deleted_by",
    ]
    actions = ["move_to_trash"]

    def get_queryset(self, request):
        return Comment.all_objects.select_related("task", "author", "parent")

    @admin.display(description="Content")
    def short_content(self, comment: Comment) -> str:
        return comment.content[:80]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Move to trash")
    def move_to_trash(self, request, queryset):
        for comment in queryset.filter(deleted_at__isnull=True).select_related("task__project"):
            try:
                lifecycle.comment_delete(actor=request.user, obj=comment)
            except DomainError as exc:
                self.message_user(request, f"{comment}: {exc.message}", level=messages.ERROR)


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
    list_display = ["user", "comment", "is_read", "read_at", "created_at"]
    list_filter = ["is_read"]
    search_fields = ["user__email", "user__username", "comment__content"]
    list_select_related = ["user", "comment"]
    readonly_fields = ["workspace", "comment", "user", "is_read", "read_at", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
