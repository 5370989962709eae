"""GET /scheduling/projects/{project_id}/gantt."""

import pytest

from apps.scheduling.models import Milestone
from tests.factories.tasks import SubtaskFactory
from tests.scheduling.helpers import assert_error, day, iso, link, project_url, task

pytestmark = pytest.mark.django_db


def gantt(client, project):
    return client.get(project_url(project, "gantt"))


def test_the_gantt_shows_tasks_dependencies_critical_flags_and_milestones(client_for, team, project):
    a = task(project, "A", start=0, due=2, status="completed", assignees=[team.member])
    b = task(project, "B", start=3, due=4, assignees=[team.member, team.admin])
    side = task(project, "Side", start=0, due=0)
    link(b, a)
    SubtaskFactory(task=b, is_done=True)
    SubtaskFactory(task=b, is_done=False)
    SubtaskFactory(task=b, is_done=False)
    milestone = Milestone.objects.create(
        workspace=team.workspace, project=project, name="Beta", due_date=day(9), created_by=team.owner
    )
    response = gantt(client_for(team.viewer), project)
    assert response.status_code == 200, response.content
    data = response.json()["data"]
    # The range is the critical path's (B finishes on day 4); the milestone on day 9 lies beyond it.
    assert (data["project_id"], data["start_date"], data["end_date"]) == (str(project.pk), iso(0), iso(4))
    rows = {row["id"]: row for row in data["tasks"]}
    assert rows[str(b.pk)] == {
        "id": str(b.pk),
        "title": "B",
        "status": "todo",
        "start_date": iso(3),
        "due_date": iso(4),
        "progress": 33,
        "assignee_ids": [str(team.member.pk), str(team.admin.pk)],
        "depends_on": [str(a.pk)],
        "is_critical": True,
        "baseline_start_date": None,
        "baseline_due_date": None,
        "variance_days": None,
    }
    assert rows[str(a.pk)]["progress"] == 100 and rows[str(a.pk)]["is_critical"] is True
    assert rows[str(side.pk)]["is_critical"] is False and rows[str(side.pk)]["depends_on"] == []
    assert data["milestones"] == [{"id": str(milestone.pk), "name": "Beta", "due_date": iso(9), "completed_at": None}]


def test_a_cycle_does_not_hide_the_chart(client_for, team, project):
    a, b = task(project, "A"), task(project, "B")
    link(b, a)
    link(a, b)
    data = gantt(client_for(team.member), project).json()["data"]
    assert not any(row["is_critical"] for row in data["tasks"])


def test_the_gantt_runs_a_constant_number_of_queries(client_for, team, project, django_assert_max_num_queries):
    previous = None
    for n in range(25):
        current = task(project, f"T{n}", start=n, due=n + 1, assignees=[team.member])
        SubtaskFactory(task=current)
        Milestone.objects.create(workspace=team.workspace, project=project, name=f"M{n}", due_date=day(n))
        if previous is not None:
            link(current, previous, "SS")
        previous = current
    client = client_for(team.member)
    with django_assert_max_num_queries(9):
        assert gantt(client, project).status_code == 200


def test_trashed_milestones_are_left_out(client_for, team, project):
    Milestone.objects.create(
        workspace=team.workspace, project=project, name="Gone", due_date=day(1), deleted_at=project.created_at
    )
    assert gantt(client_for(team.member), project).json()["data"]["milestones"] == []


def test_outsider_gets_404_and_anonymous_401(client_for, api_client, team, project):
    assert_error(gantt(client_for(team.outsider), project), 404, "NOT_FOUND")
    assert_error(gantt(api_client, project), 401, "UNAUTHORIZED")
