"""The generated tenancy matrix of the platform apps (notifications, events, archive, analytics,
integrations): every /api/v1/ route of those apps that carries an object id in its path.

The routes are found in the URL resolver, filled with the ids of another tenant's objects and called
with every method their view answers. Workspace objects (projects, trash items, reports, webhooks,
plugin installations) belong to the victim's workspace; personal objects (notifications, event
consumers, compliance exports, API tokens, OAuth connections, consents) belong to one user of it.
An outsider (owner of another workspace only) must get 404 everywhere, and so must a teammate of the
holder on personal objects; nothing of the victim may change. The meta-tests fail when a route with an
id kwarg appears that the matrix cannot fill, and every exemption carries its reason.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from apps.analytics.models import Report, ReportExecution
from apps.archive.models import ArchiveHistory, AuditChainVerification, ComplianceExport, TrashItem
from apps.archive.services.exports import download_token
from apps.core import trash
from apps.events.models import EventConsumer
from apps.integrations.models import (
    ApiToken,
    Consent,
    OAuthApp,
    OAuthConnection,
    Plugin,
    PluginInstallation,
    Webhook,
    WebhookDelivery,
)
from apps.notifications.models import Notification
from apps.tasks.models import Task
from tests.factories.analytics import ReportExecutionFactory, ReportFactory
from tests.factories.integrations import (
    ApiTokenFactory,
    ConsentFactory,
    OAuthAppFactory,
    OAuthConnectionFactory,
    PluginFactory,
    PluginInstallationFactory,
    WebhookDeliveryFactory,
    WebhookFactory,
)
from tests.factories.notifications import EventConsumerFactory, NotificationFactory
from tests.tenancy_walker import MARKER, World, api_routes, call, case_id, fill

APPS = ("notifications", "events", "archive", "analytics", "integrations")

# Path kwargs the matrix fills, and whether the object belongs to a workspace or to one user.
WORKSPACE_OWNED = ("project_id", "trash_item_id", "report_id", "webhook_id", "delivery_id", "installation_id")
USER_OWNED = ("notification_id", "consumer_id", "export_id", "token_id", "connection_id", "consent_id")
# A catalogue plugin the victim installed: POST .../install names it in the path and the victim's
# workspace_id in the body, which is what must be refused (BODY_ID_CASES).
CATALOGUE_FILLERS = ("plugin_id",)
# Installation-wide, staff-only objects (ROLE_GATED_IDS says why they answer 403, not 404).
INSTALLATION_FILLERS = ("verification_id",)
FILLERS = WORKSPACE_OWNED + USER_OWNED + CATALOGUE_FILLERS + INSTALLATION_FILLERS

# Routes whose path id names something else for one method: (route, method) -> {kwarg: World.ids key}.
SUBSTITUTES = {
    # The spec puts "uninstall" on /plugins/{id}: for DELETE the id is an installation id.
    ("integrations:plugin-detail", "delete"): {"plugin_id": "installation_id"},
}
# (route, method) pairs whose tenant check is an id in the body, not in the path: the one rule for body
# ids answers 422 VALIDATION_ERROR naming the field (URL ids answer 404).
BODY_ID_CASES = {("integrations:plugin-install", "post"): "workspace_id"}
# (route, method) pairs that are not tenant data, each with its reason. They are still called:
# the outsider reads them (200) and nothing of the victim changes.
EXEMPT = {
    ("integrations:oauth-app-detail", "get"): "OAuth apps are the public provider catalogue, the same for "
    "every user (no workspace, no owner).",
    ("integrations:plugin-detail", "get"): "The plugin marketplace is a public catalogue (GET by plugin id); the "
    "workspace's installations are addressed by installation id (DELETE here, PATCH .../config).",
}
# Routes that answer anonymous callers by design, each with its reason (expected status instead of 401).
ANONYMOUS_ALLOWED = {
    "archive:compliance-export-download": "The expiring signed link is the credential (it is sent to "
    "people without an account): without a valid token for this very export the answer is 404.",
}
# Routes whose calls carry a query string the check needs: route -> World attribute holding it.
QUERIES = {
    # The outsider holds a valid link of an export of their own: it must not open the victim's export.
    "archive:compliance-export-download": "own_download_query",
}
# The same routes called by the rightful user in the control test: the link of the victim's export.
CONTROL_QUERIES = {"archive:compliance-export-download": "{w.victim_download_query}"}
# Public catalogue ids: lists may show them to anyone, so they do not count as leaked.
CATALOGUE_IDS = ("app_id", "plugin_id")
# Collection GETs (no id in the path) are called with the victim's ids as filters; these are not.
LIST_SKIPPED = {
    "notifications:stream": "Server-sent events never end within a request; the stream reads the same "
    "per-user inbox as notifications:list, which is checked.",
}
# Collection GETs reserved to a role the outsider lacks (403 by role, not by tenancy), with reasons.
LIST_ROLE_GATED = {
    "archive:audit-logs-verify": "Verifying the audit hash chain is reserved to compliance staff; it takes no "
    "workspace or object id.",
}
# Id routes reserved to a staff permission the outsider lacks: installation-wide objects of no
# workspace, answered 403 FORBIDDEN whatever the id (so nothing about ids leaks), with reasons.
ROLE_GATED_IDS = {
    ("archive:audit-logs-verification", "get"): "A background verification of the whole audit chain is an "
    "installation-wide job reserved to compliance staff (archive.verify_auditchain); it belongs to no workspace.",
}
# Known defects outside tenancy, kept running as strict xfails so the matrix notices their fix.
LIST_KNOWN_DEFECTS: dict[str, str] = {}


ROUTES = api_routes(APPS)
ALL_ID_CASES = [(r, m) for r in ROUTES if r["kwargs"] for m in r["methods"]]
ID_CASES = [(r, m) for r, m in ALL_ID_CASES if (r["name"], m) not in EXEMPT]
EXEMPT_CASES = [(r, m) for r, m in ALL_ID_CASES if (r["name"], m) in EXEMPT]
USER_CASES = [(r, m) for r, m in ID_CASES if any(k in USER_OWNED for k in r["kwargs"])]
COLLECTION_GETS = [r for r in ROUTES if not r["kwargs"] and "get" in r["methods"] and r["name"] not in LIST_SKIPPED]
ANONYMOUS_CASES = [(r, m) for r, m in ALL_ID_CASES if (r["name"], m) not in EXEMPT]


class PlatformWorld(World):
    """The work-domain victim of tests/tenancy_walker.py plus one platform object of every kind.

    Personal objects belong to `holder` (a member of the victim workspace); `teammate` is an admin of
    the same workspace, who must not reach them either."""

    def __init__(self) -> None:
        super().__init__()
        team, ws = self.team, self.team.workspace
        self.holder, self.teammate = team.member, team.admin
        project_id = self.ids["project_id"]
        doomed = Task.objects.create(
            workspace=ws, project_id=project_id, title=f"{MARKER} trashed", created_by=self.holder
        )
        trash.soft_delete(doomed, actor=team.owner)
        report = ReportFactory(workspace=ws, name=f"{MARKER} report", filters={"project_ids": [str(project_id)]})
        ReportExecutionFactory(report=report)
        webhook = WebhookFactory(workspace=ws, name=f"{MARKER} webhook")
        delivery = WebhookDeliveryFactory(webhook=webhook, status="failed")
        plugin = PluginFactory()
        installation = PluginInstallationFactory(plugin=plugin, workspace=ws, configuration={"channel": MARKER})
        app = OAuthAppFactory()
        self.ids.update(
            {
                "trash_item_id": TrashItem.objects.get(resource_id=doomed.pk).pk,
                "report_id": report.pk,
                "webhook_id": webhook.pk,
                "delivery_id": delivery.pk,
                "plugin_id": plugin.pk,
                "installation_id": installation.pk,
                "app_id": app.pk,
                "notification_id": NotificationFactory(user=self.holder, workspace=ws, title=MARKER).pk,
                "consumer_id": EventConsumerFactory(owner=self.holder, workspace=ws).pk,
                "export_id": self._completed_export(self.holder, workspace=ws).pk,
                "token_id": ApiTokenFactory(user=self.holder, name=f"{MARKER} token").pk,
                "connection_id": OAuthConnectionFactory(user=self.holder, oauth_app=app).pk,
                "consent_id": ConsentFactory(user=self.holder, description=MARKER).pk,
                "verification_id": AuditChainVerification.objects.create(requested_by=team.owner).pk,
            }
        )
        self.victim_download_query = f"?token={download_token(ComplianceExport.objects.get(pk=self.ids['export_id']))}"
        own_export = self._completed_export(self.outsider, workspace=team.other_workspace)
        self.own_download_query = f"?token={download_token(own_export)}"

    @staticmethod
    def _completed_export(user, *, workspace) -> ComplianceExport:
        now = timezone.now()
        job = ComplianceExport.objects.create(
            requested_by=user,
            workspace=workspace,
            format="pdf",
            status="completed",
            start_date=now - timedelta(days=2),
            end_date=now - timedelta(days=1),
            progress=100,
            finished_at=now,
            expires_at=now + timedelta(days=1),
        )
        job.file.save(f"tenancy-{job.pk}.pdf", ContentFile(b"%PDF-1.4 PronaFlow"), save=True)
        return job

    def victim_strings(self) -> list[str]:
        return [str(value) for key, value in self.ids.items() if key not in CATALOGUE_IDS] + [MARKER]

    def body(self) -> dict:
        ids = {key: str(value) for key, value in self.ids.items()}
        return {
            **super().body(),
            **ids,
            "project_ids": [ids["project_id"]],
            "url": "https://hooks.example.com/changed",
            "subscribed_events": {"task.deleted": True},
            "is_active": False,
            "read": True,
            "scopes": ["write:tasks"],
            "configuration": {"channel": "changed"},
            "reason": "Changed",
            "format": "json",
            "event_type": "task.deleted",
            "handler_type": "webhook",
        }

    def snapshot(self) -> str:
        """The work-domain snapshot plus everything of the victim the platform routes could change."""
        ws, holder = self.ids["workspace_id"], self.holder.pk
        state = {
            "work": super().snapshot(),
            "archive_history": list(ArchiveHistory.objects.filter(workspace_id=ws).values()),
            "trash": list(TrashItem.objects.filter(workspace_id=ws).values()),
            "reports": list(Report.objects.filter(workspace_id=ws).values()),
            "executions": list(ReportExecution.objects.filter(report__workspace_id=ws).values()),
            "webhooks": list(Webhook.objects.filter(workspace_id=ws).values()),
            "deliveries": list(WebhookDelivery.objects.filter(webhook__workspace_id=ws).values()),
            "plugins": list(Plugin.objects.values()),
            "installations": list(PluginInstallation.objects.filter(workspace_id=ws).values()),
            "oauth_apps": list(OAuthApp.objects.values()),
            "notifications": list(Notification.objects.filter(user_id=holder).values()),
            "consumers": list(EventConsumer.objects.filter(owner_id=holder).values()),
            "exports": list(ComplianceExport.objects.filter(requested_by_id=holder).values()),
            "tokens": list(ApiToken.objects.filter(user_id=holder).values()),
            "connections": list(OAuthConnection.objects.filter(user_id=holder).values()),
            "consents": list(Consent.objects.filter(user_id=holder).values()),
        }
        return json.dumps(state, default=str, sort_keys=True)


@pytest.fixture
def world(db) -> PlatformWorld:
    return PlatformWorld()


def path_for(world: PlatformWorld, route: dict, method: str) -> str:
    names = {kwarg: kwarg for kwarg in route["kwargs"]} | SUBSTITUTES.get((route["name"], method), {})
    path = fill(route["template"], {kwarg: world.ids[key] for kwarg, key in names.items()})
    attribute = QUERIES.get(route["name"])
    return path + (getattr(world, attribute) if attribute else "")


# --- Meta-tests: the matrix covers every route with an id ----------------------------------


def test_the_matrix_finds_the_id_routes_of_every_platform_app():
    found = {route["name"].split(":")[0] for route in ROUTES if route["kwargs"]}
    assert found == set(APPS)
    assert all(route["methods"] for route in ROUTES), "a route whose view answers no method"


def test_every_id_route_and_method_is_filled_or_exempt_with_a_reason():
    uncovered = sorted(
        (route["template"], method, kwarg)
        for route, method in ALL_ID_CASES
        if (route["name"], method) not in EXEMPT
        for kwarg in route["kwargs"]
        if kwarg not in FILLERS and kwarg not in SUBSTITUTES.get((route["name"], method), {})
    )
    assert not uncovered, f"add a filler (PlatformWorld.ids) or a written exemption for: {uncovered}"
    assert all(reason.strip() for reason in [*EXEMPT.values(), *ANONYMOUS_ALLOWED.values(), *LIST_SKIPPED.values()])
    assert all(reason.strip() for reason in [*LIST_ROLE_GATED.values(), *LIST_KNOWN_DEFECTS.values()])
    assert all(reason.strip() for reason in ROLE_GATED_IDS.values())


def test_no_exemption_or_substitute_names_a_route_that_no_longer_exists():
    cases = {(route["name"], method) for route, method in ALL_ID_CASES}
    names = {route["name"] for route in ROUTES}
    stale = (set(EXEMPT) | set(SUBSTITUTES) | set(BODY_ID_CASES) | set(ROLE_GATED_IDS)) - cases
    named = [ANONYMOUS_ALLOWED, QUERIES, CONTROL_QUERIES, LIST_SKIPPED, LIST_ROLE_GATED, LIST_KNOWN_DEFECTS]
    stale |= set().union(*named) - names
    assert not stale, f"exemptions naming routes or methods that no longer exist: {sorted(stale)}"


# --- The matrix ----------------------------------------------------------------------------


@pytest.mark.parametrize("case", ID_CASES, ids=[case_id(c) for c in ID_CASES])
def test_outsider_gets_404_on_foreign_ids_and_nothing_changes(world, client_for, case):
    route, method = case
    before = world.snapshot()
    response = call(client_for(world.outsider), method, path_for(world, route, method), world.body())
    body_field = BODY_ID_CASES.get((route["name"], method))
    if (route["name"], method) in ROLE_GATED_IDS:
        assert response.status_code == 403, (route["template"], method, response.content)
        assert response.json()["error"]["code"] == "FORBIDDEN"
    elif body_field:
        assert response.status_code == 422, (route["template"], method, response.content)
        assert body_field in response.json()["error"]["details"]
    else:
        assert response.status_code == 404, (route["template"], method, response.content)
        assert response.json()["error"]["code"] == "NOT_FOUND"
    assert world.snapshot() == before


@pytest.mark.parametrize("case", USER_CASES, ids=[case_id(c) for c in USER_CASES])
def test_a_teammate_gets_404_on_another_users_personal_objects(world, client_for, case):
    route, method = case
    before = world.snapshot()
    response = call(client_for(world.teammate), method, path_for(world, route, method), world.body())
    assert response.status_code == 404, (route["template"], method, response.content)
    assert world.snapshot() == before


@pytest.mark.parametrize("case", EXEMPT_CASES, ids=[case_id(c) for c in EXEMPT_CASES])
def test_exempt_catalogue_reads_answer_the_outsider_without_changing_anything(world, client_for, case):
    route, method = case
    before = world.snapshot()
    response = call(client_for(world.outsider), method, path_for(world, route, method))
    assert response.status_code == 200, (route["template"], method, response.content)
    assert world.snapshot() == before


@pytest.mark.parametrize("case", ANONYMOUS_CASES, ids=[case_id(c) for c in ANONYMOUS_CASES])
def test_anonymous_gets_401_on_every_route(world, api_client, case):
    route, method = case
    before = world.snapshot()
    response = call(api_client, method, path_for(world, route, method), world.body())
    expected = 404 if route["name"] in ANONYMOUS_ALLOWED else 401
    assert response.status_code == expected, (route["template"], method, response.content)
    assert world.snapshot() == before


@pytest.mark.parametrize("case", ID_CASES, ids=[case_id(c) for c in ID_CASES])
def test_the_rightful_user_reaches_every_route_the_matrix_calls(world, client_for, case):
    """The control of the matrix: with the same ids, the workspace owner (or the holder of a personal
    object) is not answered 404, so the outsider's 404s come from tenancy, not from dead ids."""
    route, method = case
    personal = any(kwarg in USER_OWNED for kwarg in route["kwargs"])
    user = world.holder if personal else world.team.owner
    path = path_for(world, route, method).split("?")[0] + CONTROL_QUERIES.get(route["name"], "").format(w=world)
    response = call(client_for(user), method, path, world.body())
    assert response.status_code != 404, (route["template"], method, response.content)


LIST_PARAMS = [
    pytest.param(
        route,
        id=route["template"],
        marks=[pytest.mark.xfail(reason=LIST_KNOWN_DEFECTS[route["name"]], strict=True)]
        if route["name"] in LIST_KNOWN_DEFECTS
        else [],
    )
    for route in COLLECTION_GETS
]


@pytest.mark.parametrize("route", LIST_PARAMS)
def test_outsider_never_sees_foreign_objects_in_lists(world, client_for, route):
    client = client_for(world.outsider)
    ids = {key: value for key, value in world.ids.items() if key not in CATALOGUE_IDS}
    period = "start_date=2000-01-01&end_date=2100-01-01"
    everything = "&".join(f"{key}={value}" for key, value in ids.items() if key != "user_id")
    queries = ["", f"?{period}", f"?{everything}&q={MARKER}&{period}", f"?q={MARKER}", f"?search={MARKER}"]
    queries += [f"?{key}={value}&{period}" for key, value in ids.items()]
    before = world.snapshot()
    for query in queries:
        response = client.get("/" + route["template"] + query)
        allowed = (200, 400, 403, 404) if route["name"] in LIST_ROLE_GATED else (200, 400, 404)
        assert response.status_code in allowed, (route["template"], query, response.content)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        leaked = [value for value in world.victim_strings() if value in body.decode()]
        assert not leaked, (route["template"], query, leaked)
    assert world.snapshot() == before
