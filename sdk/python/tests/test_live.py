"""Against a running server: set PRONAFLOW_BASE_URL and PRONAFLOW_API_TOKEN (a token with every
scope, of a user who belongs to at least one workspace), e.g. through .ci/sdk-python."""

from __future__ import annotations

import os
import uuid

import pytest

import pronaflow
from pronaflow import PronaFlow, models

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(
        not (os.environ.get("PRONAFLOW_BASE_URL") and os.environ.get("PRONAFLOW_API_TOKEN")),
        reason="set PRONAFLOW_BASE_URL and PRONAFLOW_API_TOKEN to run against a server",
    ),
    pytest.mark.filterwarnings("error::pronaflow.SchemaWarning"),  # answers must fit the models
]


@pytest.fixture(scope="module")
def client():
    with PronaFlow(api_token=os.environ["PRONAFLOW_API_TOKEN"], base_url=os.environ["PRONAFLOW_BASE_URL"]) as c:
        yield c


@pytest.fixture(scope="module")
def workspace(client):
    return next(client.workspaces.iter())


@pytest.fixture(scope="module")
def project(client, workspace):
    return client.projects.create(workspace_id=str(workspace.id), name=f"SDK live {uuid.uuid4().hex[:8]}")


def test_create_returns_typed_models(client, project):
    assert isinstance(project, models.Project)
    task = client.tasks.create(title="Design UI", priority="high", project_id=str(project.id))
    assert isinstance(task, models.TaskDetail)
    assert task.title == "Design UI" and task.priority == models.TaskPriorityEnum.high
    assert client.tasks.get(str(task.id)).id == task.id


def test_a_repeated_idempotency_key_creates_once(client, project):
    key = str(uuid.uuid4())
    first = client.tasks.create(title="Once", project_id=str(project.id), idempotency_key=key)
    second = client.tasks.create(title="Once", project_id=str(project.id), idempotency_key=key)
    assert first.id == second.id
    assert [t.title for t in client.tasks.iter(project_id=str(project.id), search="Once")] == ["Once"]
    with pytest.raises(pronaflow.ValidationError) as caught:
        client.tasks.create(title="Other body", project_id=str(project.id), idempotency_key=key)
    assert "Idempotency-Key" in caught.value.details


def test_list_and_iter_walk_every_page(client, project):
    for n in range(5):
        client.tasks.create(title=f"Paged {n}", project_id=str(project.id))
    first = client.tasks.list(project_id=str(project.id), page_size=2)
    assert isinstance(first, pronaflow.Page) and len(first) == 2
    assert first.total >= 5 and first.total_pages == -(-first.total // 2)
    walked = list(client.tasks.iter(project_id=str(project.id), page_size=2))
    assert len(walked) == first.total
    assert len({t.id for t in walked}) == first.total


def test_limit_offset_lists(client, project):
    events = client.events.list(limit=2)
    assert isinstance(events, pronaflow.OffsetPage)
    assert len(events) <= 2
    walked = list(client.events.iter(limit=50))
    assert len(walked) == events.total


def test_errors_are_raised_with_code_and_request_id(client, project):
    with pytest.raises(pronaflow.NotFoundError) as caught:
        client.tasks.get(str(uuid.uuid4()))
    assert caught.value.status == 404 and caught.value.code == "NOT_FOUND" and caught.value.request_id

    with pytest.raises(pronaflow.ValidationError) as caught:
        client.tasks.create(project_id=str(project.id))
    assert caught.value.status == 422 and "title" in caught.value.details

    with pytest.raises(pronaflow.AuthenticationError):
        PronaFlow(api_token="prona_not-a-real-token", base_url=client.base_url).projects.list()


def test_nested_resources_and_other_modules(client, project):
    task = client.tasks.create(title="With comments", project_id=str(project.id))
    comment = client.tasks.comments.create(str(task.id), "First!")
    assert [c.id for c in client.comments.iter(str(task.id))] == [comment.id]
    assert client.preferences.get() is not None
    assert isinstance(client.preferences.themes(), list)
    assert client.notifications.unread_count().count >= 0
