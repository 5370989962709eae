"""Module 2 endpoints. Thin: parse, scope through selectors (404), call a service (403/409/422)."""

from __future__ import annotations

from django.utils.functional import cached_property
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from apps.core.api.envelope import ok
from apps.core.api.views import ApiView
from apps.workspaces import lifecycle, selectors, services
from apps.workspaces.filters import InvitationFilterSet, WorkspaceFilterSet, WorkspaceMemberFilterSet
from apps.workspaces.models import Invitation, Workspace, WorkspaceMember
from apps.workspaces.policies import require_can_invite
from apps.workspaces.serializers import (
    InvitationAcceptSerializer,
    InvitationCreateSerializer,
    InvitationSerializer,
    OwnershipTransferSerializer,
    WorkspaceCreateSerializer,
    WorkspaceDetailSerializer,
    WorkspaceMemberCreateSerializer,
    WorkspaceMemberSerializer,
    WorkspaceMemberUpdateSerializer,
    WorkspaceSerializer,
    WorkspaceSettingsSerializer,
    WorkspaceUpdateSerializer,
)

TAGS = ["workspaces"]


class WorkspaceScopedView(ApiView):
    """Base for routes under /workspaces/{workspace_id}: the workspace resolves through tenancy."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Resolve the scope before reading the body: a foreign id is 404 whatever the payload.
        _ = self.workspace

    @cached_property
    def workspace(self) -> Workspace:
        return selectors.workspace_get(actor=self.request.user, workspace_id=self.kwargs["workspace_id"])

    def detail(self) -> dict:
        workspace = selectors.workspace_get(actor=self.request.user, workspace_id=self.workspace.pk)
        return WorkspaceDetailSerializer(workspace).data


class WorkspaceListCreateView(ApiView, generics.ListCreateAPIView):
    serializer_class = WorkspaceSerializer
    filterset_class = WorkspaceFilterSet
    ordering_fields = ["name", "created_at", "updated_at", "members_count", "role", "type"]
    ordering = ["name", "id"]

    def get_queryset(self):
        return selectors.workspace_list(actor=self.request.user)

    @extend_schema(operation_id="workspaces_list", tags=TAGS, summary="Workspaces I belong to, with my role")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="workspaces_create",
        tags=TAGS,
        request=WorkspaceCreateSerializer,
        responses={201: WorkspaceDetailSerializer},
        summary="Create a workspace (the caller becomes its owner)",
    )
    def post(self, request, *args, **kwargs):
        workspace = services.workspace_create(actor=request.user, **self.validated(WorkspaceCreateSerializer))
        data = WorkspaceDetailSerializer(selectors.workspace_get(actor=request.user, workspace_id=workspace.pk)).data
        return Response(data, status=status.HTTP_201_CREATED)


class WorkspaceDetailView(WorkspaceScopedView):
    serializer_class = WorkspaceDetailSerializer

    @extend_schema(operation_id="workspaces_retrieve", tags=TAGS, responses=WorkspaceDetailSerializer)
    def get(self, request, workspace_id):
        return Response(WorkspaceDetailSerializer(self.workspace).data)

    def _update(self, request, partial: bool):
        data = self.validated(WorkspaceUpdateSerializer, partial=partial)
        services.workspace_update(actor=request.user, workspace=self.workspace, data=data)
        return Response(self.detail())

    @extend_schema(
        operation_id="workspaces_update",
        tags=TAGS,
        request=WorkspaceUpdateSerializer,
        responses=WorkspaceDetailSerializer,
        summary="Edit a workspace (owner, admin)",
    )
    def patch(self, request, workspace_id):
        return self._update(request, partial=True)

    @extend_schema(
        operation_id="workspaces_replace",
        tags=TAGS,
        request=WorkspaceUpdateSerializer,
        responses=WorkspaceDetailSerializer,
        summary="Edit a workspace (owner, admin)",
    )
    def put(self, request, workspace_id):
        return self._update(request, partial=False)

    @extend_schema(
        operation_id="workspaces_destroy", tags=TAGS, responses={204: None}, summary="Delete to trash (owner)"
    )
    def delete(self, request, workspace_id):
        lifecycle.workspace_delete(actor=request.user, obj=self.workspace)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WorkspaceSettingsView(WorkspaceScopedView):
    serializer_class = WorkspaceSettingsSerializer

    @extend_schema(operation_id="workspaces_settings_retrieve", tags=TAGS, responses=WorkspaceSettingsSerializer)
    def get(self, request, workspace_id):
        return Response(WorkspaceSettingsSerializer(self.workspace).data)

    def _update(self, request, partial: bool):
        data = self.validated(WorkspaceSettingsSerializer, partial=partial)
        workspace = services.workspace_settings_update(actor=request.user, workspace=self.workspace, data=data)
        return Response(WorkspaceSettingsSerializer(workspace).data)

    @extend_schema(
        operation_id="workspaces_settings_update",
        tags=TAGS,
        request=WorkspaceSettingsSerializer,
        responses=WorkspaceSettingsSerializer,
        summary="Edit workspace settings (owner, admin)",
    )
    def patch(self, request, workspace_id):
        return self._update(request, partial=True)

    @extend_schema(
        operation_id="workspaces_settings_replace",
        tags=TAGS,
        request=WorkspaceSettingsSerializer,
        responses=WorkspaceSettingsSerializer,
        summary="Edit workspace settings (owner, admin)",
    )
    def put(self, request, workspace_id):
        return self._update(request, partial=False)


class WorkspaceMemberListCreateView(WorkspaceScopedView, generics.ListAPIView):
    serializer_class = WorkspaceMemberSerializer
    filterset_class = WorkspaceMemberFilterSet
    ordering_fields = ["joined_at", "role", "user__email", "user__username", "user__full_name"]
    ordering = ["joined_at", "id"]
    queryset = WorkspaceMember.objects.none()

    def get_queryset(self):
        return selectors.member_list(workspace=self.workspace)

    @extend_schema(operation_id="workspaces_members_list", tags=TAGS, summary="Members of the workspace")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="workspaces_members_create",
        tags=TAGS,
        request=WorkspaceMemberCreateSerializer,
        responses={201: WorkspaceMemberSerializer},
        summary="Add an existing user by user_id or email (owner, admin)",
    )
    def post(self, request, workspace_id):
        data = self.validated(WorkspaceMemberCreateSerializer)
        member = services.workspace_member_add(actor=request.user, workspace=self.workspace, **data)
        return Response(WorkspaceMemberSerializer(member).data, status=status.HTTP_201_CREATED)


class WorkspaceMemberDetailView(WorkspaceScopedView):
    serializer_class = WorkspaceMemberSerializer

    def member(self) -> WorkspaceMember:
        return selectors.member_get(workspace=self.workspace, user_id=self.kwargs["user_id"])

    def _update(self, request):
        member = self.member()  # a URL id answers 404 before the body is judged
        data = self.validated(WorkspaceMemberUpdateSerializer)
        member = services.member_update_role(
            actor=request.user, workspace=self.workspace, member=member, role=data["role"]
        )
        return Response(WorkspaceMemberSerializer(member).data)

    @extend_schema(
        operation_id="workspaces_members_update",
        tags=TAGS,
        request=WorkspaceMemberUpdateSerializer,
        responses=WorkspaceMemberSerializer,
        summary="Change a member's role (owner, admin)",
    )
    def patch(self, request, workspace_id, user_id):
        return self._update(request)

    @extend_schema(
        operation_id="workspaces_members_replace",
        tags=TAGS,
        request=WorkspaceMemberUpdateSerializer,
        responses=WorkspaceMemberSerializer,
        summary="Change a member's role (owner, admin)",
    )
    def put(self, request, workspace_id, user_id):
        return self._update(request)

    @extend_schema(
        operation_id="workspaces_members_destroy",
        tags=TAGS,
        responses={204: None},
        summary="Remove a member (owner, admin) or leave (yourself)",
    )
    def delete(self, request, workspace_id, user_id):
        services.member_remove(actor=request.user, workspace=self.workspace, member=self.member())
        return Response(status=status.HTTP_204_NO_CONTENT)


class OwnershipTransferView(WorkspaceScopedView):
    serializer_class = OwnershipTransferSerializer

    @extend_schema(
        operation_id="workspaces_ownership_transfer",
        tags=TAGS,
        request=OwnershipTransferSerializer,
        responses=WorkspaceDetailSerializer,
        summary="Transfer the ownership to another member (owner; the old owner becomes admin)",
    )
    def post(self, request, workspace_id):
        data = self.validated(OwnershipTransferSerializer)
        services.ownership_transfer(actor=request.user, workspace=self.workspace, new_owner_id=data["new_owner_id"])
        return ok(self.detail(), message="Ownership transferred.")


class InvitationListCreateView(WorkspaceScopedView, generics.ListAPIView):
    serializer_class = InvitationSerializer
    filterset_class = InvitationFilterSet
    ordering_fields = ["created_at", "expires_at", "email", "role", "effective_status"]
    ordering = ["-created_at", "id"]
    queryset = Invitation.objects.none()

    def get_queryset(self):
        return selectors.invitation_list(workspace=self.workspace)

    @extend_schema(
        operation_id="workspaces_invitations_list",
        tags=TAGS,
        summary="Invitations of the workspace (whoever may invite)",
    )
    def get(self, request, *args, **kwargs):
        require_can_invite(request.user, self.workspace)
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="workspaces_invitations_create",
        tags=TAGS,
        request=InvitationCreateSerializer,
        responses={201: InvitationSerializer},
        summary="Invite by e-mail (the link expires in 7 days)",
    )
    def post(self, request, workspace_id):
        data = self.validated(InvitationCreateSerializer)
        invitation = services.invitation_create(actor=request.user, workspace=self.workspace, **data)
        return ok(InvitationSerializer(invitation).data, message="Invitation sent.", status=status.HTTP_201_CREATED)


class InvitationDetailView(WorkspaceScopedView):
    serializer_class = InvitationSerializer

    @extend_schema(
        operation_id="workspaces_invitations_destroy",
        tags=TAGS,
        responses={204: None},
        summary="Cancel a pending invitation",
    )
    def delete(self, request, workspace_id, invitation_id):
        invitation = selectors.invitation_get(workspace=self.workspace, invitation_id=invitation_id)
        services.invitation_cancel(actor=request.user, workspace=self.workspace, invitation=invitation)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationAcceptView(ApiView):
    serializer_class = InvitationAcceptSerializer

    @extend_schema(
        operation_id="workspaces_invitations_accept",
        tags=TAGS,
        request=InvitationAcceptSerializer,
        responses=WorkspaceDetailSerializer,
        summary="Accept an invitation (the signed-in user's e-mail must be the invited one)",
    )
    def post(self, request):
        data = self.validated(InvitationAcceptSerializer)
        member = services.invitation_accept(actor=request.user, token=data["token"])
        workspace = selectors.workspace_get(actor=request.user, workspace_id=member.workspace_id)
        return ok(WorkspaceDetailSerializer(workspace).data, message="Welcome to the workspace.")
