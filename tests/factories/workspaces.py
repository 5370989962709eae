import hashlib
from datetime import timedelta

import factory
from django.utils import timezone

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
    """A workspace with a user in each role, plus an outsider who owns another workspace."""

    def __init__(self) -> None:
        self.owner = UserFactory()
        self.workspace = WorkspaceFactory(created_by=self.owner)
        self.admin = WorkspaceMemberFactory(workspace=self.workspace, role=WorkspaceRole.ADMIN).user
        self.member = WorkspaceMemberFactory(workspace=self.workspace, role=WorkspaceRole.MEMBER).user
        self.viewer = WorkspaceMemberFactory(workspace=self.workspace, role=WorkspaceRole.VIEWER).user
        self.outsider = UserFactory()
        self.other_workspace = WorkspaceFactory(created_by=self.outsider)

    def user(self, role: str):
        return getattr(self, role)
