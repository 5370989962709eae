"""POST/GET /scheduling/projects/{id}/baselines and the variance the Gantt shows."""

import pytest

from apps.scheduling.models import Baseline, BaselineTask
from apps.tasks.models import Task
from tests.scheduling.helpers import assert_error, day, iso, project_url, task

pytestmark = pytest.mark.django_db


def snapshot(client, project, name="Plan v1"):
    return client.post(project_url(project, "baselines"), {"name": name})


def test_a_baseline_snapshots_every_task(client_for, team, project):
    a = task(project, "A", start=0, due=2)
    b = task(project, "B")
    response = snapshot(client_for(team.member), project)
    assert response.status_code == 201, response.content
    data = response.json()["data"]
    assert data["name"] == "Plan v1" and data["created_by"] == str(team.member.pk) and data["created_at"]
    baseline = Baseline.objects.get(pk=data["id"])
    rows = set(BaselineTask.objects.filter(baseline=baseline).values_list("task_id", "start_date", "due_date"))
    assert rows == {(a.pk, day(0), day(2)), (b.pk, None, None)}


def test_variance_is_against_the_latest_baseline(client_for, team, project):
    moved = task(project, "Moved", start=0, due=2)
    still = task(project, "Still", start=0, due=2)
    undated = task(project, "Undated")
    client = client_for(team.member)
    snapshot(client, project, "v1")
    Task.objects.filter(pk=moved.pk).update(due_date=day(10))
    snapshot(client, project, "v2")
    assert client.patch(f"/api/v1/tasks/{moved.pk}", {"due_date": iso(12)}).status_code == 200
    newer = task(project, "Newer", start=1, due=1)
    data = client.get(project_url(project, "baselines")).json()["data"]
    assert [b["name"] for b in data["baselines"]] == ["v2", "v1"]
    rows = {row["task_id"]: row for row in data["tasks"]}
    assert rows[str(moved.pk)] == {
        "task_id": str(moved.pk),
        "title": "Moved",
        "start_date": iso(0),
        "due_date": iso(12),
        "baseline_start_date": iso(0),
        "baseline_due_date": iso(10),
        "variance_days": 2,
    }
    assert rows[str(still.pk)]["variance_days"] == 0
    assert rows[str(undated.pk)]["variance_days"] is None
    assert rows[str(newer.pk)]["baseline_due_date"] is None and rows[str(newer.pk)]["variance_days"] is None

    gantt = {row["id"]: row for row in client.get(project_url(project, "gantt")).json()["data"]["tasks"]}
    for task_id, row in rows.items():
        assert gantt[task_id]["variance_days"] == row["variance_days"]
        assert gantt[task_id]["baseline_due_date"] == row["baseline_due_date"]


def test_without_a_baseline_there_is_no_variance(client_for, team, project):
    task(project, "A", start=0, due=2)
    data = client_for(team.viewer).get(project_url(project, "baselines")).json()["data"]
    assert data["baselines"] == []
    assert data["tasks"][0]["variance_days"] is None


def test_a_viewer_cannot_take_a_baseline(client_for, team, project):
    assert_error(snapshot(client_for(team.viewer), project), 403, "FORBIDDEN")
    assert not Baseline.objects.exists()


def test_a_blank_name_returns_422(client_for, team, project):
    body = assert_error(snapshot(client_for(team.member), project, ""), 422, "VALIDATION_ERROR")
    assert "name" in body["error"]["details"]


def test_an_archived_project_refuses_baselines(client_for, team, project):
    project.status = "archived"
    project.save(update_fields=["status"])
    assert_error(snapshot(client_for(team.admin), project), 409, "CONFLICT")
    assert client_for(team.admin).get(project_url(project, "baselines")).status_code == 200


def test_outsider_gets_404_and_anonymous_401(client_for, api_client, team, project):
    assert_error(snapshot(client_for(team.outsider), project), 404, "NOT_FOUND")
    assert_error(client_for(team.outsider).get(project_url(project, "baselines")), 404, "NOT_FOUND")
    assert_error(api_client.get(project_url(project, "baselines")), 401, "UNAUTHORIZED")
    assert not Baseline.objects.exists()


def test_the_listing_runs_a_constant_number_of_queries(client_for, team, project, django_assert_max_num_queries):
    for n in range(25):
        task(project, f"T{n}", start=0, due=n % 5)
    client = client_for(team.member)
    snapshot(client, project)
    with django_assert_max_num_queries(6):
        assert client.get(project_url(project, "baselines")).status_code == 200
