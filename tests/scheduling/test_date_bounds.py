"""Dates of a plan are bounded (1900-2999), so no schedule computation can run off the calendar: an
extreme date is a 422 naming the field wherever a plan date is written, never a later 500."""

import pytest

from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

FAR = "9999-12-31"


def test_extreme_dates_are_refused_on_every_plan_date(client_for, team, project, task):
    client = client_for(team.owner)
    cases = [
        ("post", "/api/v1/tasks", {"project_id": str(project.pk), "title": "x", "start_date": FAR}, "start_date"),
        ("post", "/api/v1/tasks", {"project_id": str(project.pk), "title": "x", "due_date": "1066-10-14"}, "due_date"),
        ("patch", f"/api/v1/tasks/{task.pk}", {"due_date": FAR}, "due_date"),
        ("patch", f"/api/v1/projects/{project.pk}", {"name": project.name, "start_date": FAR}, "start_date"),
        ("post", "/api/v1/projects", {"workspace_id": str(team.workspace.pk), "name": "p", "end_date": FAR},
         "end_date"),
        ("post", "/api/v1/scheduling/milestones", {"project_id": str(project.pk), "name": "m", "due_date": FAR},
         "due_date"),
    ]  # fmt: skip
    for method, url, body, field in cases:
        assert_error(getattr(client, method)(url, body, format="json"), 422, "VALIDATION_ERROR", field=field)


def test_the_schedule_of_a_project_with_the_latest_allowed_dates_answers(client_for, team, project, task):
    client = client_for(team.owner)
    patch = client.patch(f"/api/v1/tasks/{task.pk}", {"start_date": "2999-12-20", "due_date": "2999-12-31"})
    assert patch.status_code == 200, patch.content
    for view in ("critical-path", "gantt"):
        response = client.get(f"/api/v1/scheduling/projects/{project.pk}/{view}")
        assert response.status_code == 200, (view, response.content)
