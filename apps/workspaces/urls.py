from django.urls import path

from apps.workspaces import views

app_name = "workspaces"

urlpatterns = [
    path("workspaces", views.WorkspaceListCreateView.as_view(), name="workspace-list"),
    path("workspaces/invitations/accept", views.InvitationAcceptView.as_view(), name="invitation-accept"),
    path("workspaces/<uuid:workspace_id>", views.WorkspaceDetailView.as_view(), name="workspace-detail"),
    path("workspaces/<uuid:workspace_id>/settings", views.WorkspaceSettingsView.as_view(), name="workspace-settings"),
    path("workspaces/<uuid:workspace_id>/members", views.WorkspaceMemberListCreateView.as_view(), name="member-list"),
    path(
        "workspaces/<uuid:workspace_id>/members/<uuid:user_id>",
        views.WorkspaceMemberDetailView.as_view(),
        name="member-detail",
    ),
    path(
        "workspaces/<uuid:workspace_id>/ownership/transfer",
        views.OwnershipTransferView.as_view(),
        name="ownership-transfer",
    ),
    path(
        "workspaces/<uuid:workspace_id>/invitations",
        views.InvitationListCreateView.as_view(),
        name="invitation-list",
    ),
    path(
        "workspaces/<uuid:workspace_id>/invitations/<uuid:invitation_id>",
        views.InvitationDetailView.as_view(),
        name="invitation-detail",
    ),
]
