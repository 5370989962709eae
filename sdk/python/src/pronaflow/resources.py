"""One class per API module. Methods take path ids positionally, filters and body fields as
keywords (None values are left out), and return models from `pronaflow.models` (dicts with
`typed=False`), `Page`s for lists, bytes for files, and None for 204 answers.

Every method that POSTs accepts `idempotency_key=`; without one the client generates a uuid4 per
call, reused across that call's retries.
"""

from __future__ import annotations

import contextlib
import inspect
import json
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pronaflow._client import BaseClient, OffsetPage, Page


class Resource:
    def __init__(self, client: BaseClient) -> None:
        self._client = client

    def _paging(self, page: Any) -> Any:
        """Every item from `page` on: an iterator, or an async iterator with AsyncPronaFlow."""
        if inspect.isawaitable(page):
            return _async_items(page)
        return page.auto_paging_iter()

    def _call(self, method: str, template: str, path_params: dict | None = None, **kwargs: Any) -> Any:
        if "json_body" in kwargs and isinstance(kwargs["json_body"], dict):
            kwargs["json_body"] = {k: v for k, v in kwargs["json_body"].items() if v is not None}
        return self._client.call(method, template, path_params, **kwargs)

    def _get(self, template: str, path_params: dict | None = None, **params: Any) -> Any:
        return self._call("GET", template, path_params, params=params)

    def _post(self, template: str, path_params: dict | None = None, *, idempotency_key=None, **body: Any) -> Any:
        return self._call("POST", template, path_params, json_body=body, idempotency_key=idempotency_key)

    def _patch(self, template: str, path_params: dict | None = None, **body: Any) -> Any:
        return self._call("PATCH", template, path_params, json_body=body)

    def _put(self, template: str, path_params: dict | None = None, **body: Any) -> Any:
        return self._call("PUT", template, path_params, json_body=body)

    def _delete(self, template: str, path_params: dict | None = None, **params: Any) -> None:
        return self._call("DELETE", template, path_params, params=params)


async def _async_items(awaitable_page: Any) -> AsyncIterator:
    page = await awaitable_page
    async for item in page.auto_paging_iter():
        yield item


class _Collection(Resource):
    """list/iter/create/get/update/delete over `_path` and `_item` (`{id}` placeholder named `_id_name`)."""

    _path = ""
    _item = ""
    _id_name = "id"

    def list(self, **params: Any) -> Page:
        """The first page (`page=`, `page_size=` up to 100, plus the endpoint's filters)."""
        return self._get(self._path, **params)

    def iter(self, **params: Any) -> Iterator:
        """Every item of every page."""
        return self._paging(self.list(**params))

    auto_paging_iter = iter

    def create(self, *, idempotency_key: str | None = None, **fields: Any) -> Any:
        return self._post(self._path, idempotency_key=idempotency_key, **fields)

    def get(self, id: str) -> Any:
        return self._get(self._item, {self._id_name: id})

    retrieve = get

    def update(self, id: str, **fields: Any) -> Any:
        return self._patch(self._item, {self._id_name: id}, **fields)

    def delete(self, id: str) -> None:
        return self._delete(self._item, {self._id_name: id})


# --- Module 1: identity ---------------------------------------------------------------------------


class Auth(Resource):
    def login(self, email: str, password: str) -> Any:
        """POST /auth/login (see also `PronaFlow.login`, which keeps the tokens)."""
        return self._call("POST", "/auth/login", json_body={"email": email, "password": password}, authenticated=False)

    def mfa_verify(self, mfa_token: str, *, totp_code: str | None = None, backup_code: str | None = None) -> Any:
        body = {"mfa_token": mfa_token, "totp_code": totp_code, "backup_code": backup_code}
        return self._call("POST", "/auth/mfa/verify", json_body=body, authenticated=False)

    def refresh(self, refresh_token: str) -> Any:
        return self._call("POST", "/auth/refresh", json_body={"refresh_token": refresh_token}, authenticated=False)

    def logout(self, refresh_token: str | None = None) -> Any:
        return self._post("/auth/logout", refresh_token=refresh_token or self._client.refresh_token)

    def register(self, *, email: str, username: str, password: str, **fields: Any) -> Any:
        body = {"email": email, "username": username, "password": password, **fields}
        return self._call("POST", "/auth/register", json_body=body, authenticated=False)

    def verify_email(self, user_id: str, token: str) -> Any:
        body = {"user_id": user_id, "token": token}
        return self._call("POST", "/auth/verify-email", json_body=body, authenticated=False)

    def resend_verification(self, email: str) -> Any:
        return self._call("POST", "/auth/resend-verification", json_body={"email": email}, authenticated=False)

    def me(self) -> Any:
        return self._get("/auth/me")

    def update_me(self, **fields: Any) -> Any:
        return self._patch("/auth/me", **fields)

    def change_password(self, current_password: str, new_password: str) -> Any:
        return self._post("/auth/password-change", current_password=current_password, new_password=new_password)

    def request_password_reset(self, email: str) -> Any:
        return self._call("POST", "/auth/password-reset", json_body={"email": email}, authenticated=False)

    def confirm_password_reset(self, user_id: str, token: str, new_password: str) -> Any:
        body = {"user_id": user_id, "token": token, "new_password": new_password}
        return self._call("POST", "/auth/password-reset/confirm", json_body=body, authenticated=False)

    def mfa_enable(self) -> Any:
        return self._post("/auth/mfa/enable")

    def mfa_confirm(self, totp_code: str) -> Any:
        return self._post("/auth/mfa/confirm", totp_code=totp_code)

    def mfa_disable(self, password: str, *, totp_code: str | None = None, backup_code: str | None = None) -> Any:
        return self._post("/auth/mfa/disable", password=password, totp_code=totp_code, backup_code=backup_code)

    def regenerate_backup_codes(self) -> Any:
        return self._post("/auth/mfa/backup-codes/regenerate")

    def sessions(self, **params: Any) -> Page:
        return self._get("/auth/sessions", **params)

    def revoke_session(self, session_id: str) -> Any:
        return self._post("/auth/sessions/revoke", session_id=session_id)

    def revoke_all_sessions(self) -> Any:
        return self._post("/auth/sessions/revoke-all")


# --- Module 2: workspaces -------------------------------------------------------------------------


class WorkspaceMembers(Resource):
    def list(self, workspace_id: str, **params: Any) -> Page:
        return self._get("/workspaces/{workspace_id}/members", {"workspace_id": workspace_id}, **params)

    def iter(self, workspace_id: str, **params: Any) -> Iterator:
        return self._paging(self.list(workspace_id, **params))

    def add(self, workspace_id: str, *, idempotency_key: str | None = None, **fields: Any) -> Any:
        """Add an existing user by `user_id` or `email`, with a `role`."""
        ids = {"workspace_id": workspace_id}
        return self._post("/workspaces/{workspace_id}/members", ids, idempotency_key=idempotency_key, **fields)

    create = add

    def update(self, workspace_id: str, user_id: str, **fields: Any) -> Any:
        ids = {"workspace_id": workspace_id, "user_id": user_id}
        return self._patch("/workspaces/{workspace_id}/members/{user_id}", ids, **fields)

    def replace(self, workspace_id: str, user_id: str, **fields: Any) -> Any:
        ids = {"workspace_id": workspace_id, "user_id": user_id}
        return self._put("/workspaces/{workspace_id}/members/{user_id}", ids, **fields)

    def remove(self, workspace_id: str, user_id: str) -> None:
        return self._delete(
            "/workspaces/{workspace_id}/members/{user_id}", {"workspace_id": workspace_id, "user_id": user_id}
        )


class Invitations(Resource):
    def list(self, workspace_id: str, **params: Any) -> Page:
        return self._get("/workspaces/{workspace_id}/invitations", {"workspace_id": workspace_id}, **params)

    def iter(self, workspace_id: str, **params: Any) -> Iterator:
        return self._paging(self.list(workspace_id, **params))

    def create(self, workspace_id: str, *, idempotency_key: str | None = None, **fields: Any) -> Any:
        """Invite by `email` with a `role`."""
        ids = {"workspace_id": workspace_id}
        return self._post("/workspaces/{workspace_id}/invitations", ids, idempotency_key=idempotency_key, **fields)

    def cancel(self, workspace_id: str, invitation_id: str) -> None:
        ids = {"workspace_id": workspace_id, "invitation_id": invitation_id}
        return self._delete("/workspaces/{workspace_id}/invitations/{invitation_id}", ids)

    def accept(self, token: str) -> Any:
        return self._post("/workspaces/invitations/accept", token=token)


class Workspaces(_Collection):
    _path, _item, _id_name = "/workspaces", "/workspaces/{workspace_id}", "workspace_id"

    def __init__(self, client: BaseClient) -> None:
        super().__init__(client)
        self.members = WorkspaceMembers(client)
        self.invitations = Invitations(client)

    def replace(self, workspace_id: str, **fields: Any) -> Any:
        return self._put(self._item, {"workspace_id": workspace_id}, **fields)

    def get_settings(self, workspace_id: str) -> Any:
        return self._get("/workspaces/{workspace_id}/settings", {"workspace_id": workspace_id})

    def update_settings(self, workspace_id: str, **fields: Any) -> Any:
        return self._patch("/workspaces/{workspace_id}/settings", {"workspace_id": workspace_id}, **fields)

    def replace_settings(self, workspace_id: str, **fields: Any) -> Any:
        return self._put("/workspaces/{workspace_id}/settings", {"workspace_id": workspace_id}, **fields)

    def transfer_ownership(self, workspace_id: str, new_owner_id: str) -> Any:
        ids = {"workspace_id": workspace_id}
        return self._post("/workspaces/{workspace_id}/ownership/transfer", ids, new_owner_id=new_owner_id)


# --- Module 3: projects ---------------------------------------------------------------------------


class ProjectMembers(Resource):
    def list(self, project_id: str, **params: Any) -> Page:
        return self._get("/projects/{project_id}/members", {"project_id": project_id}, **params)

    def iter(self, project_id: str, **params: Any) -> Iterator:
        return self._paging(self.list(project_id, **params))

    def add(self, project_id: str, *, idempotency_key: str | None = None, **fields: Any) -> Any:
        ids = {"project_id": project_id}
        return self._post("/projects/{project_id}/members", ids, idempotency_key=idempotency_key, **fields)

    create = add

    def update(self, project_id: str, user_id: str, **fields: Any) -> Any:
        ids = {"project_id": project_id, "user_id": user_id}
        return self._patch("/projects/{project_id}/members/{user_id}", ids, **fields)

    def remove(self, project_id: str, user_id: str) -> None:
        return self._delete("/projects/{project_id}/members/{user_id}", {"project_id": project_id, "user_id": user_id})


class Projects(_Collection):
    _path, _item, _id_name = "/projects", "/projects/{project_id}", "project_id"

    def __init__(self, client: BaseClient) -> None:
        super().__init__(client)
        self.members = ProjectMembers(client)

    def set_status(self, project_id: str, status: str, **fields: Any) -> Any:
        return self._patch("/projects/{project_id}/status", {"project_id": project_id}, status=status, **fields)


# --- Module 4: tasks ------------------------------------------------------------------------------


class TaskLists(_Collection):
    _path, _item, _id_name = "/tasks/lists", "/tasks/lists/{task_list_id}", "task_list_id"

    def delete(self, id: str, *, force: bool | None = None) -> None:
        return self._delete(self._item, {"task_list_id": id}, force=force)


class Subtasks(Resource):
    def list(self, task_id: str, **params: Any) -> Page:
        return self._get("/tasks/{task_id}/subtasks", {"task_id": task_id}, **params)

    def iter(self, task_id: str, **params: Any) -> Iterator:
        return self._paging(self.list(task_id, **params))

    def create(self, task_id: str, *, idempotency_key: str | None = None, **fields: Any) -> Any:
        return self._post("/tasks/{task_id}/subtasks", {"task_id": task_id}, idempotency_key=idempotency_key, **fields)

    def update(self, subtask_id: str, **fields: Any) -> Any:
        return self._patch("/tasks/subtasks/{subtask_id}", {"subtask_id": subtask_id}, **fields)

    def delete(self, subtask_id: str) -> None:
        return self._delete("/tasks/subtasks/{subtask_id}", {"subtask_id": subtask_id})


class Dependencies(Resource):
    def list(self, task_id: str, **params: Any) -> Page:
        return self._get("/tasks/{task_id}/dependencies", {"task_id": task_id}, **params)

    def iter(self, task_id: str, **params: Any) -> Iterator:
        return self._paging(self.list(task_id, **params))

    def create(self, task_id: str, *, idempotency_key: str | None = None, **fields: Any) -> Any:
        """`depends_on_task_id` and `type` (FS, SS, FF, SF)."""
        ids = {"task_id": task_id}
        return self._post("/tasks/{task_id}/dependencies", ids, idempotency_key=idempotency_key, **fields)

    def delete(self, dependency_id: str) -> None:
        return self._delete("/tasks/dependencies/{dependency_id}", {"dependency_id": dependency_id})


class Tasks(_Collection):
    _path, _item, _id_name = "/tasks", "/tasks/{task_id}", "task_id"

    def __init__(self, client: BaseClient) -> None:
        super().__init__(client)
        self.lists = TaskLists(client)
        self.subtasks = Subtasks(client)
        self.dependencies = Dependencies(client)
        self.comments = Comments(client)

    def set_status(self, task_id: str, status: str, **fields: Any) -> Any:
        return self._patch("/tasks/{task_id}/status", {"task_id": task_id}, status=status, **fields)

    def move(self, task_id: str, **fields: Any) -> Any:
        """To another `task_list_id` (or `project_id`) at `position`."""
        return self._post("/tasks/{task_id}/move", {"task_id": task_id}, **fields)

    def assign(self, task_id: str, user_ids: list[str] | str) -> Any:
        body = {"user_id": user_ids} if isinstance(user_ids, str) else {"user_ids": list(user_ids)}
        return self._post("/tasks/{task_id}/assignees", {"task_id": task_id}, **body)

    def unassign(self, task_id: str, user_id: str) -> None:
        return self._delete("/tasks/{task_id}/assignees/{user_id}", {"task_id": task_id, "user_id": user_id})


# --- Module 5: scheduling (paths of modules-1-6.md) -----------------------------------------------


class Milestones(_Collection):
    _path, _item, _id_name = "/scheduling/milestones", "/scheduling/milestones/{milestone_id}", "milestone_id"


class Scheduling(Resource):
    def __init__(self, client: BaseClient) -> None:
        super().__init__(client)
        self.milestones = Milestones(client)

    def _project(self, suffix: str) -> str:
        return "/scheduling/projects/{project_id}" + suffix

    def gantt(self, project_id: str, **params: Any) -> Any:
        return self._get(self._project("/gantt"), {"project_id": project_id}, **params)

    def critical_path(self, project_id: str, **params: Any) -> Any:
        return self._get(self._project("/critical-path"), {"project_id": project_id}, **params)

    def plan(self, project_id: str) -> Any:
        return self._get(self._project("/plan"), {"project_id": project_id})

    def submit_plan(self, project_id: str, **fields: Any) -> Any:
        return self._post(self._project("/plan/submit"), {"project_id": project_id}, **fields)

    def approve_plan(self, project_id: str, **fields: Any) -> Any:
        return self._post(self._project("/plan/approve"), {"project_id": project_id}, **fields)

    def lock_plan(self, project_id: str, **fields: Any) -> Any:
        return self._post(self._project("/plan/lock"), {"project_id": project_id}, **fields)

    def unlock_plan(self, project_id: str, **fields: Any) -> Any:
        return self._post(self._project("/plan/unlock"), {"project_id": project_id}, **fields)

    def baselines(self, project_id: str, **params: Any) -> Any:
        """The project's baselines (a Page when the server paginates them)."""
        return self._call("GET", self._project("/baselines"), {"project_id": project_id}, params=params)

    def create_baseline(self, project_id: str, *, idempotency_key: str | None = None, **fields: Any) -> Any:
        ids = {"project_id": project_id}
        return self._post(self._project("/baselines"), ids, idempotency_key=idempotency_key, **fields)


# --- Module 6: collaboration ----------------------------------------------------------------------


class Comments(Resource):
    def list(self, task_id: str, **params: Any) -> Page:
        return self._get("/tasks/{task_id}/comments", {"task_id": task_id}, **params)

    def iter(self, task_id: str, **params: Any) -> Iterator:
        return self._paging(self.list(task_id, **params))

    def create(self, task_id: str, content: str, *, idempotency_key: str | None = None, **fields: Any) -> Any:
        ids = {"task_id": task_id}
        return self._post("/tasks/{task_id}/comments", ids, idempotency_key=idempotency_key, content=content, **fields)

    def update(self, comment_id: str, **fields: Any) -> Any:
        return self._patch("/comments/{comment_id}", {"comment_id": comment_id}, **fields)

    def delete(self, comment_id: str) -> None:
        return self._delete("/comments/{comment_id}", {"comment_id": comment_id})


class Mentions(Resource):
    def list(self, **params: Any) -> Page:
        return self._get("/mentions", **params)

    def iter(self, **params: Any) -> Iterator:
        return self._paging(self.list(**params))

    def mark_read(self, mention_id: str) -> Any:
        return self._patch("/mentions/{mention_id}/read", {"mention_id": mention_id})


class Search(Resource):
    def query(self, q: str, **params: Any) -> Page:
        """Full-text search over projects, tasks and comments (`types=` to narrow)."""
        return self._get("/search", q=q, **params)

    def iter(self, q: str, **params: Any) -> Iterator:
        return self._paging(self.query(q, **params))


# --- Module 7: notifications and events -----------------------------------------------------------


class Notifications(Resource):
    def list(self, **params: Any) -> Page:
        return self._get("/notifications", **params)

    def iter(self, **params: Any) -> Iterator:
        return self._paging(self.list(**params))

    def mark_read(self, notification_id: str) -> Any:
        return self._patch("/notifications/{notification_id}/read", {"notification_id": notification_id})

    def mark_all_read(self, type: str | None = None) -> Any:
        return self._call("POST", "/notifications/mark-all-read", params={"type": type}, json_body={})

    def delete(self, notification_id: str) -> None:
        return self._delete("/notifications/{notification_id}", {"notification_id": notification_id})

    def unread_count(self) -> Any:
        return self._get("/notifications/unread-count")

    def get_preferences(self) -> Any:
        return self._get("/notifications/preferences")

    def update_preferences(self, **fields: Any) -> Any:
        return self._patch("/notifications/preferences", **fields)

    def stream(self, *, last_event_id: str | None = None, **params: Any) -> Any:
        """The live Server-Sent Events stream: yields {"id", "event", "data"} (data parsed as JSON
        when it is JSON) until the server closes the stream; heartbeats are skipped."""
        client = self._client
        headers = {"Accept": "text/event-stream", **client._auth_headers()}
        if last_event_id:
            headers["Last-Event-ID"] = last_event_id
        url = client._url("/notifications/stream")
        if client.is_async:
            return self._astream(url, params, headers)
        return self._stream(url, params, headers)

    def _stream(self, url: str, params: dict, headers: dict) -> Iterator[dict]:
        client = self._client
        with client._http.stream("GET", url, params=params or None, headers=headers, timeout=None) as response:
            if response.status_code >= 400:
                response.read()
                raise client._error(response)
            parser = _SSEParser()
            for line in response.iter_lines():
                yield from parser.feed(line)

    async def _astream(self, url: str, params: dict, headers: dict) -> AsyncIterator[dict]:
        client = self._client
        async with client._http.stream("GET", url, params=params or None, headers=headers, timeout=None) as response:
            if response.status_code >= 400:
                await response.aread()
                raise client._error(response)
            parser = _SSEParser()
            async for line in response.aiter_lines():
                for event in parser.feed(line):
                    yield event


class _SSEParser:
    """text/event-stream lines -> events (comments and heartbeats skipped)."""

    def __init__(self) -> None:
        self.event: dict[str, Any] = {}

    def feed(self, line: str) -> list[dict]:
        if not line:
            event, self.event = self.event, {}
            return [_sse_event(event)] if "data" in event else []
        if not line.startswith(":"):
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "data":
                self.event["data"] = self.event["data"] + "\n" + value if "data" in self.event else value
            elif name in {"id", "event", "retry"}:
                self.event[name] = value
        return []


def _sse_event(event: dict[str, Any]) -> dict[str, Any]:
    data = event.get("data", "")
    with contextlib.suppress(ValueError):
        data = json.loads(data)
    return {"id": event.get("id"), "event": event.get("event", "message"), "data": data}


class Events(Resource):
    def list(self, **params: Any) -> OffsetPage:
        """Domain events, `limit=`/`offset=` with a total (filters: event_type, aggregate_type, ...)."""
        return self._get("/events", **params)

    def iter(self, **params: Any) -> Iterator:
        return self._paging(self.list(**params))

    def types(self) -> Any:
        return self._get("/event-types")


class EventConsumers(_Collection):
    _path, _item, _id_name = "/event-consumers", "/event-consumers/{consumer_id}", "consumer_id"


# --- Module 8: archive, trash, audit, compliance --------------------------------------------------


class Archive(Resource):
    def archive_project(self, project_id: str, **fields: Any) -> Any:
        """`reason`, `archive_all_related`, `notify_team`."""
        return self._post("/archive/projects/{project_id}/archive", {"project_id": project_id}, **fields)

    def unarchive_project(self, project_id: str, **fields: Any) -> Any:
        return self._post("/archive/projects/{project_id}/unarchive", {"project_id": project_id}, **fields)

    def history(self, project_id: str, **params: Any) -> Page:
        return self._get("/archive/projects/{project_id}/history", {"project_id": project_id}, **params)

    def iter_history(self, project_id: str, **params: Any) -> Iterator:
        return self._paging(self.history(project_id, **params))


class Trash(Resource):
    def list(self, **params: Any) -> Page:
        return self._get("/archive/trash", **params)

    def iter(self, **params: Any) -> Iterator:
        return self._paging(self.list(**params))

    def create(self, resource_type: str, resource_id: str, *, idempotency_key: str | None = None, **fields: Any) -> Any:
        """Move a resource to the trash."""
        return self._post(
            "/archive/trash",
            idempotency_key=idempotency_key,
            resource_type=resource_type,
            resource_id=resource_id,
            **fields,
        )

    def restore(self, trash_item_id: str) -> Any:
        return self._post("/archive/trash/{trash_item_id}/restore", {"trash_item_id": trash_item_id})

    def purge(self, trash_item_id: str) -> None:
        return self._delete("/archive/trash/{trash_item_id}", {"trash_item_id": trash_item_id})


class AuditLogs(Resource):
    def list(self, **params: Any) -> Page:
        return self._get("/audit-logs", **params)

    def iter(self, **params: Any) -> Iterator:
        return self._paging(self.list(**params))

    def verify(self) -> Any:
        """The chain report (200), or for a long chain the background verification job (202):
        poll it with `verification(job_id)`."""
        return self._get("/audit-logs/verify")

    def verification(self, verification_id: str) -> Any:
        """A background verification: status, checked_entries of total_entries, percent, verdict."""
        return self._get("/audit-logs/verifications/{verification_id}", {"verification_id": verification_id})


class Compliance(Resource):
    def export(self, **params: Any) -> Any:
        """`start_date`, `end_date`, `format` (json, csv, pdf), `workspace_id`: the JSON report, a
        queued job, or the file's bytes."""
        return self._get("/compliance/export", **params)

    def get_export(self, export_id: str) -> Any:
        return self._get("/compliance/exports/{export_id}", {"export_id": export_id})

    def download_export(self, export_id: str, token: str | None = None) -> bytes:
        return self._get("/compliance/exports/{export_id}/download", {"export_id": export_id}, token=token)

    def my_data(self) -> Any:
        return self._get("/compliance/my-data")

    def erasure(self, password: str, *, confirm: bool = True, **fields: Any) -> Any:
        return self._post("/compliance/erasure", password=password, confirm=confirm, **fields)


# --- Module 9: personalization --------------------------------------------------------------------


class Preferences(Resource):
    def get(self) -> Any:
        return self._get("/preferences")

    def update(self, **fields: Any) -> Any:
        return self._patch("/preferences", **fields)

    def themes(self) -> Any:
        return self._get("/preferences/themes")

    def languages(self) -> Any:
        return self._get("/preferences/languages")

    def wcag_level(self) -> Any:
        return self._get("/preferences/accessibility/wcag-level")


# --- Module 11: analytics and reports -------------------------------------------------------------


class Analytics(Resource):
    def project_metrics(self, project_id: str, **params: Any) -> Any:
        return self._get("/analytics/projects/{project_id}/metrics", {"project_id": project_id}, **params)

    def burndown(self, project_id: str, **params: Any) -> Any:
        return self._get("/analytics/projects/{project_id}/burndown", {"project_id": project_id}, **params)


class Reports(_Collection):
    _path, _item, _id_name = "/reports", "/reports/{report_id}", "report_id"

    def execute(self, report_id: str, *, idempotency_key: str | None = None) -> Any:
        ids = {"report_id": report_id}
        return self._call("POST", "/reports/{report_id}/execute", ids, idempotency_key=idempotency_key)

    def executions(self, report_id: str, **params: Any) -> Page:
        """The report's run history, newest first (`GET /reports/{id}/executions`)."""
        return self._get("/reports/{report_id}/executions", {"report_id": report_id}, **params)

    def iter_executions(self, report_id: str, **params: Any) -> Iterator:
        return self._paging(self.executions(report_id, **params))

    def results(self, report_id: str, execution_id: str | None = None) -> Any:
        return self._get("/reports/{report_id}/results", {"report_id": report_id}, execution_id=execution_id)

    def export(self, report_id: str, format: str = "csv", **params: Any) -> bytes:
        return self._get("/reports/{report_id}/export", {"report_id": report_id}, format=format, **params)


# --- Module 12: integrations ----------------------------------------------------------------------


class Tokens(_Collection):
    _path, _item, _id_name = "/integration/tokens", "/integration/tokens/{token_id}", "token_id"

    def revoke(self, token_id: str) -> None:
        return self.delete(token_id)

    def usage(self, token_id: str, **params: Any) -> Any:
        return self._get("/integration/tokens/{token_id}/usage", {"token_id": token_id}, **params)

    def scopes(self) -> Any:
        return self._get("/integration/tokens/scopes")


class Webhooks(_Collection):
    _path, _item, _id_name = "/integration/webhooks", "/integration/webhooks/{webhook_id}", "webhook_id"

    def deliveries(self, webhook_id: str, **params: Any) -> OffsetPage:
        """Delivery attempts, `limit=`/`offset=` with a total."""
        return self._get("/integration/webhooks/{webhook_id}/deliveries", {"webhook_id": webhook_id}, **params)

    def iter_deliveries(self, webhook_id: str, **params: Any) -> Iterator:
        return self._paging(self.deliveries(webhook_id, **params))

    def get_delivery(self, webhook_id: str, delivery_id: str) -> Any:
        """One delivery with its attempts' request headers (signature masked) and response excerpt."""
        ids = {"webhook_id": webhook_id, "delivery_id": delivery_id}
        return self._get("/integration/webhooks/{webhook_id}/deliveries/{delivery_id}", ids)

    def test(self, webhook_id: str, *, idempotency_key: str | None = None) -> Any:
        """Send a signed `webhook.test` event now (202; the delivery appears in the log)."""
        ids = {"webhook_id": webhook_id}
        return self._call("POST", "/integration/webhooks/{webhook_id}/test", ids, idempotency_key=idempotency_key)

    def redeliver(self, webhook_id: str, delivery_id: str, *, idempotency_key: str | None = None) -> Any:
        """Send a delivery's event again as a new attempt with the same `webhook-id` (202)."""
        ids = {"webhook_id": webhook_id, "delivery_id": delivery_id}
        path = "/integration/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver"
        return self._call("POST", path, ids, idempotency_key=idempotency_key)

    def rotate_secret(self, webhook_id: str, *, idempotency_key: str | None = None) -> Any:
        """A new generated secret, shown once; the previous one keeps signing for 24 h."""
        ids = {"webhook_id": webhook_id}
        path = "/integration/webhooks/{webhook_id}/rotate-secret"
        return self._call("POST", path, ids, idempotency_key=idempotency_key)


class OAuth(Resource):
    def apps(self, **params: Any) -> Page:
        return self._get("/integration/oauth/apps", **params)

    def get_app(self, app_id: str) -> Any:
        return self._get("/integration/oauth/apps/{app_id}", {"app_id": app_id})

    def connections(self, **params: Any) -> Page:
        return self._get("/integration/oauth/connections", **params)

    def iter_connections(self, **params: Any) -> Iterator:
        return self._paging(self.connections(**params))

    def connect(self, *, idempotency_key: str | None = None, **fields: Any) -> Any:
        """`oauth_app_id`, `access_token`, `refresh_token`, `external_user_id`."""
        return self._post("/integration/oauth/connections", idempotency_key=idempotency_key, **fields)

    def get_connection(self, connection_id: str) -> Any:
        return self._get("/integration/oauth/connections/{connection_id}", {"connection_id": connection_id})

    def disconnect(self, connection_id: str) -> None:
        return self._delete("/integration/oauth/connections/{connection_id}", {"connection_id": connection_id})


class Plugins(Resource):
    def list(self, **params: Any) -> Page:
        return self._get("/integration/plugins", **params)

    def iter(self, **params: Any) -> Iterator:
        return self._paging(self.list(**params))

    def get(self, plugin_id: str) -> Any:
        return self._get("/integration/plugins/{plugin_id}", {"plugin_id": plugin_id})

    def install(self, plugin_id: str, workspace_id: str, *, idempotency_key: str | None = None, **fields: Any) -> Any:
        ids = {"plugin_id": plugin_id}
        return self._post(
            "/integration/plugins/{plugin_id}/install",
            ids,
            idempotency_key=idempotency_key,
            workspace_id=workspace_id,
            **fields,
        )

    def installed(self, workspace_id: str, **params: Any) -> Page:
        return self._get("/integration/plugins/installed", workspace_id=workspace_id, **params)

    def update_config(self, installation_id: str, configuration: dict) -> Any:
        ids = {"installation_id": installation_id}
        return self._patch("/integration/plugins/{installation_id}/config", ids, configuration=configuration)

    def uninstall(self, installation_id: str) -> None:
        return self._delete("/integration/plugins/{plugin_id}", {"plugin_id": installation_id})


class Consents(_Collection):
    _path, _item, _id_name = "/integration/consents", "/integration/consents/{consent_id}", "consent_id"

    def grant(self, **fields: Any) -> Any:
        return self.create(**fields)

    def revoke(self, consent_id: str) -> None:
        return self.delete(consent_id)

    def status(self) -> Any:
        return self._get("/integration/consents/status")

    # Consents cannot be edited: revoke and grant again.
    update = None  # type: ignore[assignment]


class Integration(Resource):
    def status(self) -> Any:
        return self._get("/integration/status")

    def health(self) -> Any:
        return self._get("/integration/health")
