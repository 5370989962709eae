"""Demo data of module 5: a project planned with the critical path method. Its tasks are linked by
FS, SS and FF dependencies, dated by a CPM run (so the Gantt draws the critical path), baselined,
then one task slips two working days; the plan is submitted and approved, with two milestones.
Idempotent: nothing is added once the project exists."""

from datetime import timedelta

from django.utils import timezone

from apps.projects.choices import ProjectRole
from apps.projects.models import Project, ProjectMember
from apps.projects.services import project_create
from apps.scheduling import cpm, services
from apps.scheduling.choices import PlanTransition
from apps.tasks import services as task_services
from apps.tasks.choices import DependencyType, TaskStatus

PROJECT = "Data Platform Migration"
# (title, estimated hours, status, [(prerequisite title, dependency type)])
TASKS = [
    ("Kick-off and scope", 8, TaskStatus.COMPLETED, []),
    ("Inventory legacy pipelines", 16, TaskStatus.COMPLETED, [("Kick-off and scope", DependencyType.FINISH_TO_START)]),
    ("Design target schema", 24, TaskStatus.IN_PROGRESS, [("Kick-off and scope", DependencyType.FINISH_TO_START)]),
    ("Provision warehouse", 16, TaskStatus.IN_PROGRESS, [("Design target schema", DependencyType.START_TO_START)]),
    (
        "Migrate pipelines",
        40,
        TaskStatus.TODO,
        [
            ("Inventory legacy pipelines", DependencyType.FINISH_TO_START),
            ("Design target schema", DependencyType.FINISH_TO_START),
        ],
    ),
    ("Validate data parity", 16, TaskStatus.TODO, [("Migrate pipelines", DependencyType.FINISH_TO_START)]),
    ("Write runbooks", 8, TaskStatus.TODO, [("Validate data parity", DependencyType.FINISH_TO_FINISH)]),
    ("Cut over", 8, TaskStatus.TODO, [("Validate data parity", DependencyType.FINISH_TO_START)]),
]
SLIPPED = "Migrate pipelines"


def seed(ctx: dict) -> None:
    workspace, users = ctx["workspace"], ctx["users"]
    owner = users["owner"]
    if Project.objects.filter(workspace=workspace, name=PROJECT).exists():
        return
    start = timezone.localdate() - timedelta(days=10)
    project = project_create(
        actor=owner,
        workspace=workspace,
        name=PROJECT,
        description="Move the reporting pipelines to the new warehouse; planned with the critical path.",
        start_date=start,
        end_date=start + timedelta(weeks=8),
    )
    for key, role in {"admin": ProjectRole.MANAGER, "member": ProjectRole.MEMBER, "viewer": ProjectRole.VIEWER}.items():
        ProjectMember.objects.update_or_create(project=project, user=users[key], defaults={"role": role})

    # Date the tasks by a CPM run over their estimates, so the chart shows the planned schedule.
    rows = [(title, None, None, hours) for title, hours, _status, _deps in TASKS]
    links = [(title, prerequisite, kind) for title, _h, _s, deps in TASKS for prerequisite, kind in deps]
    schedule = cpm.critical_path(rows, links, project_start=start, work_days=workspace.work_days or cpm.ALL_DAYS)
    planned = {item.id: item for item in schedule.tasks}
    tasks = {}
    for title, hours, status, _deps in TASKS:
        tasks[title] = task_services.task_create(
            actor=owner,
            project=project,
            title=title,
            status=status,
            estimated_hours=hours,
            start_date=planned[title].earliest_start,
            due_date=planned[title].earliest_finish,
            assignee_ids=[users["member"].pk],
        )
    for title, prerequisite, kind in links:
        task_services.dependency_create(actor=owner, task=tasks[title], depends_on=tasks[prerequisite], type=kind)

    services.baseline_create(actor=owner, project=project, name="Approved plan")
    slipped = tasks[SLIPPED]
    task_services.task_update(actor=owner, task=slipped, data={"due_date": slipped.due_date + timedelta(days=2)})
    services.milestone_create(
        actor=owner,
        project=project,
        name="Target schema signed off",
        due_date=planned["Design target schema"].earliest_finish,
    )
    services.milestone_create(
        actor=owner, project=project, name="Go-live", due_date=planned["Cut over"].earliest_finish
    )
    services.plan_transition(actor=users["member"], project=project, transition=PlanTransition.SUBMIT)
    services.plan_transition(actor=users["admin"], project=project, transition=PlanTransition.APPROVE)
    ctx["scheduling_project"] = project
