import pytest
from auditlog.models import LogEntry

from apps.integrations.models import Plugin, PluginInstallation
from tests.factories.integrations import PluginFactory, PluginInstallationFactory
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

URL = "/api/v1/integration/plugins"


@pytest.fixture
def editor(db):
    return Plugin.objects.get(slug="markdown-editor")


def test_the_marketplace_lists_plugins_by_rating_by_default(team, client_for, django_assert_max_num_queries):
    PluginFactory.create_batch(20)
    client = client_for(team.member)
    with django_assert_max_num_queries(3):
        response = client.get(URL, {"page_size": 100})
    data = response.json()["data"]
    assert response.json()["pagination"]["total"] == Plugin.objects.count()
    ratings = [item["rating"] for item in data]
    assert ratings == sorted(ratings, reverse=True)
    assert data[0]["name"] == "Burndown Plus" and data[0]["rating"] == 4.8
    assert set(data[0]) >= {
        "id",
        "name",
        "version",
        "author",
        "description",
        "icon_url",
        "is_verified",
        "install_count",
    }


def test_the_marketplace_filters_searches_and_sorts(team, client_for):
    popular = PluginFactory(name="Popular Thing", install_count=10_000, category="widgets")
    PluginFactory(name="Hidden Thing", is_published=False, category="widgets")
    client = client_for(team.member)
    assert [i["id"] for i in client.get(URL, {"category": "widgets"}).json()["data"]] == [str(popular.pk)]
    assert [i["name"] for i in client.get(URL, {"search": "markdown"}).json()["data"]] == ["Markdown Editor"]
    assert client.get(URL, {"sort_by": "installs"}).json()["data"][0]["id"] == str(popular.pk)
    assert client.get(URL, {"sort_by": "newest"}).json()["data"][0]["id"] == str(popular.pk)
    assert client.get(URL, {"sort_by": "price"}).status_code == 400


def test_a_plugin_detail_shows_its_manifest(team, client_for, editor):
    data = client_for(team.member).get(f"{URL}/{editor.pk}").json()["data"]
    assert data["manifest"]["hooks"] == ["task:editor"]
    assert data["manifest"]["permissions"] == ["read:tasks", "write:tasks"]
    hidden = PluginFactory(is_published=False)
    assert client_for(team.member).get(f"{URL}/{hidden.pk}").status_code == 404


def test_an_admin_installs_a_plugin_with_a_valid_configuration(team, client_for, editor):
    response = client_for(team.admin).post(
        f"{URL}/{editor.pk}/install",
        {"workspace_id": str(team.workspace.pk), "configuration": {"toolbar": "full", "theme": "dark"}},
        format="json",
    )
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["plugin_id"] == str(editor.pk) and data["workspace_id"] == str(team.workspace.pk)
    assert data["configuration"] == {"toolbar": "full", "theme": "dark"} and data["is_active"] is True
    editor.refresh_from_db()
    assert editor.install_count == 1
    installation = PluginInstallation.objects.get(pk=data["id"])
    assert LogEntry.objects.filter(object_pk=str(installation.pk), additional_data__action="plugin.installed").exists()
    duplicate = client_for(team.owner).post(
        f"{URL}/{editor.pk}/install", {"workspace_id": str(team.workspace.pk)}, format="json"
    )
    assert duplicate.status_code == 409
    editor.refresh_from_db()
    assert editor.install_count == 1


@pytest.mark.parametrize(
    "configuration",
    [{"toolbar": "gigantic"}, {"theme": "dark", "unknown": 1}, "not-an-object"],
)
def test_a_configuration_violating_the_manifest_schema_answers_422(team, client_for, editor, configuration):
    response = client_for(team.admin).post(
        f"{URL}/{editor.pk}/install",
        {"workspace_id": str(team.workspace.pk), "configuration": configuration},
        format="json",
    )
    assert_error(response, 422, "VALIDATION_ERROR", field="configuration")
    assert not PluginInstallation.objects.exists()


def test_members_cannot_install_and_foreign_workspaces_answer_422(team, client_for, editor):
    assert (
        client_for(team.member)
        .post(f"{URL}/{editor.pk}/install", {"workspace_id": str(team.workspace.pk)}, format="json")
        .status_code
        == 403
    )
    foreign = client_for(team.owner).post(
        f"{URL}/{editor.pk}/install", {"workspace_id": str(team.other_workspace.pk)}, format="json"
    )
    assert foreign.status_code == 422
    assert "workspace_id" in foreign.json()["error"]["details"]
    assert not PluginInstallation.objects.exists()


def test_installed_plugins_need_a_visible_workspace(team, client_for, django_assert_max_num_queries):
    for plugin in PluginFactory.create_batch(12):
        PluginInstallationFactory(plugin=plugin, workspace=team.workspace)
    PluginInstallationFactory(workspace=team.other_workspace)
    client = client_for(team.viewer)
    with django_assert_max_num_queries(4):
        response = client.get(f"{URL}/installed", {"workspace_id": str(team.workspace.pk), "page_size": 50})
    assert response.status_code == 200
    assert response.json()["pagination"]["total"] == 12
    assert set(response.json()["data"][0]) >= {"id", "plugin_id", "plugin_name", "version", "is_active", "installed_at"}
    assert client.get(f"{URL}/installed").status_code == 400
    assert client.get(f"{URL}/installed", {"workspace_id": str(team.other_workspace.pk)}).status_code == 404
    assert (
        client.get(f"{URL}/installed", {"workspace_id": str(team.workspace.pk), "is_active": "false"}).json()["data"]
        == []
    )


def test_configuration_updates_are_validated_and_need_an_admin(team, client_for, editor):
    installation = PluginInstallationFactory(plugin=editor, workspace=team.workspace, configuration={"theme": "dark"})
    url = f"{URL}/{installation.pk}/config"
    ok = client_for(team.admin).patch(url, {"configuration": {"toolbar": "minimal", "theme": "light"}}, format="json")
    assert ok.status_code == 200
    assert ok.json()["data"]["configuration"] == {"toolbar": "minimal", "theme": "light"}
    assert client_for(team.admin).patch(url, {"configuration": {"theme": "neon"}}, format="json").status_code == 422
    assert client_for(team.member).patch(url, {"configuration": {}}, format="json").status_code == 403
    assert client_for(team.outsider).patch(url, {"configuration": {}}, format="json").status_code == 404
    assert client_for(team.admin).patch(url, {}, format="json").status_code == 422
    installation.refresh_from_db()
    assert installation.configuration == {"toolbar": "minimal", "theme": "light"}


def test_uninstalling_uses_the_installation_id_and_lowers_the_count(team, client_for, editor):
    installation = client_for(team.owner).post(
        f"{URL}/{editor.pk}/install", {"workspace_id": str(team.workspace.pk)}, format="json"
    )
    installation_id = installation.json()["data"]["id"]
    assert client_for(team.member).delete(f"{URL}/{installation_id}").status_code == 403
    assert client_for(team.outsider).delete(f"{URL}/{installation_id}").status_code == 404
    assert client_for(team.owner).delete(f"{URL}/{editor.pk}").status_code == 404
    assert client_for(team.owner).delete(f"{URL}/{installation_id}").status_code == 204
    assert not PluginInstallation.objects.exists()
    editor.refresh_from_db()
    assert editor.install_count == 0
