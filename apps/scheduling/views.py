"""Module 5 endpoints: parse, authorise, call a service or a selector, respond.

Objects named in the path are resolved first (404 for what the caller cannot see), then the rights
are checked (403, 409 on archived projects), then the body is validated (422).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from apps.scheduling import lifecycle, selectors, services
from apps.scheduling.choices import PlanTransition
from apps.scheduling.filters import MilestoneFilterSet
from apps.scheduling.models import Milestone
from apps.scheduling.serializers import (
    BaselineCreateSerializer,
    BaselineOverviewSerializer,
    BaselineSerializer,
    CriticalPathSerializer,
    GanttSerializer,
    MilestoneCreateSerializer,
    MilestoneSerializer,
    MilestoneUpdateSerializer,
    PlanSerializer,
)

TAGS = ["scheduling"]
NO_CONTENT = {204: None}


class _View(GenericAPIView):
    def validated(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


# --- Schedules -------------------------------------------------------------------------------


class CriticalPathView(_View):
    serializer_class = CriticalPathSerializer

    @extend_schema(
        operation_id="scheduling_critical_path",
        tags=TAGS,
        summary="Critical path (CPM) of a project: earliest/latest dates and slack per task",
        description="Durations and slack are working days of the workspace's work_days; finish dates are "
        "inclusive. 409 CONFLICT when the task dependencies contain a cycle (details.cycle).",
        responses=CriticalPathSerializer,
    )
    def get(self, request, project_id):
        """The project's CPM schedule (see `selectors.critical_path_get` for the shape). 404 when the
        project is not visible, 409 on a dependency cycle."""
        project = selectors.project_get(actor=request.user, project_id=project_id)
        return Response(selectors.critical_path_get(project=project))


class GanttView(_View):
    serializer_class = GanttSerializer

    @extend_schema(
        operation_id="scheduling_gantt",
        tags=TAGS,
        summary="Gantt data: tasks with dates, dependencies, critical flag, baseline variance; milestones",
        responses=GanttSerializer,
    )
    def get(self, request, project_id):
        """Tasks (dates, progress 0-100, assignees, predecessors, critical flag, variance in calendar
        days against the latest baseline) and milestones of the project. 404 when not visible."""
        project = selectors.project_get(actor=request.user, project_id=project_id)
        return Response(selectors.gantt_get(project=project))


# --- Plan workflow ---------------------------------------------------------------------------


class PlanView(_View):
    serializer_class = PlanSerializer

    @extend_schema(operation_id="scheduling_plan_retrieve", tags=TAGS, responses=PlanSerializer)
    def get(self, request, project_id):
        """The plan state (draft, submitted, approved, locked) with its UTC stamps. 404 when the
        project is not visible."""
        project = selectors.project_get(actor=request.user, project_id=project_id)
        return Response(selectors.plan_get(project=project))


class _PlanTransitionView(_View):
    serializer_class = PlanSerializer
    transition: str = ""

    def post(self, request, project_id):
        """Run the route's plan transition; answers the new plan state. 404 when the project is not
        visible, 403 without the right (approve/lock/unlock: workspace owner or admin), 409 on an
        archived project or from a state the transition does not start from."""
        project = selectors.project_get(actor=request.user, project_id=project_id)
        plan = services.plan_transition(actor=request.user, project=project, transition=self.transition)
        return Response(selectors.plan_body(project, plan))


def _transition_view(transition: str, summary: str) -> type[_PlanTransitionView]:
    """A route class per transition, each with its own operation id in the schema."""

    class View(_PlanTransitionView):
        @extend_schema(
            operation_id=f"scheduling_plan_{transition}",
            tags=TAGS,
            summary=summary,
            request=None,
            responses=PlanSerializer,
        )
        def post(self, request, project_id):
            """Run this transition of the plan (rights and errors as on the parent view)."""
            return super().post(request, project_id)

    View.transition = transition
    View.__name__ = View.__qualname__ = f"Plan{transition.capitalize()}View"
    return View


PlanSubmitView = _transition_view(PlanTransition.SUBMIT, "Submit the plan (draft -> submitted; task editors)")
PlanApproveView = _transition_view(
    PlanTransition.APPROVE, "Approve the plan (submitted -> approved; workspace owner or admin)"
)
PlanLockView = _transition_view(
    PlanTransition.LOCK, "Lock the plan (approved -> locked; task dates and dependencies freeze)"
)
PlanUnlockView = _transition_view(PlanTransition.UNLOCK, "Unlock the plan (locked -> approved; owner or admin)")


# --- Baselines -------------------------------------------------------------------------------


class BaselineCollectionView(_View):
    serializer_class = BaselineOverviewSerializer

    @extend_schema(
        operation_id="scheduling_baselines_list",
        tags=TAGS,
        summary="Baselines of a project and every task's variance against the latest",
        responses=BaselineOverviewSerializer,
    )
    def get(self, request, project_id):
        """Baselines (newest first) and every task against the latest one (`variance_days`: due date
        minus baseline due date, calendar days). 404 when the project is not visible."""
        project = selectors.project_get(actor=request.user, project_id=project_id)
        return Response(selectors.baseline_overview(project=project))

    @extend_schema(
        operation_id="scheduling_baselines_create",
        tags=TAGS,
        summary="Snapshot every task's start and due dates",
        request=BaselineCreateSerializer,
        responses={201: BaselineSerializer},
    )
    def post(self, request, project_id):
        """Snapshot every task's start and due dates under `name` (201). 404 / 403 (not a task
        editor) / 409 (archived project) / 422 (blank name)."""
        project = selectors.project_get(actor=request.user, project_id=project_id)
        services.require_schedule_editor(request.user, project)
        data = self.validated(BaselineCreateSerializer)
        baseline = services.baseline_create(actor=request.user, project=project, name=data["name"])
        body = {
            "id": str(baseline.pk),
            "name": baseline.name,
            "created_at": baseline.created_at,
            "created_by": str(baseline.created_by_id) if baseline.created_by_id else None,
        }
        return Response(BaselineSerializer(body).data, status=status.HTTP_201_CREATED)


# --- Milestones ------------------------------------------------------------------------------


class MilestoneCollectionView(_View):
    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilterSet
    ordering_fields = ["due_date", "name", "created_at", "completed_at"]
    ordering = ["due_date", "created_at", "id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Milestone.objects.none()
        return selectors.milestone_list(actor=self.request.user)

    @extend_schema(operation_id="scheduling_milestones_list", tags=TAGS, responses=MilestoneSerializer(many=True))
    def get(self, request):
        """Milestones of the projects the caller can see, a page at a time (filters project_id,
        workspace_id, completed, due_before, due_after; sort due_date, name, created_at, completed_at)."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(MilestoneSerializer(page, many=True).data)

    @extend_schema(
        operation_id="scheduling_milestones_create",
        tags=TAGS,
        request=MilestoneCreateSerializer,
        responses={201: MilestoneSerializer},
    )
    def post(self, request):
        """Create a milestone (201); emits milestone.created (and milestone.completed when created
        completed). 422 for an invalid body or a project the caller cannot see, 403 without task
        rights, 409 on an archived project."""
        data = dict(self.validated(MilestoneCreateSerializer))
        milestone = services.milestone_create(actor=request.user, project=data.pop("project_id"), **data)
        return Response(MilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED)


class MilestoneDetailView(_View):
    serializer_class = MilestoneSerializer

    @extend_schema(operation_id="scheduling_milestones_retrieve", tags=TAGS, responses=MilestoneSerializer)
    def get(self, request, milestone_id):
        """One milestone; 404 when missing, trashed or not visible."""
        milestone = selectors.milestone_get(actor=request.user, milestone_id=milestone_id)
        return Response(MilestoneSerializer(milestone).data)

    @extend_schema(
        operation_id="scheduling_milestones_update",
        tags=TAGS,
        request=MilestoneUpdateSerializer,
        responses=MilestoneSerializer,
    )
    def patch(self, request, milestone_id):
        """Change name, due_date, completed_at (UTC; null reopens). Emits milestone.completed when it
        becomes completed. 404 / 403 / 409 (archived project) / 422."""
        milestone = selectors.milestone_get(actor=request.user, milestone_id=milestone_id)
        services.require_schedule_editor(request.user, milestone.project)
        data = self.validated(MilestoneUpdateSerializer)
        milestone = services.milestone_update(actor=request.user, milestone=milestone, data=data)
        return Response(MilestoneSerializer(milestone).data)

    @extend_schema(operation_id="scheduling_milestones_destroy", tags=TAGS, responses=NO_CONTENT)
    def delete(self, request, milestone_id):
        """Move the milestone to the trash (204; restorable through /archive/trash for 30 days).
        404 / 403 / 409 (archived project)."""
        milestone = selectors.milestone_get(actor=request.user, milestone_id=milestone_id)
        lifecycle.milestone_delete(actor=request.user, obj=milestone)
        return Response(status=status.HTTP_204_NO_CONTENT)
