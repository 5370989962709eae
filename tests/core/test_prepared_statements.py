"""The statements every request runs (the signed-in user's row, the task list's page, the inbox page)
are parsed and planned once per connection (apps.core.db.prepared_cursor): same answers, logged and
counted like every other query, and unharmed when a rollback makes psycopg drop its prepared set."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.factories.accounts import bearer_client_for
from tests.factories.tasks import TaskFactory


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        return [row[0] for row in cursor.fetchall()]


def _pages(client, project) -> tuple:
    tasks = client.get(f"/api/v1/tasks?project_id={project.pk}&page_size=2")
    inbox = client.get("/api/v1/notifications")
    assert tasks.status_code == inbox.status_code == 200, (tasks.content, inbox.content)
    return tasks.json(), inbox.json()


@pytest.mark.django_db
def test_hot_statements_are_prepared_once_and_answer_as_before(team, project, task_list):
    for _ in range(3):
        TaskFactory(project=project, task_list=task_list, created_by=team.owner)
    client = bearer_client_for(team.member)
    first = _pages(client, project)
    assert first[0]["pagination"]["total"] == 3
    statements = _prepared()
    assert any('FROM "accounts_user"' in sql and "$1" in sql for sql in statements), statements
    assert any("WITH scope AS MATERIALIZED" in sql for sql in statements), statements
    assert any("notifications_notification" in sql for sql in statements), statements

    assert _pages(client, project) == first
    assert len(_prepared()) == len(statements)  # executed again, not prepared again


@pytest.mark.django_db
def test_prepared_statements_are_logged_with_their_values(team, project):
    client = bearer_client_for(team.member)
    client.get(f"/api/v1/tasks?project_id={project.pk}")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/api/v1/tasks?project_id={project.pk}").status_code == 200
    assert len(queries) == 2
    user_row, page = (entry["sql"] for entry in queries.captured_queries)
    assert f"'{team.member.pk.hex}'::uuid" in user_row
    assert page.lstrip().startswith("WITH scope") and f"'{project.pk.hex}'::uuid" in page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_rollback_drops_the_prepared_set_and_the_next_request_prepares_again(team, project, task_list):
    TaskFactory(project=project, task_list=task_list, created_by=team.owner)
    client = bearer_client_for(team.member)
    before = _pages(client, project)
    assert _prepared()

    with pytest.raises(RuntimeError), transaction.atomic():
        _pages(client, project)
        raise RuntimeError("rolled back")  # psycopg deallocates every prepared statement on ROLLBACK
    assert not _prepared()

    assert _pages(client, project) == before
    assert any("WITH scope AS MATERIALIZED" in sql for sql in _prepared())
