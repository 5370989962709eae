import hashlib
from datetime import timedelta
from functools import cached_property

import factory
from django.utils import timezone

from apps.projects.choices import ProjectRole
from apps.workspaces.choices import InvitationStatus, WorkspaceRole
from apps.workspaces.models import Invitation, Workspace, WorkspaceMember
from tests.factories.accounts import UserFactory


class WorkspaceFactory(factory.django.DjangoModelFactory):
    """A workspace with its owner membership (`owner=` to choose the owner)."""

    class Meta:
        model = Workspace
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Workspace {n}")
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def owner(self, create, extracted, **kwargs):
        if create:
            owner = extracted or self.created_by
            WorkspaceMember.objects.create(workspace=self, user=owner, role=WorkspaceRole.OWNER)


class WorkspaceMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkspaceMember

    workspace = factory.SubFactory(WorkspaceFactory)
    user = factory.SubFactory(UserFactory)
    role = WorkspaceRole.MEMBER


class InvitationFactory(factory.django.DjangoModelFactory):
    """An invitation whose raw token is `token` (only its SHA-256 is stored)."""

    class Meta:
        model = Invitation
        exclude = ["token"]

    workspace = factory.SubFactory(WorkspaceFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = WorkspaceRole.MEMBER
    status = InvitationStatus.PENDING
    token = factory.Sequence(lambda n: f"invitation-token-{n}")
    token_hash = factory.LazyAttribute(lambda o: hashlib.sha256(o.token.encode()).hexdigest())
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class Team:
    """A workspace with a user in each role (owner, admin, member, viewer), plus an outsider who owns
    another workspace. `project` is built on first use. `full_names` ({role: name}, "outsider" too) and
    `workspace_name` name them where a test reads the names back."""

    def __init__(self, *, full_names: dict[str, str] | None = None, workspace_name: str | None = None) -> None:
        names = full_names or {}

        def person(role: str):
            return UserFactory(full_name=names[role]) if role in names else UserFactory()

        self.owner = person("owner")
        workspace_kwargs = {"name": workspace_name} if workspace_name else {}
        self.workspace = WorkspaceFactory(created_by=self.owner, **workspace_kwargs)
        self.admin = WorkspaceMemberFactory(
            workspace=self.workspace, user=person("admin"), role=WorkspaceRole.ADMIN
        ).user
        self.member = WorkspaceMemberFactory(
            workspace=self.workspace, user=person("member"), role=WorkspaceRole.MEMBER
        ).user
        self.viewer = WorkspaceMemberFactory(
            workspace=self.workspace, user=person("viewer"), role=WorkspaceRole.VIEWER
        ).user
        self.outsider = person("outsider")
        self.other_workspace = WorkspaceFactory(created_by=self.outsider)

    def user(self, role: str):
        return getattr(self, role)

    @cached_property
    def project(self):
        """A workspace-visible project of the workspace, created and managed by the owner."""
        from tests.factories.projects import ProjectFactory, ProjectMemberFactory

        project = ProjectFactory(workspace=self.workspace, created_by=self.owner)
        ProjectMemberFactory(project=project, user=self.owner, role=ProjectRole.MANAGER)
        return project
