from django.db import models


class WorkspaceRole(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    MEMBER = "member", "Member"
    VIEWER = "viewer", "Viewer"


# Owners and admins administer a workspace (members, settings, webhooks, plugins, every project).
ADMIN_ROLES = (WorkspaceRole.OWNER, WorkspaceRole.ADMIN)
# Roles that may act for others (viewers only read).
WRITER_ROLES = (WorkspaceRole.OWNER, WorkspaceRole.ADMIN, WorkspaceRole.MEMBER)

# Higher rank = more rights; used for "at least" checks.
ROLE_RANK = {WorkspaceRole.VIEWER: 0, WorkspaceRole.MEMBER: 1, WorkspaceRole.ADMIN: 2, WorkspaceRole.OWNER: 3}


class WorkspaceType(models.TextChoices):
    TEAM = "team", "Team"
    PERSONAL = "personal", "Personal"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    EXPIRED = "expired", "Expired"
    CANCELLED = "cancelled", "Cancelled"
