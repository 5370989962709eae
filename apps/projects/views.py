"""Module 3 endpoints. Thin: parse, scope through selectors (404), call a service (403/409/422)."""

from __future__ import annotations

from django.utils.functional import cached_property
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from apps.core.api.views import ApiView
from apps.projects import lifecycle, selectors, services
from apps.projects.filters import ProjectFilterSet, ProjectMemberFilterSet
from apps.projects.models import Project, ProjectMember
from apps.projects.serializers import (
    ProjectCreateSerializer,
    ProjectMemberCreateSerializer,
    ProjectMemberSerializer,
    ProjectMemberUpdateSerializer,
    ProjectSerializer,
    ProjectStatusSerializer,
    ProjectUpdateSerializer,
)

TAGS = ["projects"]


class ProjectScopedView(ApiView):
    """Base for routes under /projects/{project_id}: the project resolves through tenancy."""

    serializer_class = ProjectSerializer

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Resolve the scope before reading the body: a foreign id is 404 whatever the payload.
        _ = self.project

    @cached_property
    def project(self) -> Project:
        return selectors.project_get(actor=self.request.user, project_id=self.kwargs["project_id"])

    def detail(self) -> dict:
        return ProjectSerializer(selectors.project_get(actor=self.request.user, project_id=self.project.pk)).data


class ProjectListCreateView(ApiView, generics.ListCreateAPIView):
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilterSet
    ordering_fields = [
        "name",
        "status",
        "created_at",
        "updated_at",
        "start_date",
        "end_date",
        "progress",
        "tasks_count",
        "members_count",
    ]
    ordering = ["-created_at", "id"]

    def get_queryset(self):
        return selectors.project_list(actor=self.request.user)

    @extend_schema(
        operation_id="projects_list",
        tags=TAGS,
        summary="Projects I can see, with progress, tasks_count and members_count",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="projects_create",
        tags=TAGS,
        request=ProjectCreateSerializer,
        responses={201: ProjectSerializer},
        summary="Create a project (workspace members and above; the creator becomes manager)",
    )
    def post(self, request, *args, **kwargs):
        data = dict(self.validated(ProjectCreateSerializer))
        project = services.project_create(actor=request.user, workspace=data.pop("workspace_id"), **data)
        return Response(
            ProjectSerializer(selectors.project_get(actor=request.user, project_id=project.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class ProjectDetailView(ProjectScopedView):
    @extend_schema(operation_id="projects_retrieve", tags=TAGS, responses=ProjectSerializer)
    def get(self, request, project_id):
        return Response(ProjectSerializer(self.project).data)

    @extend_schema(
        operation_id="projects_update",
        tags=TAGS,
        request=ProjectUpdateSerializer,
        responses=ProjectSerializer,
        summary="Edit a project (project manager, workspace owner/admin)",
    )
    def patch(self, request, project_id):
        data = self.validated(ProjectUpdateSerializer, partial=True)
        services.project_update(actor=request.user, project=self.project, data=data)
        return Response(self.detail())

    @extend_schema(
        operation_id="projects_destroy",
        tags=TAGS,
        responses={204: None},
        summary="Delete to trash (project manager, workspace owner/admin)",
    )
    def delete(self, request, project_id):
        lifecycle.project_delete(actor=request.user, obj=self.project)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProjectStatusView(ProjectScopedView):
    @extend_schema(
        operation_id="projects_status_update",
        tags=TAGS,
        request=ProjectStatusSerializer,
        responses=ProjectSerializer,
        summary="Change the status (archived is refused: use the archive endpoint)",
    )
    def patch(self, request, project_id):
        data = self.validated(ProjectStatusSerializer)
        services.project_status_change(actor=request.user, project=self.project, status=data["status"])
        return Response(self.detail())


class ProjectMemberListCreateView(ProjectScopedView, generics.ListAPIView):
    serializer_class = ProjectMemberSerializer
    filterset_class = ProjectMemberFilterSet
    ordering_fields = ["added_at", "role", "user__email", "user__username", "user__full_name"]
    ordering = ["added_at", "id"]
    queryset = ProjectMember.objects.none()

    def get_queryset(self):
        return selectors.project_member_list(project=self.project)

    @extend_schema(operation_id="projects_members_list", tags=TAGS, summary="Members of the project")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="projects_members_create",
        tags=TAGS,
        request=ProjectMemberCreateSerializer,
        responses={201: ProjectMemberSerializer},
        summary="Add a workspace member with a project role (project manager, workspace owner/admin)",
    )
    def post(self, request, project_id):
        data = self.validated(ProjectMemberCreateSerializer)
        member = services.project_member_add(actor=request.user, project=self.project, **data)
        return Response(ProjectMemberSerializer(member).data, status=status.HTTP_201_CREATED)


class ProjectMemberDetailView(ProjectScopedView):
    serializer_class = ProjectMemberSerializer

    def member(self) -> ProjectMember:
        return selectors.project_member_get(project=self.project, user_id=self.kwargs["user_id"])

    @extend_schema(
        operation_id="projects_members_update",
        tags=TAGS,
        request=ProjectMemberUpdateSerializer,
        responses=ProjectMemberSerializer,
        summary="Change a project member's role",
    )
    def patch(self, request, project_id, user_id):
        member = self.member()  # a URL id answers 404 before the body is judged
        data = self.validated(ProjectMemberUpdateSerializer)
        member = services.project_member_update(
            actor=request.user, project=self.project, member=member, role=data["role"]
        )
        return Response(ProjectMemberSerializer(member).data)

    @extend_schema(
        operation_id="projects_members_destroy",
        tags=TAGS,
        responses={204: None},
        summary="Remove a project member (or leave the project yourself)",
    )
    def delete(self, request, project_id, user_id):
        services.project_member_remove(actor=request.user, project=self.project, member=self.member())
        return Response(status=status.HTTP_204_NO_CONTENT)
