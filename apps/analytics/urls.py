from django.urls import path

from apps.analytics import views

app_name = "analytics"

urlpatterns = [
    path(
        "analytics/projects/<uuid:project_id>/metrics",
        views.ProjectMetricsView.as_view(),
        name="project-metrics",
    ),
    path(
        "analytics/projects/<uuid:project_id>/burndown",
        views.ProjectBurndownView.as_view(),
        name="project-burndown",
    ),
    path("reports", views.ReportListCreateView.as_view(), name="report-list"),
    path("reports/<uuid:report_id>", views.ReportDetailView.as_view(), name="report-detail"),
    path("reports/<uuid:report_id>/execute", views.ReportExecuteView.as_view(), name="report-execute"),
    path("reports/<uuid:report_id>/executions", views.ReportExecutionListView.as_view(), name="report-execution-list"),
    path("reports/<uuid:report_id>/results", views.ReportResultsView.as_view(), name="report-results"),
    path("reports/<uuid:report_id>/export", views.ReportExportView.as_view(), name="report-export"),
]
