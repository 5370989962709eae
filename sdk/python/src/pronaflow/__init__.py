"""PronaFlow API client.

from pronaflow import PronaFlow

client = PronaFlow(api_token="prona_...", base_url="https://api.pronaflow.com")
task = client.tasks.create(title="Design UI", priority="high", project_id="...")
projects = client.projects.list()
"""

from __future__ import annotations

__version__ = "1.2.0"

from typing import Any

from pronaflow import errors, models, webhooks
from pronaflow import resources as _r
from pronaflow._client import (
    DEFAULT_BASE_URL,
    AsyncBaseClient,
    AsyncOffsetPage,
    AsyncPage,
    BaseClient,
    OffsetPage,
    Page,
    SchemaWarning,
)
from pronaflow.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    ConflictError,
    InternalServerError,
    InvalidRequestError,
    MethodNotAllowedError,
    MFARequiredError,
    NotFoundError,
    PermissionDeniedError,
    PronaFlowError,
    RateLimitError,
    ServiceUnavailableError,
    ValidationError,
)


def _attach_resources(client: Any) -> None:
    client.auth = _r.Auth(client)
    client.workspaces = _r.Workspaces(client)
    client.projects = _r.Projects(client)
    client.tasks = _r.Tasks(client)
    client.task_lists = client.tasks.lists
    client.comments = client.tasks.comments
    client.mentions = _r.Mentions(client)
    client.search = _r.Search(client)
    client.scheduling = _r.Scheduling(client)
    client.milestones = client.scheduling.milestones
    client.notifications = _r.Notifications(client)
    client.events = _r.Events(client)
    client.event_consumers = _r.EventConsumers(client)
    client.archive = _r.Archive(client)
    client.trash = _r.Trash(client)
    client.audit_logs = _r.AuditLogs(client)
    client.compliance = _r.Compliance(client)
    client.preferences = _r.Preferences(client)
    client.analytics = _r.Analytics(client)
    client.reports = _r.Reports(client)
    client.tokens = _r.Tokens(client)
    client.webhooks = _r.Webhooks(client)
    client.oauth = _r.OAuth(client)
    client.plugins = _r.Plugins(client)
    client.consents = _r.Consents(client)
    client.integration = _r.Integration(client)


def _login_body(email: str, password: str) -> dict[str, str]:
    return {"email": email, "password": password}


def _mfa_needed(data: dict, totp_code: str | None) -> bool:
    if data.get("mfa_required") and not totp_code:
        raise MFARequiredError("This account needs a second factor (totp_code).", mfa_token=data.get("mfa_token"))
    return bool(data.get("mfa_required"))


class PronaFlow(BaseClient):
    """Synchronous client. Authenticate with an API token (`api_token=`, or the
    PRONAFLOW_API_TOKEN environment variable) or with `email=` and `password=` (JWT; refreshed
    automatically when the access token expires). `base_url` defaults to PRONAFLOW_BASE_URL,
    else https://api.pronaflow.com.

    Options: `timeout`, `max_retries` (3), `backoff_factor`, `max_backoff`, `typed` (False
    returns plain dicts instead of models), `transport` / `http_client` (httpx), `headers`.
    """

    def __init__(
        self,
        api_token: str | None = None,
        base_url: str | None = None,
        *,
        email: str | None = None,
        password: str | None = None,
        totp_code: str | None = None,
        **options: Any,
    ) -> None:
        super().__init__(api_token=api_token, base_url=base_url, **options)
        _attach_resources(self)
        if email is not None or password is not None:
            if not email or not password:
                raise ValueError("Pass both email and password.")
            self._sign_in(email, password, totp_code)

    @classmethod
    def login(
        cls, email: str, password: str, *, base_url: str | None = None, totp_code: str | None = None, **options: Any
    ) -> PronaFlow:
        """A client signed in with e-mail and password (JWT access + refresh tokens)."""
        return cls(base_url=base_url, email=email, password=password, totp_code=totp_code, **options)

    def _sign_in(self, email: str, password: str, totp_code: str | None) -> None:
        self.api_token = None
        response = self.request("POST", "/auth/login", json_body=_login_body(email, password), authenticated=False)
        data = response.json().get("data") or {}
        if _mfa_needed(data, totp_code):
            body = {"mfa_token": data.get("mfa_token"), "totp_code": totp_code}
            data = self.request("POST", "/auth/mfa/verify", json_body=body, authenticated=False).json().get("data")
        self._store_tokens(data or {})

    def health(self) -> Any:
        """GET /health (database, Redis, broker, e-mail)."""
        return self.call("GET", "/health", authenticated=False)


class AsyncPronaFlow(AsyncBaseClient):
    """The asyncio client: the same resources and methods as PronaFlow, awaited
    (`await client.tasks.create(...)`; `async for task in client.tasks.iter(...)`).
    With `email=`/`password=` it signs in on the first call, or use `await AsyncPronaFlow.login(...)`.
    """

    def __init__(
        self,
        api_token: str | None = None,
        base_url: str | None = None,
        *,
        email: str | None = None,
        password: str | None = None,
        totp_code: str | None = None,
        **options: Any,
    ) -> None:
        super().__init__(api_token=api_token, base_url=base_url, **options)
        _attach_resources(self)
        if email is not None or password is not None:
            if not email or not password:
                raise ValueError("Pass both email and password.")
            self.api_token = None
            self._credentials = (email, password, totp_code)

    @classmethod
    async def login(
        cls, email: str, password: str, *, base_url: str | None = None, totp_code: str | None = None, **options: Any
    ) -> AsyncPronaFlow:
        client = cls(base_url=base_url, email=email, password=password, totp_code=totp_code, **options)
        await client._sign_in(email, password, totp_code)
        return client

    async def _sign_in(self, email: str, password: str, totp_code: str | None) -> None:
        self.api_token = None
        response = await self.request(
            "POST", "/auth/login", json_body=_login_body(email, password), authenticated=False
        )
        data = response.json().get("data") or {}
        if _mfa_needed(data, totp_code):
            body = {"mfa_token": data.get("mfa_token"), "totp_code": totp_code}
            response = await self.request("POST", "/auth/mfa/verify", json_body=body, authenticated=False)
            data = response.json().get("data")
        self._store_tokens(data or {})

    async def health(self) -> Any:
        return await self.call("GET", "/health", authenticated=False)


Client = PronaFlow

__all__ = [
    "DEFAULT_BASE_URL",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncOffsetPage",
    "AsyncPage",
    "AsyncPronaFlow",
    "AuthenticationError",
    "Client",
    "ConflictError",
    "InternalServerError",
    "InvalidRequestError",
    "MFARequiredError",
    "MethodNotAllowedError",
    "NotFoundError",
    "OffsetPage",
    "Page",
    "PermissionDeniedError",
    "PronaFlow",
    "PronaFlowError",
    "RateLimitError",
    "SchemaWarning",
    "ServiceUnavailableError",
    "ValidationError",
    "errors",
    "models",
    "webhooks",
]
