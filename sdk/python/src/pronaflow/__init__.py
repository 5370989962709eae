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
from pronaflow._client import DEFAULT_BASE_URL, BaseClient, OffsetPage, Page, SchemaWarning
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


class PronaFlow(BaseClient):
    """Synchronous client. Authenticate with an API token (`api_token=`, or the
    PRONAFLOW_API_TOKEN environment variable) or with `email=` and `password=` (JWT; refreshed
    automatically when the access token expires). `base_url` defaults to PRONAFLOW_BASE_URL,
    else https://api.pronaflow.com.

    Options: `timeout`, `max_retries` (3), `backoff_factor`, `max_backoff`, `typed` (False
    returns plain dicts instead of models), `transport` / `http_client` (httpx).
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
        self.auth = _r.Auth(self)
        self.workspaces = _r.Workspaces(self)
        self.projects = _r.Projects(self)
        self.tasks = _r.Tasks(self)
        self.task_lists = self.tasks.lists
        self.comments = _r.Comments(self)
        self.mentions = _r.Mentions(self)
        self.search = _r.Search(self)
        self.scheduling = _r.Scheduling(self)
        self.milestones = self.scheduling.milestones
        self.notifications = _r.Notifications(self)
        self.events = _r.Events(self)
        self.event_consumers = _r.EventConsumers(self)
        self.archive = _r.Archive(self)
        self.trash = _r.Trash(self)
        self.audit_logs = _r.AuditLogs(self)
        self.compliance = _r.Compliance(self)
        self.preferences = _r.Preferences(self)
        self.analytics = _r.Analytics(self)
        self.reports = _r.Reports(self)
        self.tokens = _r.Tokens(self)
        self.webhooks = _r.Webhooks(self)
        self.oauth = _r.OAuth(self)
        self.plugins = _r.Plugins(self)
        self.consents = _r.Consents(self)
        self.integration = _r.Integration(self)
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
        body = self.request(
            "POST", "/auth/login", json_body={"email": email, "password": password}, authenticated=False
        ).json()
        data = body.get("data") or {}
        if data.get("mfa_required"):
            if not totp_code:
                raise MFARequiredError(
                    "This account needs a second factor (totp_code).", mfa_token=data.get("mfa_token")
                )
            body = self.request(
                "POST",
                "/auth/mfa/verify",
                json_body={"mfa_token": data.get("mfa_token"), "totp_code": totp_code},
                authenticated=False,
            ).json()
            data = body.get("data") or {}
        self.access_token = data.get("access_token")
        self.refresh_token = data.get("refresh_token")

    def health(self) -> Any:
        """GET /health (database, Redis, broker, e-mail)."""
        return self.call("GET", "/health", authenticated=False)


Client = PronaFlow

__all__ = [
    "DEFAULT_BASE_URL",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
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
