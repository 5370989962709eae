import factory

from apps.projects.choices import ProjectRole, ProjectVisibility
from apps.projects.models import Project, ProjectMember
from tests.factories.workspaces import WorkspaceFactory


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Project {n}")
    visibility = ProjectVisibility.WORKSPACE
    created_by = factory.LazyAttribute(lambda o: o.workspace.created_by)


class ProjectMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectMember

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory("tests.factories.accounts.UserFactory")
    role = ProjectRole.MEMBER
