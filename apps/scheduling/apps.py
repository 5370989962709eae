from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "apps.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling"

    def ready(self) -> None:
        from apps.core import access as core_access
        from apps.core import trash
        from apps.core.audit import register_audited
        from apps.scheduling import access, lifecycle, services
        from apps.scheduling.models import Baseline, Milestone, ProjectPlan
        from apps.tasks.guards import register_change_guard

        for model in (ProjectPlan, Baseline, Milestone):
            register_audited(model)
        core_access.register(Milestone, access.MilestoneRules())
        core_access.register(Baseline, access.BaselineRules())
        core_access.register(ProjectPlan, access.ProjectPlanRules())
        trash.register(
            trash.TrashSpec(
                resource_type="milestone",
                model=Milestone,
                name=lambda milestone: milestone.name,
                parent=lambda milestone: trash.first_deleted(milestone.project, milestone.project.workspace),
                delete=lifecycle.milestone_delete,
                restore=lifecycle.milestone_restore,
            )
        )
        register_change_guard(services.plan_change_guard)
