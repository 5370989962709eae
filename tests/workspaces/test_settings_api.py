"""GET, PATCH, PUT /workspaces/{id}/settings."""

import pytest

from tests.helpers import assert_error, data

pytestmark = pytest.mark.django_db


def url(team) -> str:
    return f"/api/v1/workspaces/{team.workspace.pk}/settings"


def test_any_member_reads_the_settings(team, client_for):
    assert data(client_for(team.viewer).get(url(team)))["timezone"] == "UTC"


def test_admin_patches_and_puts_the_settings(team, client_for):
    client = client_for(team.admin)
    body = data(client.patch(url(team), {"timezone": "Europe/Paris", "work_days": [5, 1, 3]}))
    assert body["timezone"] == "Europe/Paris"
    assert body["work_days"] == [1, 3, 5]
    full = {
        "timezone": "Asia/Tokyo",
        "work_days": [1, 2, 3, 4],
        "default_task_status": "in_progress",
        "allow_member_invitations": True,
    }
    assert data(client.put(url(team), full)) == full
    team.workspace.refresh_from_db()
    assert team.workspace.allow_member_invitations is True
    assert_error(client.put(url(team), {"timezone": "UTC"}), 422, "VALIDATION_ERROR")


@pytest.mark.parametrize(
    "payload",
    [
        {"timezone": "Mars/Olympus"},
        {"work_days": []},
        {"work_days": [1, 1]},
        {"work_days": [0]},
        {"work_days": "monday"},
        {"default_task_status": "archived"},
        {"allow_member_invitations": "perhaps"},
    ],
)
def test_invalid_settings_are_422_and_nothing_changes(team, client_for, payload):
    body = assert_error(client_for(team.owner).patch(url(team), payload), 422, "VALIDATION_ERROR")
    assert set(body["error"]["details"]) == set(payload)
    team.workspace.refresh_from_db()
    assert (team.workspace.timezone, team.workspace.work_days) == ("UTC", [1, 2, 3, 4, 5])


def test_member_cannot_change_settings(team, client_for):
    assert_error(client_for(team.member).patch(url(team), {"timezone": "Europe/Paris"}), 403, "FORBIDDEN")
