"""The task list's fast path: the same rows as TaskSerializer, a constant number of queries at any size."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from apps.collaboration.models import Comment
from apps.tasks import selectors
from apps.tasks.serializers import TaskSerializer, task_rows_data
from tests.factories.accounts import UserFactory
from tests.factories.tasks import TaskFactory


def _page(actor, window=slice(0, 100), ordering=("position", "created_at", "id")):
    queryset = selectors.task_list_scope(actor=actor).order_by(*ordering)
    return selectors.task_page_rows(queryset, window)


def test_rows_render_exactly_as_the_serializer(team, project, task_list):
    nameless = UserFactory(full_name="")
    full = TaskFactory(
        project=project,
        task_list=task_list,
        status="in_progress",
        priority="critical",
        start_date=dt.date(2030, 1, 2),
        due_date=dt.date(2030, 2, 3),
        estimated_hours=Decimal("7.5"),
        tags=["backend", "api"],
        assignees=[team.member, team.admin, nameless],
        description="Some words",
    )
    full.started_at = timezone.now() - dt.timedelta(days=2, microseconds=17)
    full.completed_at = timezone.now()
    full.save(update_fields=["started_at", "completed_at"])
    full.subtasks.create(title="one", is_done=True)
    full.subtasks.create(title="two")
    Comment.objects.create(workspace=team.workspace, task=full, author=team.member, content="hello")
    bare = TaskFactory(project=project, task_list=None, estimated_hours=None, tags=[], start_date=None, due_date=None)
    bare.created_by = None
    bare.save(update_fields=["created_by"])

    expected = TaskSerializer(
        selectors.task_list_tasks(actor=team.member).order_by("position", "created_at", "id"), many=True
    ).data
    assert task_rows_data(_page(team.member)) == [dict(row) for row in expected]
    assert [list(row) for row in task_rows_data(_page(team.member))] == [list(row) for row in expected]
    rendered = {row["id"]: row for row in task_rows_data(_page(team.member))}
    assert rendered[str(full.pk)]["subtasks_count"] == 2
    assert rendered[str(full.pk)]["comments_count"] == 1
    assert rendered[str(full.pk)]["estimated_hours"] == "7.50"


def test_pages_follow_the_sort_order(team, project):
    for index in range(25):
        TaskFactory(project=project, position=index % 4, priority=["low", "medium", "high", "critical"][index % 4])
    ordered = list(selectors.task_list_scope(actor=team.member).order_by("-priority_rank", "position", "pk"))
    pages = [
        _page(team.member, slice(start, start + 10), ("-priority_rank", "position", "pk")) for start in (0, 10, 20)
    ]
    assert [row["id"] for page in pages for row in page] == [task.pk for task in ordered]


def _fill(project, team, size: int) -> None:
    """`size` tasks with 0-3 assignees, 0-4 subtasks and 0-2 comments each, in a few statements."""
    users = [str(user.pk) for user in (team.owner, team.admin, team.member, team.viewer)]
    params = {"n": size, "ws": team.workspace.pk, "project": project.pk, "users": users}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO tasks_task (id, created_at, updated_at, workspace_id, project_id, title, description,
                status, priority, position, tags)
            SELECT gen_random_uuid(), now() - i * interval '1 second', now(), %(ws)s, %(project)s, 'Task ' || i,
                   '', 'todo', 'medium', i, '[]'::jsonb
            FROM generate_series(1, %(n)s) AS i
            """,
            params,
        )
        cursor.execute(
            """
            CREATE TEMP TABLE numbered AS
            SELECT id, row_number() OVER (ORDER BY position) AS i FROM tasks_task WHERE project_id = %(project)s
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO tasks_taskassignee (id, task_id, user_id, assigned_at)
            SELECT gen_random_uuid(), t.id, (%(users)s::uuid[])[1 + k], now()
            FROM numbered t CROSS JOIN generate_series(0, 2) AS k WHERE k < t.i %% 4
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO tasks_subtask (id, created_at, updated_at, task_id, title, is_done, position)
            SELECT gen_random_uuid(), now(), now(), t.id, 'Step', k %% 2 = 0, k
            FROM numbered t CROSS JOIN generate_series(0, 3) AS k WHERE k < t.i %% 5
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO collaboration_comment (id, created_at, updated_at, workspace_id, task_id, author_id, content)
            SELECT gen_random_uuid(), now(), now(), %(ws)s, t.id, (%(users)s::uuid[])[1], 'Hi'
            FROM numbered t CROSS JOIN generate_series(0, 1) AS k WHERE k < t.i %% 3
            """,
            params,
        )
        cursor.execute("DROP TABLE numbered")


@pytest.mark.parametrize("size", [1_000, 100_000])
def test_the_list_runs_a_constant_number_of_queries(client_for, team, project, size, django_assert_max_num_queries):
    _fill(project, team, size)
    client = client_for(team.member)
    last = (size + 19) // 20
    for page in (1, min(100, last // 2), last):
        with django_assert_max_num_queries(3):  # count, page rows with their counts, assignees
            response = client.get(f"/api/v1/tasks?project_id={project.pk}&page_size=20&page={page}")
        body = response.json()
        assert body["pagination"] == {"page": page, "page_size": 20, "total": size, "total_pages": last}
        rows = body["data"]
        assert len(rows) == 20
        # Positions run 1..size; task i has i % 4 assignees, i % 5 subtasks (every other one done)
        # and i % 3 comments.
        for row in rows:
            i = row["position"]
            assert (len(row["assignees"]), row["subtasks_count"], row["comments_count"]) == (i % 4, i % 5, i % 3)
            assert row["subtasks_done_count"] == (i % 5 + 1) // 2
            assert row["assignee_ids"] == [assignee["id"] for assignee in row["assignees"]]
        assert [row["position"] for row in rows] == list(range((page - 1) * 20 + 1, page * 20 + 1))
