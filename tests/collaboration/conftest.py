"""The same world as the task tests: a team, a project with a list and a task, a private project."""

from tests.tasks.conftest import foreign_project, private_project, project, task, task_list, team  # noqa: F401
