"""Module 6 routes (relative to /api/v1/)."""

from django.urls import path

from apps.collaboration import views

app_name = "collaboration"

urlpatterns = [
    path("tasks/<uuid:task_id>/comments", views.TaskCommentsView.as_view(), name="task-comments"),
    path("comments/<uuid:comment_id>", views.CommentDetailView.as_view(), name="comment-detail"),
    path("mentions", views.MentionListView.as_view(), name="mention-list"),
    path("mentions/<uuid:mention_id>/read", views.MentionReadView.as_view(), name="mention-read"),
    path("search", views.SearchView.as_view(), name="search"),
]
