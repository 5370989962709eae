"""Factories for module 7 and 9 tests, plus the domain rows they react to (workspaces, projects,
tasks, comments) built straight through the ORM, and an `emit_event` helper that writes a domain
event the way the owning services do."""

import factory
from django.db import transaction

from apps.collaboration.models import Comment, Mention
from apps.events.models import EventConsumer
from apps.events.services import emit
from apps.notifications.models import Notification
from apps.projects.models import Project, ProjectMember
from apps.tasks.models import Task, TaskAssignee
from apps.workspaces.models import Workspace, WorkspaceMember
from tests.factories.accounts import UserFactory


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Workspace {n}")
    created_by = factory.SubFactory(UserFactory)


class WorkspaceMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkspaceMember

    workspace = factory.SubFactory(WorkspaceFactory)
    user = factory.SubFactory(UserFactory)
    role = "member"


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Project {n}")
    created_by = factory.SelfAttribute("workspace.created_by")


class ProjectMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectMember

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)
    role = "member"


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    project = factory.SubFactory(ProjectFactory)
    workspace = factory.SelfAttribute("project.workspace")
    title = factory.Sequence(lambda n: f"Task {n}")
    created_by = factory.SelfAttribute("project.created_by")


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    task = factory.SubFactory(TaskFactory)
    workspace = factory.SelfAttribute("task.workspace")
    author = factory.SubFactory(UserFactory)
    content = factory.Faker("sentence")


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    type = "task_assigned"
    title = "Task assigned to you"
    message = factory.Faker("sentence")
    action_url = "/tasks/00000000-0000-0000-0000-000000000000"


class EventConsumerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventConsumer

    owner = factory.SubFactory(UserFactory)
    event_type = "task.completed"
    handler_type = "email"
    config = factory.LazyFunction(lambda: {"recipients": ["manager@example.com"]})


def add_member(workspace, role="member", user=None):
    user = user or UserFactory()
    WorkspaceMember.objects.create(workspace=workspace, user=user, role=role)
    return user


def assign(task, *users):
    for user in users:
        TaskAssignee.objects.create(task=task, user=user)


def mention(comment, *users):
    for user in users:
        Mention.objects.create(workspace=comment.workspace, comment=comment, user=user)


def task_payload(task, **extra):
    assignee_ids = [str(pk) for pk in TaskAssignee.objects.filter(task=task).values_list("user_id", flat=True)]
    return {
        "task_id": str(task.pk),
        "project_id": str(task.project_id),
        "workspace_id": str(task.workspace_id),
        "task_list_id": str(task.task_list_id) if task.task_list_id else None,
        "title": task.title,
        "status": task.status,
        "priority": task.priority,
        "assignee_ids": assignee_ids,
        "created_by_id": str(task.created_by_id) if task.created_by_id else None,
        "due_date": task.due_date,
        **extra,
    }


def project_payload(project, **extra):
    return {
        "project_id": str(project.pk),
        "workspace_id": str(project.workspace_id),
        "name": project.name,
        "status": project.status,
        "visibility": project.visibility,
        **extra,
    }


def comment_payload(comment, **extra):
    return {
        "comment_id": str(comment.pk),
        "task_id": str(comment.task_id),
        "project_id": str(comment.task.project_id),
        "workspace_id": str(comment.workspace_id),
        "author_id": str(comment.author_id),
        "parent_id": None,
        "excerpt": comment.content[:140],
        **extra,
    }


def emit_event(capture, event_type, *, aggregate, actor, workspace, payload, project=None):
    """Emit like a service does (inside a transaction) and run the on-commit dispatch.
    `capture` is pytest-django's django_capture_on_commit_callbacks fixture."""
    with capture(execute=True), transaction.atomic():
        event = emit(
            event_type, aggregate=aggregate, actor=actor, workspace=workspace, payload=payload, project=project
        )
    event.refresh_from_db()
    return event
