"""GET /scheduling/projects/{project_id}/critical-path, through the HTTP API."""

import pytest

from apps.projects.choices import ProjectVisibility
from tests.factories.projects import ProjectFactory
from tests.scheduling.helpers import assert_error, iso, link, project_url, task

pytestmark = pytest.mark.django_db


def get(client, project):
    return client.get(project_url(project, "critical-path"))


def by_id(data) -> dict:
    return {row["id"]: row for row in data["tasks"]}


def test_a_chain_is_the_critical_path(client_for, team, project):
    a = task(project, "Design", start=0, due=2)
    b = task(project, "Build", hours=16)
    c = task(project, "Ship")
    link(b, a)
    link(c, b)
    response = get(client_for(team.viewer), project)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is True
    data = body["data"]
    assert data["project_id"] == str(project.pk)
    assert (data["project_start_date"], data["project_finish_date"]) == (iso(0), iso(5))
    assert data["critical_path"] == [str(a.pk), str(b.pk), str(c.pk)]
    rows = by_id(data)
    assert rows[str(a.pk)] == {
        "id": str(a.pk),
        "title": "Design",
        "start_date": iso(0),
        "due_date": iso(2),
        "duration_days": 3,
        "earliest_start": iso(0),
        "earliest_finish": iso(2),
        "latest_start": iso(0),
        "latest_finish": iso(2),
        "slack_days": 0,
        "is_critical": True,
    }
    assert (rows[str(b.pk)]["earliest_start"], rows[str(b.pk)]["earliest_finish"]) == (iso(3), iso(4))
    assert rows[str(c.pk)]["earliest_start"] == iso(5)


def test_a_diamond_reports_two_parallel_critical_paths(client_for, team, project):
    a = task(project, "A", hours=16)
    b, c = task(project, "B", hours=24), task(project, "C", hours=24)
    e = task(project, "E", hours=8)
    d = task(project, "D", hours=8)
    for branch in (b, c, e):
        link(branch, a)
        link(d, branch)
    data = get(client_for(team.member), project).json()["data"]
    assert data["critical_path"] == [str(a.pk), str(b.pk), str(c.pk), str(d.pk)]
    short = by_id(data)[str(e.pk)]
    assert (short["slack_days"], short["is_critical"]) == (2, False)
    assert (short["earliest_start"], short["latest_start"]) == (iso(2), iso(4))
    assert data["project_finish_date"] == iso(5)


def test_start_to_start_and_finish_to_finish_links(client_for, team, project):
    a = task(project, "A", start=0, due=3)
    b = task(project, "B", hours=24)
    c = task(project, "C", hours=16)
    link(b, a, "SS")
    link(c, a, "FF")
    data = get(client_for(team.member), project).json()["data"]
    rows = by_id(data)
    assert (rows[str(b.pk)]["earliest_start"], rows[str(b.pk)]["slack_days"]) == (iso(0), 1)
    assert (rows[str(c.pk)]["earliest_start"], rows[str(c.pk)]["earliest_finish"]) == (iso(2), iso(3))
    assert data["critical_path"] == [str(a.pk), str(c.pk)]


def test_a_task_without_dates_takes_its_estimate_or_one_day(client_for, team, project):
    estimated = task(project, "Estimated", hours=20)
    bare = task(project, "Bare")
    rows = by_id(get(client_for(team.member), project).json()["data"])
    assert rows[str(estimated.pk)]["duration_days"] == 3
    assert rows[str(estimated.pk)]["start_date"] is None
    assert rows[str(bare.pk)]["duration_days"] == 1


def test_a_five_day_week_skips_weekends(client_for, team, project):
    team.workspace.work_days = [1, 2, 3, 4, 5]
    team.workspace.save(update_fields=["work_days"])
    a = task(project, "Thu to Tue", start=3, due=8)
    b = task(project, "Two days", hours=16)
    link(b, a)
    data = get(client_for(team.member), project).json()["data"]
    rows = by_id(data)
    assert rows[str(a.pk)]["duration_days"] == 4
    assert (rows[str(b.pk)]["earliest_start"], rows[str(b.pk)]["earliest_finish"]) == (iso(9), iso(10))
    assert data["project_finish_date"] == iso(10)


def test_a_dependency_cycle_returns_409(client_for, team, project):
    a, b, c = task(project, "A"), task(project, "B"), task(project, "C")
    link(b, a)
    link(c, b)
    link(a, c)  # written around the service, which refuses cycles
    body = assert_error(get(client_for(team.member), project), 409, "CONFLICT")
    assert sorted(body["error"]["details"]["cycle"]) == sorted(str(t.pk) for t in (a, b, c))


def test_dependencies_on_other_projects_and_trashed_tasks_are_left_out(client_for, team, project):
    a = task(project, "A", hours=16)
    elsewhere = task(ProjectFactory(workspace=team.workspace), "Elsewhere", hours=80)
    gone = task(project, "Gone", hours=80)
    link(a, elsewhere)
    link(a, gone)
    gone.deleted_at = gone.created_at
    gone.save(update_fields=["deleted_at"])
    data = get(client_for(team.member), project).json()["data"]
    assert [row["id"] for row in data["tasks"]] == [str(a.pk)]
    assert data["tasks"][0]["earliest_start"] == iso(0)


def test_an_empty_project(client_for, team, project):
    data = get(client_for(team.member), project).json()["data"]
    assert data == {
        "project_id": str(project.pk),
        "project_start_date": iso(0),
        "project_finish_date": None,
        "critical_path": [],
        "tasks": [],
    }


def test_query_count_does_not_grow_with_the_project(client_for, team, project, django_assert_max_num_queries):
    previous = None
    for n in range(30):
        current = task(project, f"T{n}", hours=8 * (n % 3 + 1))
        if previous is not None:
            link(current, previous)
        previous = current
    client = client_for(team.member)
    with django_assert_max_num_queries(6):
        assert get(client, project).status_code == 200


def test_outsider_gets_404_and_anonymous_401(client_for, api_client, team, project, foreign_project):
    assert_error(get(client_for(team.outsider), project), 404, "NOT_FOUND")
    assert_error(get(client_for(team.member), foreign_project), 404, "NOT_FOUND")
    assert_error(get(api_client, project), 401, "UNAUTHORIZED")


def test_a_private_project_is_hidden_from_a_member_who_is_not_in_it(client_for, team):
    private = ProjectFactory(workspace=team.workspace, visibility=ProjectVisibility.PRIVATE)
    assert_error(get(client_for(team.member), private), 404, "NOT_FOUND")
    assert get(client_for(team.admin), private).status_code == 200
