"""GET /scheduling/projects/{id}/plan and POST .../plan/{submit,approve,lock,unlock}; a locked
plan freezes task dates and dependencies (PATCH /tasks/{id}, the dependency endpoints)."""

import pytest

from apps.scheduling.models import ProjectPlan
from apps.tasks.models import Task, TaskDependency
from tests.factories.projects import ProjectFactory
from tests.scheduling.helpers import assert_error, events, iso, link, project_url, task

pytestmark = pytest.mark.django_db


def move(client, project, transition):
    return client.post(project_url(project, f"plan/{transition}"))


def lock(team, project, client_for):
    for transition, role in (("submit", "member"), ("approve", "admin"), ("lock", "owner")):
        assert move(client_for(team.user(role)), project, transition).status_code == 200


def test_a_new_project_has_a_draft_plan(client_for, team, project):
    response = client_for(team.viewer).get(project_url(project, "plan"))
    assert response.status_code == 200, response.content
    assert response.json()["data"] == {
        "project_id": str(project.pk),
        "state": "draft",
        "submitted_at": None,
        "approved_at": None,
        "approved_by": None,
        "locked_at": None,
    }
    assert not ProjectPlan.objects.exists()


def test_the_whole_workflow_stamps_each_step_and_emits_events(
    client_for, team, project, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted = move(client_for(team.member), project, "submit").json()["data"]
        approved = move(client_for(team.admin), project, "approve").json()["data"]
        locked = move(client_for(team.owner), project, "lock").json()["data"]
    assert submitted["state"] == "submitted" and submitted["submitted_at"]
    assert approved["state"] == "approved" and approved["approved_by"] == str(team.admin.pk)
    assert locked["state"] == "locked" and locked["locked_at"]
    unlocked = move(client_for(team.admin), project, "unlock").json()["data"]
    assert unlocked["state"] == "approved" and unlocked["locked_at"] is None
    (approved_event,) = events("plan.approved")
    assert approved_event.payload["project_id"] == str(project.pk)
    assert approved_event.payload["state"] == "approved"
    assert approved_event.project_id == project.pk
    (locked_event,) = events("plan.locked")
    assert locked_event.payload["locked_by_id"] == str(team.owner.pk)


@pytest.mark.parametrize("transition", ["approve", "lock", "unlock"])
def test_approve_lock_and_unlock_by_a_member_return_403(client_for, team, project, transition):
    move(client_for(team.member), project, "submit")
    assert_error(move(client_for(team.member), project, transition), 403, "FORBIDDEN")


def test_submit_by_a_viewer_returns_403(client_for, team, project):
    assert_error(move(client_for(team.viewer), project, "submit"), 403, "FORBIDDEN")
    assert not ProjectPlan.objects.exists()


@pytest.mark.parametrize(
    ("done", "transition"),
    [
        ([], "approve"),
        ([], "lock"),
        ([], "unlock"),
        (["submit"], "submit"),
        (["submit"], "lock"),
        (["submit", "approve"], "approve"),
        (["submit", "approve"], "unlock"),
        (["submit", "approve", "lock"], "lock"),
        (["submit", "approve", "lock"], "submit"),
    ],
)
def test_illegal_transitions_return_409(client_for, team, project, done, transition):
    admin = client_for(team.admin)
    for step in done:
        assert move(admin, project, step).status_code == 200
    before = ProjectPlan.objects.filter(project=project).values_list("state", flat=True).first()
    body = assert_error(move(admin, project, transition), 409, "CONFLICT")
    assert body["error"]["details"]["transition"] == transition
    assert ProjectPlan.objects.filter(project=project).values_list("state", flat=True).first() == before


def test_an_archived_project_refuses_transitions(client_for, team, project):
    project.status = "archived"
    project.save(update_fields=["status"])
    assert_error(move(client_for(team.admin), project, "submit"), 409, "CONFLICT")


def test_outsider_gets_404_and_anonymous_401(client_for, api_client, team, project):
    assert_error(move(client_for(team.outsider), project, "submit"), 404, "NOT_FOUND")
    assert_error(client_for(team.outsider).get(project_url(project, "plan")), 404, "NOT_FOUND")
    assert_error(move(api_client, project, "submit"), 401, "UNAUTHORIZED")


# --- A locked plan freezes dates and dependencies ------------------------------------------


def test_changing_task_dates_while_locked_returns_409(client_for, team, project):
    item = task(project, "Frozen", start=0, due=2)
    lock(team, project, client_for)
    client = client_for(team.member)
    for field, value in (("due_date", iso(4)), ("start_date", iso(1))):
        body = assert_error(client.patch(f"/api/v1/tasks/{item.pk}", {field: value}), 409, "CONFLICT")
        assert body["error"]["details"]["fields"] == [field]
    item.refresh_from_db()
    assert (item.start_date.isoformat(), item.due_date.isoformat()) == (iso(0), iso(2))


def test_other_task_fields_and_unchanged_dates_may_still_change_while_locked(client_for, team, project):
    item = task(project, "Frozen", start=0, due=2)
    lock(team, project, client_for)
    response = client_for(team.member).patch(f"/api/v1/tasks/{item.pk}", {"title": "Renamed", "due_date": iso(2)})
    assert response.status_code == 200, response.content
    assert Task.objects.get(pk=item.pk).title == "Renamed"


def test_adding_or_removing_dependencies_while_locked_returns_409(client_for, team, project):
    a, b, c = task(project, "A"), task(project, "B"), task(project, "C")
    existing = link(b, a)
    lock(team, project, client_for)
    client = client_for(team.member)
    added = client.post(f"/api/v1/tasks/{c.pk}/dependencies", {"depends_on_task_id": str(b.pk)})
    assert_error(added, 409, "CONFLICT")
    assert_error(client.delete(f"/api/v1/tasks/dependencies/{existing.pk}"), 409, "CONFLICT")
    assert list(TaskDependency.objects.values_list("pk", flat=True)) == [existing.pk]


def test_unlocking_lets_dates_and_dependencies_change_again(client_for, team, project):
    a, b = task(project, "A", start=0, due=1), task(project, "B")
    lock(team, project, client_for)
    assert move(client_for(team.admin), project, "unlock").status_code == 200
    client = client_for(team.member)
    assert client.patch(f"/api/v1/tasks/{a.pk}", {"due_date": iso(3)}).status_code == 200
    added = client.post(f"/api/v1/tasks/{b.pk}/dependencies", {"depends_on_task_id": str(a.pk)})
    assert added.status_code == 201, added.content


def test_a_lock_in_one_project_does_not_freeze_another(client_for, team, project):
    other = ProjectFactory(workspace=team.workspace)
    lock(team, project, client_for)
    item = task(other, "Free", start=0, due=1)
    assert client_for(team.member).patch(f"/api/v1/tasks/{item.pk}", {"due_date": iso(5)}).status_code == 200


def test_a_locked_plan_also_refuses_new_dated_tasks_moves_deletes_and_restores_of_planned_tasks(
    client_for, team, project
):
    dated = task(project, "Dated", start=0, due=2)
    a, b = task(project, "A"), task(project, "B")
    link(b, a)
    undated = task(project, "Loose")
    other = ProjectFactory(workspace=team.workspace)
    outside = task(other, "Outside", start=0, due=1)
    lock(team, project, client_for)
    client = client_for(team.owner)

    created = client.post("/api/v1/tasks", {"project_id": str(project.pk), "title": "New", "due_date": iso(3)})
    assert_error(created, 409, "CONFLICT")
    assert_error(client.post(f"/api/v1/tasks/{outside.pk}/move", {"project_id": str(project.pk)}), 409, "CONFLICT")
    assert_error(client.post(f"/api/v1/tasks/{dated.pk}/move", {"project_id": str(other.pk)}), 409, "CONFLICT")
    assert_error(client.delete(f"/api/v1/tasks/{dated.pk}"), 409, "CONFLICT")
    assert_error(client.delete(f"/api/v1/tasks/{a.pk}"), 409, "CONFLICT")  # linked, undated
    assert Task.objects.filter(pk__in=[dated.pk, a.pk, outside.pk], project=project).count() == 2

    # What the plan does not hold stays free: an undated task without links, an undated new task.
    assert client.post("/api/v1/tasks", {"project_id": str(project.pk), "title": "Idea"}).status_code == 201
    assert client.delete(f"/api/v1/tasks/{undated.pk}").status_code == 204

    move(client_for(team.admin), project, "unlock")
    item = client.post("/api/v1/archive/trash", {"resource_type": "task", "resource_id": str(dated.pk)}).json()["data"]
    assert move(client, project, "lock").status_code == 200
    assert_error(client.post(f"/api/v1/archive/trash/{item['id']}/restore"), 409, "CONFLICT")
