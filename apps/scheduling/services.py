"""Every write of module 5: the plan workflow, baselines and milestones.

Each service checks the rights itself (so the API, the admin, the trash and commands get the same
rules), runs in one transaction and emits its domain events there (dispatched after commit, never
on rollback). Rights: task editors of the project write baselines and milestones and submit the
plan; approve, lock and unlock need a workspace owner or admin. Archived projects are read-only.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from apps.events.services import emit
from apps.projects.models import Project
from apps.scheduling import access
from apps.scheduling.choices import PlanState, PlanTransition
from apps.scheduling.models import Baseline, BaselineTask, Milestone, ProjectPlan
from apps.tasks.models import Task

# transition -> (states it may start from, state it leads to, the plan's stamp fields)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str, tuple[str, str] | None]] = {
    PlanTransition.SUBMIT: ((PlanState.DRAFT,), PlanState.SUBMITTED, ("submitted_at", "submitted_by")),
    PlanTransition.APPROVE: ((PlanState.SUBMITTED,), PlanState.APPROVED, ("approved_at", "approved_by")),
    PlanTransition.LOCK: ((PlanState.APPROVED,), PlanState.LOCKED, ("locked_at", "locked_by")),
    PlanTransition.UNLOCK: ((PlanState.LOCKED,), PlanState.APPROVED, None),
}
ADMIN_TRANSITIONS = (PlanTransition.APPROVE, PlanTransition.LOCK, PlanTransition.UNLOCK)
# Events of the plan workflow; the other transitions are recorded by the audit log only.
PLAN_EVENTS = {PlanTransition.APPROVE: "plan.approved", PlanTransition.LOCK: "plan.locked"}
# Task changes a locked plan refuses (names passed to apps.tasks.guards.check_change).
LOCKED_FIELDS = frozenset({"start_date", "due_date", "dependencies"})


def _actor_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def require_schedule_editor(actor, project: Project) -> None:
    """The actor may edit the project's tasks (403) and the project is not archived (409)."""
    if not access.can_edit_tasks(actor, project):
        raise PermissionDenied("You cannot change the schedule of this project.")
    access.require_writable(project)


# --- Plan workflow ---------------------------------------------------------------------------


def plan_payload(plan: ProjectPlan) -> dict[str, Any]:
    """The event payload of plan.* events (the catalogue's PLAN_FIELDS)."""
    return {
        "plan_id": str(plan.pk),
        "project_id": str(plan.project_id),
        "workspace_id": str(plan.workspace_id),
        "state": plan.state,
        "approved_by_id": str(plan.approved_by_id) if plan.approved_by_id else None,
        "locked_by_id": str(plan.locked_by_id) if plan.locked_by_id else None,
    }


def plan_transition(*, actor, project: Project, transition: str) -> ProjectPlan:
    """Move the project's plan: submit (draft -> submitted), approve (submitted -> approved),
    lock (approved -> locked), unlock (locked -> approved). Stamps who and when (UTC).

    Submit needs task-edit rights on the project; approve, lock and unlock a workspace owner or
    admin (PermissionDenied, 403). Raises Conflict (409) on an archived project or when the plan
    is not in a state the transition starts from. Emits `plan.approved` / `plan.locked`.
    """
    sources, target, stamp = TRANSITIONS[transition]
    if transition in ADMIN_TRANSITIONS:
        if not access.is_workspace_admin(actor, project):
            raise PermissionDenied(f"Only a workspace owner or admin can {transition} the plan.")
    elif not access.can_edit_tasks(actor, project):
        raise PermissionDenied("You cannot submit the plan of this project.")
    access.require_writable(project)
    with transaction.atomic():
        plan, _ = ProjectPlan.objects.select_for_update().get_or_create(
            project=project, defaults={"workspace_id": project.workspace_id}
        )
        if plan.state not in sources:
            raise Conflict(
                f"The plan is {plan.state}; '{transition}' needs a plan that is {' or '.join(sources)}.",
                details={"state": plan.state, "transition": transition, "allowed_from": list(sources)},
            )
        plan.state = target
        fields = ["state", "updated_at"]
        if stamp is not None:
            at_field, by_field = stamp
            setattr(plan, at_field, timezone.now())
            setattr(plan, by_field, _actor_or_none(actor))
            fields += [at_field, by_field]
        if transition == PlanTransition.UNLOCK:
            plan.locked_at, plan.locked_by = None, None
            fields += ["locked_at", "locked_by"]
        plan.save(update_fields=fields)
        if transition in PLAN_EVENTS:
            emit(
                PLAN_EVENTS[transition],
                aggregate=plan,
                actor=actor,
                workspace=project.workspace,
                project=project.pk,
                payload=plan_payload(plan),
            )
    return plan


def plan_change_guard(task_or_project, fields: frozenset[str]) -> None:
    """Registered with `apps.tasks.guards`: while a project's plan is locked its tasks' dates and
    dependencies cannot change (Conflict, 409). One query, only when such a field changes."""
    if not fields & LOCKED_FIELDS:
        return
    project_id = task_or_project.pk if isinstance(task_or_project, Project) else task_or_project.project_id
    if ProjectPlan.objects.filter(project_id=project_id, state=PlanState.LOCKED).exists():
        raise Conflict(
            "The project plan is locked: task dates and dependencies cannot change. Unlock the plan first.",
            details={"project_id": str(project_id), "fields": sorted(fields & LOCKED_FIELDS)},
        )


# --- Baselines -------------------------------------------------------------------------------


def baseline_create(*, actor, project: Project, name: str) -> Baseline:
    """Snapshot the start and due dates of every task of the project (trashed ones excluded).

    Raises PermissionDenied (403) without task-edit rights, Conflict (409) on an archived project.
    Emits no event (baselines are audited).
    """
    require_schedule_editor(actor, project)
    with transaction.atomic():
        baseline = Baseline.objects.create(
            workspace_id=project.workspace_id, project=project, name=name, created_by=_actor_or_none(actor)
        )
        rows = Task.objects.filter(project=project).values_list("pk", "start_date", "due_date")
        BaselineTask.objects.bulk_create(
            [BaselineTask(baseline=baseline, task_id=pk, start_date=start, due_date=due) for pk, start, due in rows],
            batch_size=2000,
        )
    return baseline


# --- Milestones ------------------------------------------------------------------------------


def milestone_payload(milestone: Milestone) -> dict[str, Any]:
    """The event payload of milestone.* events (the catalogue's MILESTONE_FIELDS)."""
    return {
        "milestone_id": str(milestone.pk),
        "project_id": str(milestone.project_id),
        "workspace_id": str(milestone.workspace_id),
        "name": milestone.name,
        "due_date": milestone.due_date,
        "completed_at": milestone.completed_at,
    }


def _emit_milestone(event_type: str, milestone: Milestone, *, actor) -> None:
    emit(
        event_type,
        aggregate=milestone,
        actor=actor,
        workspace=milestone.project.workspace,
        project=milestone.project_id,
        payload=milestone_payload(milestone),
    )


def milestone_create(*, actor, project: Project, name: str, due_date, completed_at=None) -> Milestone:
    """Add a milestone (due_date a date; completed_at a UTC datetime or None) to `project`.

    Emits `milestone.created`, and `milestone.completed` when created completed. Raises
    PermissionDenied (403) without task-edit rights, Conflict (409) on an archived project.
    """
    require_schedule_editor(actor, project)
    with transaction.atomic():
        milestone = Milestone.objects.create(
            workspace_id=project.workspace_id,
            project=project,
            name=name,
            due_date=due_date,
            completed_at=completed_at,
            created_by=_actor_or_none(actor),
        )
        _emit_milestone("milestone.created", milestone, actor=actor)
        if milestone.completed_at is not None:
            _emit_milestone("milestone.completed", milestone, actor=actor)
    return milestone


def milestone_update(*, actor, milestone: Milestone, data: dict[str, Any]) -> Milestone:
    """Change name, due_date and/or completed_at (None reopens it).

    Emits `milestone.completed` when completed_at goes from unset to set. Raises PermissionDenied
    (403) without task-edit rights, Conflict (409) on an archived project, ValidationFailed (422)
    for a blank name.
    """
    require_schedule_editor(actor, milestone.project)
    if "name" in data and not str(data["name"]).strip():
        raise ValidationFailed.field("name", "This field may not be blank.")
    with transaction.atomic():
        milestone = (
            Milestone.objects.select_for_update(of=("self",)).select_related("project__workspace").get(pk=milestone.pk)
        )
        was_completed = milestone.completed_at is not None
        fields = [name for name in ("name", "due_date", "completed_at") if name in data]
        for name in fields:
            setattr(milestone, name, data[name])
        if fields:
            milestone.save(update_fields=[*fields, "updated_at"])
        if not was_completed and milestone.completed_at is not None:
            _emit_milestone("milestone.completed", milestone, actor=actor)
    return milestone
