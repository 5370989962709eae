"""Demo data of module 2: the "Acme Product Team" workspace with a member in each role."""

from apps.workspaces.choices import WorkspaceRole, WorkspaceType
from apps.workspaces.models import Workspace, WorkspaceMember
from apps.workspaces.services import workspace_create

DEMO_WORKSPACE = "Acme Product Team"
ROLES = {
    "owner": WorkspaceRole.OWNER,
    "admin": WorkspaceRole.ADMIN,
    "member": WorkspaceRole.MEMBER,
    "viewer": WorkspaceRole.VIEWER,
}


def seed(ctx: dict) -> None:
    users = ctx["users"]
    owner = users["owner"]
    workspace = Workspace.objects.filter(name=DEMO_WORKSPACE, created_by=owner).first()
    if workspace is None:
        workspace = workspace_create(
            actor=owner,
            name=DEMO_WORKSPACE,
            description="Product, design and engineering planning for Acme's customer apps.",
            type=WorkspaceType.TEAM,
        )
    workspace.timezone = "Europe/Berlin"
    workspace.save(update_fields=["timezone", "updated_at"])
    for key, role in ROLES.items():
        if key == "owner":
            continue
        WorkspaceMember.objects.update_or_create(workspace=workspace, user=users[key], defaults={"role": role})
    # The outsider never belongs to Acme's workspace: the demo of "you cannot see this".
    WorkspaceMember.objects.filter(workspace=workspace, user=users["outsider"]).delete()
    ctx["workspace"] = workspace
