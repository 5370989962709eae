"""Factories for module 8 tests: the work-domain rows that go to the trash, and audit entries."""

import factory
from django.contrib.auth.models import Group

from apps.collaboration.models import Comment
from apps.core.audit import record_action
from apps.tasks.models import Task, TaskList
from tests.factories.accounts import UserFactory
from tests.factories.projects import ProjectFactory


class TaskListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskList

    project = factory.SubFactory(ProjectFactory)
    workspace = factory.LazyAttribute(lambda o: o.project.workspace)
    name = factory.Sequence(lambda n: f"List {n}")


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    project = factory.SubFactory(ProjectFactory)
    workspace = factory.LazyAttribute(lambda o: o.project.workspace)
    task_list = factory.LazyAttribute(lambda o: TaskListFactory(project=o.project))
    title = factory.Sequence(lambda n: f"Task {n}")
    created_by = factory.LazyAttribute(lambda o: o.project.created_by)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    task = factory.SubFactory(TaskFactory)
    workspace = factory.LazyAttribute(lambda o: o.task.workspace)
    author = factory.SubFactory(UserFactory)
    content = factory.Sequence(lambda n: f"Comment {n}")


def compliance_officer(**kwargs):
    """A staff user in the "Compliance officer" group (created by the data migration)."""
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get(name="Compliance officer"))
    return user


def audit_action(action: str, *, actor, target, workspace_id=None, **kwargs):
    return record_action(action, actor=actor, target=target, workspace_id=workspace_id, **kwargs)
