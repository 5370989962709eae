from django.urls import path

from apps.archive import views

app_name = "archive"

urlpatterns = [
    path("archive/projects/<uuid:project_id>/archive", views.ProjectArchiveView.as_view(), name="project-archive"),
    path(
        "archive/projects/<uuid:project_id>/unarchive", views.ProjectUnarchiveView.as_view(), name="project-unarchive"
    ),
    path(
        "archive/projects/<uuid:project_id>/history",
        views.ProjectArchiveHistoryView.as_view(),
        name="project-archive-history",
    ),
    path("archive/trash", views.TrashView.as_view(), name="trash"),
    path("archive/trash/<uuid:trash_item_id>/restore", views.TrashRestoreView.as_view(), name="trash-restore"),
    path("archive/trash/<uuid:trash_item_id>", views.TrashItemView.as_view(), name="trash-item"),
    path("audit-logs", views.AuditLogListView.as_view(), name="audit-logs"),
    path("audit-logs/verify", views.AuditChainVerifyView.as_view(), name="audit-logs-verify"),
    path(
        "audit-logs/verifications/<uuid:verification_id>",
        views.AuditChainVerificationView.as_view(),
        name="audit-logs-verification",
    ),
    path("compliance/export", views.ComplianceExportView.as_view(), name="compliance-export"),
    path("compliance/exports/<uuid:export_id>", views.ComplianceExportJobView.as_view(), name="compliance-export-job"),
    path(
        "compliance/exports/<uuid:export_id>/download",
        views.ComplianceExportDownloadView.as_view(),
        name="compliance-export-download",
    ),
    path("compliance/my-data", views.MyDataView.as_view(), name="compliance-my-data"),
    path("compliance/erasure", views.ErasureView.as_view(), name="compliance-erasure"),
]
