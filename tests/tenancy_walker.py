"""The route walker of the tenancy matrices (tests/test_tenancy.py for the work domain,
tests/test_tenancy_platform.py for the platform apps) and the work-domain victim they share.

`walk_urls()` walks the URL resolver (tests/test_contract.py uses it too); `api_routes(apps)` finds
every /api/v1/ route of the named URL namespaces, with its path kwargs and the methods its view
answers; `fill` puts ids into a route template, `call` sends a request the same way for every
method, and `case_id` names a (route, method) case.
"""

from __future__ import annotations

import json

from django.urls import URLPattern, URLResolver, get_resolver

from apps.collaboration.models import Comment, Mention
from apps.events.models import DomainEvent
from apps.projects.models import Project, ProjectMember
from apps.scheduling.models import Baseline, Milestone, ProjectPlan
from apps.tasks.models import Subtask, Task, TaskAssignee, TaskDependency, TaskList
from apps.workspaces.models import Invitation, Workspace, WorkspaceMember
from tests.factories.projects import ProjectFactory, ProjectMemberFactory
from tests.factories.workspaces import InvitationFactory, Team

METHODS = ("get", "post", "put", "patch", "delete")
PREFIX = "api/v1/"
MARKER = "Zanzibar"  # in every victim name and text, so searches would find them


def walk_urls(patterns=None, prefix="", namespace=None):
    """(route template, namespace, URLPattern) of every URL pattern of the resolver."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            yield from walk_urls(entry.url_patterns, prefix + str(entry.pattern), entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), namespace, entry


def api_routes(apps: tuple[str, ...]) -> list[dict]:
    """Every /api/v1/ route of the URL namespaces `apps`: name, template, path kwargs, view methods."""
    routes = []
    for template, namespace, pattern in walk_urls():
        if not template.startswith(PREFIX) or namespace not in apps:
            continue
        view_class = getattr(pattern.callback, "view_class", None) or pattern.callback.cls
        routes.append(
            {
                "name": f"{namespace}:{pattern.name}",
                "template": template,
                "kwargs": list(getattr(pattern.pattern, "converters", {})),
                "methods": [m for m in METHODS if hasattr(view_class, m)],
            }
        )
    return routes


def case_id(case) -> str:
    route, method = case
    return f"{method.upper()} {route['template'].removeprefix(PREFIX)}"


def fill(template: str, ids: dict) -> str:
    path = "/" + template
    for name, value in ids.items():
        path = path.replace(f"<uuid:{name}>", str(value)).replace(f"<{name}>", str(value))
    return path


def call(client, method: str, path: str, body: dict | None = None):
    if method in ("get", "delete"):
        return getattr(client, method)(path)
    return getattr(client, method)(path, body or {}, format="json")


class World:
    """The victim's workspace with one object of every kind, and the outsider's own workspace."""

    def __init__(self) -> None:
        team = Team()
        self.team, self.outsider = team, team.outsider
        ws = team.workspace
        project = ProjectFactory(workspace=ws, name=f"{MARKER} project", description=MARKER)
        ProjectMemberFactory(project=project, user=team.member)
        task_list = TaskList.objects.create(workspace=ws, project=project, name=f"{MARKER} list")
        task = Task.objects.create(
            workspace=ws, project=project, task_list=task_list, title=f"{MARKER} task", created_by=team.member
        )
        other_task = Task.objects.create(workspace=ws, project=project, title=f"{MARKER} prerequisite")
        TaskAssignee.objects.create(task=task, user=team.member)
        subtask = Subtask.objects.create(task=task, title=f"{MARKER} step")
        dependency = TaskDependency.objects.create(task=task, depends_on=other_task)
        comment = Comment.objects.create(workspace=ws, task=task, author=team.member, content=f"{MARKER} @admin")
        mention = Mention.objects.create(workspace=ws, comment=comment, user=team.admin)
        invitation = InvitationFactory(workspace=ws)
        milestone = Milestone.objects.create(
            workspace=ws, project=project, name=f"{MARKER} milestone", due_date="2026-01-09"
        )
        Baseline.objects.create(workspace=ws, project=project, name=f"{MARKER} baseline")
        self.ids = {
            "workspace_id": ws.pk,
            "project_id": project.pk,
            "task_id": task.pk,
            "task_list_id": task_list.pk,
            "subtask_id": subtask.pk,
            "dependency_id": dependency.pk,
            "comment_id": comment.pk,
            "mention_id": mention.pk,
            "milestone_id": milestone.pk,
            "invitation_id": invitation.pk,
            "user_id": team.member.pk,
        }
        own_ws = team.other_workspace
        own_project = ProjectFactory(workspace=own_ws, created_by=self.outsider)
        ProjectMemberFactory(project=own_project, user=self.outsider, role="manager")
        own_task = Task.objects.create(workspace=own_ws, project=own_project, title="mine", created_by=self.outsider)
        self.own = {"workspace_id": own_ws.pk, "project_id": own_project.pk, "task_id": own_task.pk}

    def victim_strings(self) -> list[str]:
        return [str(value) for value in self.ids.values()] + [MARKER]

    def body(self) -> dict:
        """A plausible body for any write, carrying the victim's ids wherever an id is expected."""
        ids = {key: str(value) for key, value in self.ids.items()}
        return {
            **ids,
            "name": "Changed",
            "title": "Changed",
            "content": "Changed",
            "description": "Changed",
            "status": "completed",
            "role": "viewer",
            "email": "someone@example.com",
            "new_owner_id": ids["user_id"],
            "user_ids": [ids["user_id"]],
            "assignee_ids": [ids["user_id"]],
            "depends_on_task_id": ids["task_id"],
            "parent_id": ids["comment_id"],
            "mentions": [ids["user_id"]],
            "position": 0,
            "is_done": True,
            "token": "not-a-real-token",
        }

    def snapshot(self) -> str:
        """Everything an outsider's request could have changed in the victim's workspace."""
        ws = self.ids["workspace_id"]
        state = {
            "events": DomainEvent.objects.count(),
            "workspace": list(Workspace.all_objects.filter(pk=ws).values()),
            "members": list(WorkspaceMember.objects.filter(workspace_id=ws).values("user_id", "role")),
            "invitations": list(Invitation.objects.filter(workspace_id=ws).values("status")),
            "projects": list(Project.all_objects.filter(workspace_id=ws).values()),
            "project_members": list(ProjectMember.objects.filter(project__workspace_id=ws).values("user_id", "role")),
            "lists": list(TaskList.all_objects.filter(workspace_id=ws).values()),
            "tasks": list(Task.all_objects.filter(workspace_id=ws).values()),
            "assignees": list(TaskAssignee.objects.filter(task__workspace_id=ws).values("task_id", "user_id")),
            "subtasks": list(Subtask.objects.filter(task__workspace_id=ws).values()),
            "dependencies": list(TaskDependency.objects.filter(task__workspace_id=ws).values()),
            "comments": list(Comment.all_objects.filter(workspace_id=ws).values()),
            "mentions": list(Mention.objects.filter(workspace_id=ws).values()),
            "milestones": list(Milestone.all_objects.filter(workspace_id=ws).values()),
            "plans": list(ProjectPlan.objects.filter(workspace_id=ws).values()),
            "baselines": list(Baseline.objects.filter(workspace_id=ws).values()),
        }
        return json.dumps(state, default=str, sort_keys=True)
