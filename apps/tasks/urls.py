"""Module 4 routes (relative to /api/v1/). Literal segments come before id segments."""

from django.urls import path

from apps.tasks import views

app_name = "tasks"

urlpatterns = [
    path("tasks/lists", views.TaskListCollectionView.as_view(), name="task-list-collection"),
    path("tasks/lists/<uuid:task_list_id>", views.TaskListDetailView.as_view(), name="task-list-detail"),
    path("tasks/subtasks/<uuid:subtask_id>", views.SubtaskDetailView.as_view(), name="subtask-detail"),
    path("tasks/dependencies/<uuid:dependency_id>", views.DependencyDetailView.as_view(), name="dependency-detail"),
    path("tasks", views.TaskCollectionView.as_view(), name="task-collection"),
    path("tasks/<uuid:task_id>", views.TaskDetailView.as_view(), name="task-detail"),
    path("tasks/<uuid:task_id>/status", views.TaskStatusView.as_view(), name="task-status"),
    path("tasks/<uuid:task_id>/move", views.TaskMoveView.as_view(), name="task-move"),
    path("tasks/<uuid:task_id>/assignees", views.TaskAssigneesView.as_view(), name="task-assignees"),
    path(
        "tasks/<uuid:task_id>/assignees/<uuid:user_id>",
        views.TaskAssigneeDetailView.as_view(),
        name="task-assignee-detail",
    ),
    path("tasks/<uuid:task_id>/subtasks", views.SubtaskCollectionView.as_view(), name="task-subtasks"),
    path("tasks/<uuid:task_id>/dependencies", views.DependencyCollectionView.as_view(), name="task-dependencies"),
]
