import pytest

from tests.factories.workspaces import Team


@pytest.fixture
def team(db) -> Team:
    return Team()
