"""The Gantt's date range is the critical path's span, and every id module 5 answers is a canonical
(dashed) UUID string, also where ids are read as text in SQL."""

import datetime as dt
import re
import sqlite3
import uuid

import pytest

from apps.core.db import SQLITE_UUID_TEXT
from apps.scheduling.models import Milestone
from tests.factories.tasks import assign
from tests.scheduling.helpers import day, iso, link, project_url, task

pytestmark = pytest.mark.django_db

CANONICAL_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def spans(client, project):
    gantt = client.get(project_url(project, "gantt")).json()["data"]
    path = client.get(project_url(project, "critical-path")).json()["data"]
    return (gantt["start_date"], gantt["end_date"]), (path["project_start_date"], path["project_finish_date"])


def test_a_dependency_pushing_past_the_stored_due_date_moves_both_finishes(client_for, team, project):
    a = task(project, "A", start=0, due=4)
    b = task(project, "B", start=1, due=2)  # stored as days 1-2, but must wait for A: days 5-6
    link(b, a)
    gantt, path = spans(client_for(team.member), project)
    assert gantt == path == (iso(0), iso(6))


def test_undated_tasks_and_later_planned_dates_agree_too(client_for, team, project):
    project.end_date = day(30)
    project.save(update_fields=["end_date"])
    Milestone.objects.create(workspace=team.workspace, project=project, name="Launch", due_date=day(20))
    first = task(project, "Dated", start=0, due=1)
    estimated = task(project, "Estimated", hours=24)  # three days
    link(estimated, first)
    gantt, path = spans(client_for(team.member), project)
    assert gantt == path == (iso(0), iso(4))


def test_a_weekend_start_and_due_date_follow_the_work_week(client_for, team, project):
    team.workspace.work_days = [1, 2, 3, 4, 5]
    team.workspace.save(update_fields=["work_days"])
    project.start_date = day(-2)  # Saturday: the schedule starts on Monday
    project.save(update_fields=["start_date"])
    task(project, "Week", start=0, due=6)  # Monday to Sunday: five working days, done on Friday
    gantt, path = spans(client_for(team.member), project)
    assert gantt == path == (iso(0), iso(4))


def test_without_tasks_both_give_the_project_start_and_no_finish(client_for, team, project):
    Milestone.objects.create(workspace=team.workspace, project=project, name="Someday", due_date=day(9))
    gantt, path = spans(client_for(team.member), project)
    assert gantt == path == (iso(0), None)


def _ids(value, key=""):
    """Every value of the body that is an id: keys `id`, `*_id`, `*_ids`, `depends_on`,
    `critical_path`, `cycle`, `created_by`, `approved_by`."""
    idish = key == "id" or key.endswith(("_id", "_ids")) or key in {"depends_on", "critical_path", "created_by"}
    if isinstance(value, dict):
        return [found for k, v in value.items() for found in _ids(v, k)]
    if isinstance(value, list):
        return [found for item in value for found in _ids(item, key)]
    return [value] if idish and value is not None else []


def test_every_id_of_the_schedule_responses_is_a_dashed_uuid(client_for, team, project):
    a = task(project, "A", start=0, due=2)
    b = task(project, "B", start=3, due=4)
    link(b, a)
    assign(b, team.member)
    Milestone.objects.create(workspace=team.workspace, project=project, name="M", due_date=day(4))
    client = client_for(team.owner)
    assert client.post(project_url(project, "baselines"), {"name": "v1"}, format="json").status_code == 201
    bodies = [client.get(project_url(project, tail)).json()["data"] for tail in ("gantt", "critical-path", "baselines")]
    ids = [found for body in bodies for found in _ids(body)]
    assert str(a.pk) in ids and str(team.member.pk) in ids
    assert [value for value in ids if not CANONICAL_UUID.match(str(value))] == []


def test_uuid_text_gives_the_dashed_form_on_sqlite():
    """SQLite stores UUIDs as 32 hex digits (`make run`'s database): a plain cast leaked them."""
    value = uuid.UUID("1d36b69e-f953-4e8b-92e3-fd157170c694")
    with sqlite3.connect(":memory:") as db:
        db.execute("CREATE TABLE t (id char(32))")
        db.execute("INSERT INTO t VALUES (?)", [value.hex])
        query = "SELECT " + SQLITE_UUID_TEXT % {"expressions": "id"} + " FROM t"  # a constant template
        (text,) = db.execute(query).fetchone()
        (plain,) = db.execute("SELECT CAST(id AS text) FROM t").fetchone()
    assert text == str(value)
    assert plain == value.hex  # what the ids looked like before


def test_project_dates_outside_the_schedule_do_not_change_it(client_for, team, project):
    project.end_date = project.start_date + dt.timedelta(days=90)
    project.save(update_fields=["end_date"])
    task(project, "Only", start=2, due=3)
    gantt, path = spans(client_for(team.member), project)
    assert gantt == path == (iso(0), iso(3))
