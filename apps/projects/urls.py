from django.urls import path

from apps.projects import views

app_name = "projects"

urlpatterns = [
    path("projects", views.ProjectListCreateView.as_view(), name="project-list"),
    path("projects/<uuid:project_id>", views.ProjectDetailView.as_view(), name="project-detail"),
    path("projects/<uuid:project_id>/status", views.ProjectStatusView.as_view(), name="project-status"),
    path("projects/<uuid:project_id>/members", views.ProjectMemberListCreateView.as_view(), name="member-list"),
    path(
        "projects/<uuid:project_id>/members/<uuid:user_id>",
        views.ProjectMemberDetailView.as_view(),
        name="member-detail",
    ),
]
