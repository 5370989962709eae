"""GET /search over projects, tasks and comments the caller can see."""

import pytest

from tests.factories.collaboration import CommentFactory
from tests.factories.projects import ProjectFactory
from tests.factories.tasks import TaskFactory
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db


def results(client, query):
    response = client.get(f"/api/v1/search?{query}")
    assert response.status_code == 200, response.content
    return response.json()


def test_finds_projects_tasks_and_comments_with_ranking(client_for, team, project, private_project, foreign_project):
    launch = ProjectFactory(workspace=team.workspace, name="Rocket launch", description="Everything about rockets")
    task = TaskFactory(project=project, title="Fuel the rocket", description="Liquid oxygen")
    comment = CommentFactory(task=TaskFactory(project=project, title="Paint"), content="The rockets need paint")
    TaskFactory(project=private_project, title="Secret rocket")
    TaskFactory(project=foreign_project, title="Foreign rocket")
    body = results(client_for(team.member), "q=rocket")
    found = {(row["type"], row["id"]) for row in body["data"]}
    assert found == {("project", str(launch.pk)), ("task", str(task.pk)), ("comment", str(comment.pk))}
    assert body["pagination"]["total"] == 3
    comment_row = next(row for row in body["data"] if row["type"] == "comment")
    assert comment_row["task_id"] == str(comment.task_id) and comment_row["project_id"] == str(project.pk)
    assert comment_row["title"] == "Paint"
    assert len(results(client_for(team.admin), "q=rocket")["data"]) == 4


def test_types_restrict_the_results(client_for, team, project):
    TaskFactory(project=project, title="Budget review")
    ProjectFactory(workspace=team.workspace, name="Budget")
    rows = results(client_for(team.member), "q=budget&types=task")["data"]
    assert [row["type"] for row in rows] == ["task"]
    rows = results(client_for(team.member), "q=budget&types=projects,tasks")["data"]
    assert sorted(row["type"] for row in rows) == ["project", "task"]


def test_partial_words_match_titles(client_for, team, project):
    task = TaskFactory(project=project, title="Refactoring the billing module")
    assert [row["id"] for row in results(client_for(team.member), "q=billin")["data"]] == [str(task.pk)]


def test_hostile_queries_do_not_fail(client_for, team, project):
    TaskFactory(project=project, title="Normal")
    client = client_for(team.member)
    for query in ["q=%27%29%3B+drop", "q=%21%26%7C%3A%2A", "q=%22unclosed", "q=a+OR+-b"]:
        assert client.get(f"/api/v1/search?{query}").status_code == 200


@pytest.mark.parametrize("query", ["", "q=", "q=%20", "q=x&types=users", "q=x&page=0", "q=" + "x" * 201])
def test_bad_parameters_return_400(client_for, team, query):
    assert_error(client_for(team.member).get(f"/api/v1/search?{query}"), 400, "INVALID_REQUEST")


def test_query_count_is_constant(client_for, team, project, django_assert_max_num_queries):
    for index in range(25):
        task = TaskFactory(project=project, title=f"Alpha task {index}")
        CommentFactory(task=task, content="alpha comment")
    with django_assert_max_num_queries(2):
        body = results(client_for(team.member), "q=alpha&page_size=100")
    assert body["pagination"]["total"] == 50


def test_anonymous_gets_401(api_client):
    assert_error(api_client.get("/api/v1/search?q=x"), 401, "UNAUTHORIZED")
