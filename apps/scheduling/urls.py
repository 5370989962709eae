"""Module 5 routes (relative to /api/v1/). Literal segments come before id segments."""

from django.urls import path

from apps.scheduling import views

app_name = "scheduling"

PROJECT = "scheduling/projects/<uuid:project_id>"

urlpatterns = [
    path("scheduling/milestones", views.MilestoneCollectionView.as_view(), name="milestone-list"),
    path("scheduling/milestones/<uuid:milestone_id>", views.MilestoneDetailView.as_view(), name="milestone-detail"),
    path(f"{PROJECT}/critical-path", views.CriticalPathView.as_view(), name="critical-path"),
    path(f"{PROJECT}/gantt", views.GanttView.as_view(), name="gantt"),
    path(f"{PROJECT}/plan", views.PlanView.as_view(), name="plan"),
    path(f"{PROJECT}/plan/submit", views.PlanSubmitView.as_view(), name="plan-submit"),
    path(f"{PROJECT}/plan/approve", views.PlanApproveView.as_view(), name="plan-approve"),
    path(f"{PROJECT}/plan/lock", views.PlanLockView.as_view(), name="plan-lock"),
    path(f"{PROJECT}/plan/unlock", views.PlanUnlockView.as_view(), name="plan-unlock"),
    path(f"{PROJECT}/baselines", views.BaselineCollectionView.as_view(), name="baselines"),
]
