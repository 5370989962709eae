"""Demo data of module 3: projects in the demo workspace, one of them private."""

from datetime import timedelta

from django.utils import timezone

from apps.projects.choices import ProjectRole, ProjectVisibility
from apps.projects.models import Project, ProjectMember
from apps.projects.services import project_create

PROJECTS = [
    {
        "name": "Mobile App Launch",
        "description": "Ship version 1.0 of the Acme mobile app to both stores.",
        "visibility": ProjectVisibility.WORKSPACE,
        "weeks": (-4, 8),
        "members": {"admin": ProjectRole.MANAGER, "member": ProjectRole.MEMBER, "viewer": ProjectRole.VIEWER},
    },
    {
        "name": "Website Redesign",
        "description": "New marketing site with the refreshed brand.",
        "visibility": ProjectVisibility.WORKSPACE,
        "weeks": (-2, 6),
        "members": {"member": ProjectRole.MEMBER},
    },
    {
        "name": "Pricing Strategy 2026",
        "description": "Confidential: pricing and packaging review with finance.",
        "visibility": ProjectVisibility.PRIVATE,
        "weeks": (0, 10),
        "members": {"admin": ProjectRole.MEMBER},
    },
]


def seed(ctx: dict) -> None:
    workspace, users = ctx["workspace"], ctx["users"]
    today = timezone.localdate()
    projects = []
    for spec in PROJECTS:
        project = Project.objects.filter(workspace=workspace, name=spec["name"]).first()
        if project is None:
            start, end = (today + timedelta(weeks=w) for w in spec["weeks"])
            project = project_create(
                actor=users["owner"],
                workspace=workspace,
                name=spec["name"],
                description=spec["description"],
                visibility=spec["visibility"],
                start_date=start,
                end_date=end,
            )
        for key, role in spec["members"].items():
            ProjectMember.objects.update_or_create(project=project, user=users[key], defaults={"role": role})
        projects.append(project)
    ctx["projects"] = projects
