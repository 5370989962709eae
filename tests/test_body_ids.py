"""One rule for ids in request bodies: an id the caller may not see answers 422 VALIDATION_ERROR with the
field named in `details`, and nothing is written (URL ids answer 404 instead).

The cases are generated from the OpenAPI schema: every write operation whose JSON body has a field
ending in `_id` or `_ids` is either checked here or exempted below with its reason, so a new endpoint
that takes an id cannot slip past.
"""

import re

import pytest
from drf_spectacular.generators import SchemaGenerator

from apps.integrations.models import Plugin
from apps.projects.models import Project
from tests.factories.collaboration import CommentFactory
from tests.factories.projects import ProjectFactory
from tests.factories.tasks import TaskFactory, TaskListFactory
from tests.factories.workspaces import Team

pytestmark = pytest.mark.django_db

# Body ids that do not name a row of another tenant, with why.
EXEMPT = {
    ("post", "/api/v1/archive/trash", "resource_id"): "checked per resource_type in tests/archive/test_trash_api.py",
    ("post", "/api/v1/auth/password-reset/confirm", "user_id"): "half of an e-mailed token, not a lookup",
    ("post", "/api/v1/auth/verify-email", "user_id"): "half of an e-mailed token, not a lookup",
    ("post", "/api/v1/auth/sessions/revoke", "session_id"): "the caller's own session: 404 like a URL id",
    ("post", "/api/v1/integration/consents", "resource_id"): "a versioned document or the caller's own connection",
    ("post", "/api/v1/integration/oauth/connections", "oauth_app_id"): "a public catalogue entry",
    ("post", "/api/v1/integration/oauth/connections", "external_user_id"): "an id at the provider, not ours",
    ("post", "/api/v1/workspaces/{workspace_id}/members", "user_id"): "any registered user may be added (spec)",
}

# The rest of a valid body, where the id is checked after the other fields (object-level rules).
BASE_BODY = {
    ("post", "/api/v1/integration/webhooks"): lambda world: {
        "name": "Build bot",
        "url": "https://hooks.example.com/pronaflow",
        "subscribed_events": {"task.created": True},
    },
    ("post", "/api/v1/tasks"): lambda world: {
        "title": "Write the report",
        "project_id": str(world.path_ids["project_id"]),
    },
}

# What a foreign value is, per field name: another workspace's row, or a user of no shared workspace.
FOREIGN = {
    "workspace_id": "workspace",
    "project_id": "project",
    "task_list_id": "task_list",
    "depends_on_task_id": "task",
    "parent_id": "comment",
    "user_id": "user",
    "user_ids": "user",
    "assignee_ids": "user",
    "new_owner_id": "user",
}


def body_id_fields() -> list[tuple[str, str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in ("post", "put", "patch"):
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if not body:
                continue
            properties = components[body["$ref"].split("/")[-1]].get("properties", {}) if "$ref" in body else {}
            found += [(method, path, name) for name in properties if re.search(r"_ids?$", name)]
    return sorted(found)


CASES = body_id_fields()


def test_every_body_id_is_checked_or_exempted_with_a_reason():
    unknown = [case for case in CASES if case not in EXEMPT and case[2] not in FOREIGN]
    assert unknown == []
    assert len([case for case in CASES if case not in EXEMPT]) >= 15


class World:
    def __init__(self):
        self.team = Team()
        project = ProjectFactory(workspace=self.team.workspace, created_by=self.team.owner)
        task = TaskFactory(project=project, task_list=TaskListFactory(project=project))
        self.path_ids = {
            "workspace_id": self.team.workspace.pk,
            "project_id": project.pk,
            "task_id": task.pk,
            "plugin_id": Plugin.objects.first().pk,
        }
        other_project = ProjectFactory(workspace=self.team.other_workspace, created_by=self.team.outsider)
        other_task = TaskFactory(project=other_project, task_list=TaskListFactory(project=other_project))
        self.foreign = {
            "workspace": self.team.other_workspace.pk,
            "project": other_project.pk,
            "task_list": other_task.task_list_id,
            "task": other_task.pk,
            "comment": CommentFactory(task=other_task, author=self.team.outsider).pk,
            "user": self.team.outsider.pk,
        }

    def counts(self) -> tuple:
        from apps.collaboration.models import Comment
        from apps.tasks.models import Task, TaskAssignee, TaskDependency, TaskList
        from apps.workspaces.models import WorkspaceMember

        models = (Project, TaskList, Task, Comment, TaskAssignee, TaskDependency, WorkspaceMember)
        return tuple(model._default_manager.count() for model in models)


@pytest.mark.parametrize(
    "method,path,field", [case for case in CASES if case not in EXEMPT], ids=lambda value: str(value)
)
def test_a_foreign_id_in_a_body_is_422_naming_the_field_and_writes_nothing(client_for, method, path, field):
    world = World()
    url = re.sub(r"\{(\w+)\}", lambda match: str(world.path_ids[match.group(1)]), path)
    value = str(world.foreign[FOREIGN[field]])
    body = BASE_BODY.get((method, path), lambda world: {})(world)
    body[field] = [value] if field.endswith("_ids") else value
    before = world.counts()

    response = getattr(client_for(world.team.owner), method)(url, body, format="json")

    assert response.status_code == 422, (response.status_code, response.content[:300])
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert field in error["details"], error
    assert world.counts() == before
