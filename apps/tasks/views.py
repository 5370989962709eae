"""Module 4 endpoints: parse, authorise, call a service or a selector, respond.

Objects named in the path are resolved first (404 for what the caller cannot see), then the rights
are checked (403, 409 on archived projects), then the body is validated (422).
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.core.api.filters import plain_filters
from apps.core.api.params import bool_param
from apps.core.api.views import ApiView
from apps.tasks import lifecycle, selectors, services
from apps.tasks.filters import TaskFilterSet, TaskListFilterSet, TaskSortFilter
from apps.tasks.models import Subtask, Task, TaskDependency, TaskList
from apps.tasks.serializers import (
    SubtaskCreateSerializer,
    SubtaskSerializer,
    SubtaskUpdateSerializer,
    TaskAssignSerializer,
    TaskCreateSerializer,
    TaskDependencyCreateSerializer,
    TaskDependencySerializer,
    TaskDetailSerializer,
    TaskListCreateSerializer,
    TaskListSerializer,
    TaskListUpdateSerializer,
    TaskMoveSerializer,
    TaskSerializer,
    TaskStatusSerializer,
    TaskUpdateSerializer,
    task_rows_data,
)

TAGS = ["tasks"]
NO_CONTENT = {204: None}


class _View(ApiView):
    def page(self, queryset, serializer_class):
        page = self.paginate_queryset(self.filter_queryset(queryset))
        return self.get_paginated_response(
            serializer_class(page, many=True, context=self.get_serializer_context()).data
        )


def _task_body(request, task_id, status_code=status.HTTP_200_OK) -> Response:
    task = selectors.task_get(actor=request.user, task_id=task_id, detail=True)
    return Response(TaskDetailSerializer(task).data, status=status_code)


def _task_list_body(request, task_list_id, status_code=status.HTTP_200_OK) -> Response:
    task_list = selectors.task_list_get(actor=request.user, task_list_id=task_list_id)
    return Response(TaskListSerializer(task_list).data, status=status_code)


# --- Task lists -----------------------------------------------------------------------------


class TaskListCollectionView(_View):
    serializer_class = TaskListSerializer
    filterset_class = TaskListFilterSet
    ordering_fields = ["position", "name", "created_at", "updated_at"]
    ordering = ["position", "created_at", "id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return TaskList.objects.none()
        return selectors.task_list_list(actor=self.request.user)

    @extend_schema(operation_id="task_lists_list", tags=TAGS, responses=TaskListSerializer(many=True))
    def get(self, request):
        return self.page(self.get_queryset(), TaskListSerializer)

    @extend_schema(
        operation_id="task_lists_create",
        tags=TAGS,
        request=TaskListCreateSerializer,
        responses={201: TaskListSerializer},
    )
    def post(self, request):
        data = self.validated(TaskListCreateSerializer)
        task_list = services.task_list_create(
            actor=request.user, project=data["project_id"], name=data["name"], position=data.get("position")
        )
        return _task_list_body(request, task_list.pk, status.HTTP_201_CREATED)


class TaskListDetailView(_View):
    serializer_class = TaskListSerializer

    @extend_schema(operation_id="task_lists_retrieve", tags=TAGS, responses=TaskListSerializer)
    def get(self, request, task_list_id):
        return _task_list_body(request, task_list_id)

    @extend_schema(
        operation_id="task_lists_update", tags=TAGS, request=TaskListUpdateSerializer, responses=TaskListSerializer
    )
    def patch(self, request, task_list_id):
        task_list = selectors.task_list_get(actor=request.user, task_list_id=task_list_id)
        services.require_task_editor(request.user, task_list.project)
        data = self.validated(TaskListUpdateSerializer)
        services.task_list_update(actor=request.user, task_list=task_list, **data)
        return _task_list_body(request, task_list_id)

    @extend_schema(
        operation_id="task_lists_destroy",
        tags=TAGS,
        parameters=[
            OpenApiParameter("force", OpenApiTypes.BOOL, description="Also move the tasks the list holds to the trash.")
        ],
        responses=NO_CONTENT,
    )
    def delete(self, request, task_list_id):
        force = bool_param(request.query_params, "force", default=False)
        task_list = selectors.task_list_get(actor=request.user, task_list_id=task_list_id)
        lifecycle.task_list_delete(actor=request.user, obj=task_list, force=force)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Tasks ----------------------------------------------------------------------------------


class TaskCollectionView(_View):
    serializer_class = TaskSerializer
    filterset_class = TaskFilterSet
    filter_backends = [*_View.filter_backends[:1], TaskSortFilter]
    ordering_fields = [
        "position",
        "created_at",
        "updated_at",
        "title",
        "status",
        "priority",
        "start_date",
        "due_date",
        "completed_at",
    ]
    ordering = ["position", "created_at", "id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Task.objects.none()
        return selectors.task_list_scope(actor=self.request.user)

    @extend_schema(operation_id="tasks_list", tags=TAGS, responses=TaskSerializer(many=True))
    def get(self, request):
        # TaskSerializer's output without a serializer per row: the page is chosen first, then its
        # rows, counts and assignees are read. With only plain filters (`?project_id=`) on PostgreSQL,
        # the total and the page come from one statement that counts only when the scope changed
        # since this process counted it (exact: see task_page_and_total); otherwise three queries.
        lookups = plain_filters(TaskFilterSet, request.query_params) if settings.USING_POSTGRES else None
        if lookups is not None:
            # `?sort=` checked against ordering_fields (a fixed list): no queryset built to validate it.
            ordering = TaskSortFilter().ordering_of(request, self)
            window = self.paginator.window_of(request)
            rows, total = selectors.task_page_and_total(
                actor=request.user, lookups=lookups, ordering=ordering, window=window
            )
            self.paginator.total = total
            return self.get_paginated_response(task_rows_data(rows))
        queryset = self.filter_queryset(self.get_queryset())
        window = self.paginator.page_window(queryset, request)
        rows = selectors.task_page_rows(queryset, window) if window else []
        return self.get_paginated_response(task_rows_data(rows))

    @extend_schema(
        operation_id="tasks_create", tags=TAGS, request=TaskCreateSerializer, responses={201: TaskDetailSerializer}
    )
    def post(self, request):
        data = dict(self.validated(TaskCreateSerializer))
        data["project"] = data.pop("project_id")
        data["task_list"] = data.pop("task_list_id", None)
        task = services.task_create(actor=request.user, **data)
        return _task_body(request, task.pk, status.HTTP_201_CREATED)


class TaskDetailView(_View):
    serializer_class = TaskDetailSerializer

    @extend_schema(operation_id="tasks_retrieve", tags=TAGS, responses=TaskDetailSerializer)
    def get(self, request, task_id):
        return _task_body(request, task_id)

    @extend_schema(operation_id="tasks_update", tags=TAGS, request=TaskUpdateSerializer, responses=TaskDetailSerializer)
    def patch(self, request, task_id):
        task = selectors.task_get(actor=request.user, task_id=task_id)
        services.require_task_editor(request.user, task.project)
        data = dict(self.validated(TaskUpdateSerializer))
        if "task_list_id" in data:
            data["task_list"] = data.pop("task_list_id")
        services.task_update(actor=request.user, task=task, data=data)
        return _task_body(request, task_id)

    @extend_schema(operation_id="tasks_destroy", tags=TAGS, responses=NO_CONTENT)
    def delete(self, request, task_id):
        task = selectors.task_get(actor=request.user, task_id=task_id)
        lifecycle.task_delete(actor=request.user, obj=task)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TaskStatusView(_View):
    serializer_class = TaskDetailSerializer

    @extend_schema(
        operation_id="tasks_status_update", tags=TAGS, request=TaskStatusSerializer, responses=TaskDetailSerializer
    )
    def patch(self, request, task_id):
        task = selectors.task_get(actor=request.user, task_id=task_id)
        services.require_task_editor(request.user, task.project)
        data = self.validated(TaskStatusSerializer)
        services.task_status_change(actor=request.user, task=task, status=data["status"])
        return _task_body(request, task_id)


class TaskMoveView(_View):
    serializer_class = TaskDetailSerializer

    @extend_schema(operation_id="tasks_move", tags=TAGS, request=TaskMoveSerializer, responses=TaskDetailSerializer)
    def post(self, request, task_id):
        task = selectors.task_get(actor=request.user, task_id=task_id)
        services.require_task_editor(request.user, task.project)
        data = self.validated(TaskMoveSerializer)
        services.task_move(
            actor=request.user,
            task=task,
            task_list=data.get("task_list_id", services.UNSET),
            project=data.get("project_id"),
            position=data.get("position"),
        )
        return _task_body(request, task_id)


class TaskAssigneesView(_View):
    serializer_class = TaskDetailSerializer

    @extend_schema(
        operation_id="tasks_assignees_create", tags=TAGS, request=TaskAssignSerializer, responses=TaskDetailSerializer
    )
    def post(self, request, task_id):
        task = selectors.task_get(actor=request.user, task_id=task_id)
        services.require_task_editor(request.user, task.project)
        data = self.validated(TaskAssignSerializer)
        services.task_assign(actor=request.user, task=task, user_ids=data["user_ids"], field=data["field"])
        return _task_body(request, task_id)


class TaskAssigneeDetailView(_View):
    serializer_class = TaskDetailSerializer

    @extend_schema(operation_id="tasks_assignees_destroy", tags=TAGS, responses=NO_CONTENT)
    def delete(self, request, task_id, user_id):
        task = selectors.task_get(actor=request.user, task_id=task_id)
        services.task_unassign(actor=request.user, task=task, user_id=user_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Subtasks -------------------------------------------------------------------------------


class SubtaskCollectionView(_View):
    serializer_class = SubtaskSerializer
    queryset = Subtask.objects.none()  # schema generation only; rows come from the task in the path
    ordering_fields = ["position", "created_at", "title"]
    ordering = ["position", "created_at", "id"]

    @extend_schema(operation_id="tasks_subtasks_list", tags=TAGS, responses=SubtaskSerializer(many=True))
    def get(self, request, task_id):
        task = selectors.task_get(actor=request.user, task_id=task_id)
        return self.page(selectors.subtask_list(task=task), SubtaskSerializer)

    @extend_schema(
        operation_id="tasks_subtasks_create",
        tags=TAGS,
        request=SubtaskCreateSerializer,
        responses={201: SubtaskSerializer},
    )
    def post(self, request, task_id):
        task = selectors.task_get(actor=request.user, task_id=task_id)
        services.require_task_editor(request.user, task.project)
        data = self.validated(SubtaskCreateSerializer)
        subtask = services.subtask_create(actor=request.user, task=task, **data)
        return Response(SubtaskSerializer(subtask).data, status=status.HTTP_201_CREATED)


class SubtaskDetailView(_View):
    serializer_class = SubtaskSerializer

    @extend_schema(
        operation_id="tasks_subtasks_update", tags=TAGS, request=SubtaskUpdateSerializer, responses=SubtaskSerializer
    )
    def patch(self, request, subtask_id):
        subtask = selectors.subtask_get(actor=request.user, subtask_id=subtask_id)
        services.require_task_editor(request.user, subtask.task.project)
        data = self.validated(SubtaskUpdateSerializer)
        subtask = services.subtask_update(actor=request.user, subtask=subtask, data=data)
        return Response(SubtaskSerializer(subtask).data)

    @extend_schema(operation_id="tasks_subtasks_destroy", tags=TAGS, responses=NO_CONTENT)
    def delete(self, request, subtask_id):
        subtask = selectors.subtask_get(actor=request.user, subtask_id=subtask_id)
        services.subtask_delete(actor=request.user, subtask=subtask)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Dependencies ---------------------------------------------------------------------------


class DependencyCollectionView(_View):
    serializer_class = TaskDependencySerializer
    queryset = TaskDependency.objects.none()  # schema generation only; rows come from the task in the path

    @extend_schema(operation_id="tasks_dependencies_list", tags=TAGS, responses=TaskDependencySerializer(many=True))
    def get(self, request, task_id):
        task = selectors.task_get(actor=request.user, task_id=task_id)
        return self.page(selectors.dependency_list(actor=request.user, task=task), TaskDependencySerializer)

    @extend_schema(
        operation_id="tasks_dependencies_create",
        tags=TAGS,
        request=TaskDependencyCreateSerializer,
        responses={201: TaskDependencySerializer},
    )
    def post(self, request, task_id):
        task = selectors.task_get(actor=request.user, task_id=task_id)
        services.require_task_editor(request.user, task.project)
        data = self.validated(TaskDependencyCreateSerializer)
        dependency = services.dependency_create(
            actor=request.user, task=task, depends_on=data["depends_on_task_id"], type=data["type"]
        )
        dependency = TaskDependency.objects.select_related("task", "depends_on").get(pk=dependency.pk)
        return Response(TaskDependencySerializer(dependency).data, status=status.HTTP_201_CREATED)


class DependencyDetailView(_View):
    serializer_class = TaskDependencySerializer

    @extend_schema(operation_id="tasks_dependencies_destroy", tags=TAGS, responses=NO_CONTENT)
    def delete(self, request, dependency_id):
        dependency = selectors.dependency_get(actor=request.user, dependency_id=dependency_id)
        services.dependency_delete(actor=request.user, dependency=dependency)
        return Response(status=status.HTTP_204_NO_CONTENT)
