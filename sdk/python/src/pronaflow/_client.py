"""The HTTP layer: authentication, the envelope, errors, retries, typed results, pagination."""

from __future__ import annotations

import asyncio
import decimal
import email.utils
import enum
import json
import os
import random
import re
import time
import uuid
import warnings
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Generic, TypeVar
from urllib.parse import quote

import httpx
import pydantic

from pronaflow import errors
from pronaflow._operations import OPERATIONS

DEFAULT_BASE_URL = "https://api.pronaflow.com"
API_PREFIX = "/api/v1"
RETRY_STATUSES = frozenset({429, 502, 503, 504})
IDEMPOTENCY_HEADER = "Idempotency-Key"
_PLACEHOLDER = re.compile(r"\{[^}]+\}")

T = TypeVar("T")


class SchemaWarning(UserWarning):
    """An answer did not match the SDK's generated model; the raw data was returned instead."""


def _version() -> str:
    from pronaflow import __version__

    return __version__


def _clean(values: Mapping[str, Any] | None) -> dict[str, Any]:
    """Drops None values; lists stay lists (httpx repeats the parameter), booleans become true/false."""
    out: dict[str, Any] = {}
    for key, value in (values or {}).items():
        if value is None:
            continue
        out[key] = ("true" if value else "false") if isinstance(value, bool) else value
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json", exclude_unset=True)
    if isinstance(value, Mapping):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (uuid.UUID, decimal.Decimal)):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _retry_after_seconds(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:  # an HTTP date
        return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


class _Core:
    """Configuration and the transport-independent parts of a call, shared by the sync and async
    clients: URLs, credentials, the retry policy, error mapping and result shaping."""

    def __init__(
        self,
        *,
        api_token: str | None = None,
        base_url: str | None = None,
        access_token: str | None = None,
        refresh_token: str | None = None,
        max_retries: int = 3,
        backoff_factor: float = 0.5,
        max_backoff: float = 30.0,
        typed: bool = True,
    ) -> None:
        self.base_url = (base_url or os.environ.get("PRONAFLOW_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
        if api_token is None and access_token is None:
            api_token = os.environ.get("PRONAFLOW_API_TOKEN") or None
        self.api_token = api_token
        self.access_token = access_token
        self.refresh_token = refresh_token
        self.max_retries = max(0, int(max_retries))
        self.backoff_factor = backoff_factor
        self.max_backoff = max_backoff
        self.typed = typed

    @staticmethod
    def _default_headers(extra: Mapping[str, str] | None) -> dict[str, str]:
        headers = {"User-Agent": f"pronaflow-python/{_version()}", "Accept": "application/json"}
        headers.update(extra or {})
        return headers

    def _url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        if path == "/health":
            return self.base_url + path
        return self.base_url + API_PREFIX + path

    def _auth_headers(self) -> dict[str, str]:
        bearer = self.api_token or self.access_token
        return {"Authorization": f"Bearer {bearer}"} if bearer else {}

    def _backoff(self, attempt: int) -> float:
        delay = min(self.max_backoff, self.backoff_factor * (2**attempt))
        return delay * (0.5 + random.random() / 2)

    @staticmethod
    def _prepare(method: str, json_body: Any, idempotency_key: str | None, headers: Mapping[str, str] | None):
        request_headers = dict(headers or {})
        if method == "POST":
            request_headers[IDEMPOTENCY_HEADER] = idempotency_key or str(uuid.uuid4())
        content = None
        if json_body is not None:
            content = json.dumps(_jsonable(json_body), separators=(",", ":")).encode()
            request_headers["Content-Type"] = "application/json"
        return request_headers, content

    def _transport_failure(self, exc: httpx.TransportError, attempt: int, replay_safe: bool) -> float:
        """The wait before retrying after a transport error, or raises when out of retries.
        A request the server may have processed is retried only when that is safe."""
        never_sent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))
        if attempt < self.max_retries and (replay_safe or never_sent):
            return self._backoff(attempt)
        if isinstance(exc, httpx.TimeoutException):
            raise errors.APITimeoutError(f"Request timed out: {exc}") from exc
        raise errors.APIConnectionError(f"Could not reach {self.base_url}: {exc}") from exc

    def _status_failure(self, response: httpx.Response, attempt: int, method: str, replay_safe: bool) -> float:
        """The wait before retrying an error answer, or raises it as a PronaFlowError.
        429 and 503 mean the request was not processed; 502 and 504 may hide a processed one."""
        status = response.status_code
        retryable = (
            status in (429, 503)
            or (status in RETRY_STATUSES and replay_safe)
            or (status == 409 and attempt > 0 and method == "POST" and _in_progress(response))
        )
        if retryable and attempt < self.max_retries:
            wait = _retry_after_seconds(response)
            return min(self.max_backoff, wait) if wait is not None else self._backoff(attempt)
        raise self._error(response)

    def _can_refresh(self) -> bool:
        return self.api_token is None and self.refresh_token is not None

    def _store_tokens(self, data: Mapping[str, Any]) -> None:
        self.access_token = data.get("access_token") or self.access_token
        self.refresh_token = data.get("refresh_token") or self.refresh_token

    @staticmethod
    def _error(response: httpx.Response) -> errors.PronaFlowError:
        request_id = response.headers.get("x-request-id")
        try:
            body = response.json()
        except ValueError:
            body = None
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, dict):
            code, message, details = error.get("code"), error.get("message") or "", error.get("details")
        else:
            code, message, details = None, response.reason_phrase or f"HTTP {response.status_code}", None
        cls = errors.error_class(response.status_code, code)
        return cls(
            message,
            status=response.status_code,
            code=code,
            details=details,
            request_id=request_id,
            headers={key.lower(): value for key, value in response.headers.items()},
            body=body,
        )

    @staticmethod
    def _path(template: str, path_params: Mapping[str, Any] | None) -> str:
        return template.format(**{key: quote(str(value), safe="") for key, value in (path_params or {}).items()})

    @staticmethod
    def _known(method: str, template: str, shape: str | None, model: str | None):
        known = OPERATIONS.get((method.upper(), template)) or _lookup_by_shape(method, template)
        if known is not None:
            model = model or known[1]
            shape = shape or known[2]
        return shape, model

    def _result(self, response, method, path, params, shape, model, page_cls, offset_cls) -> Any:
        if response.status_code == 204 or not response.content:
            return None
        if "json" not in response.headers.get("content-type", ""):
            return response.content
        body = response.json()
        if shape is None:  # an operation the generated table does not know yet: go by the body
            shape = "object"
            if isinstance(body, dict) and isinstance(body.get("data"), list):
                shape = "page" if "pagination" in body else "offset" if "total" in body else "list"
        if shape == "page":
            return page_cls(self, method, path, dict(params or {}), body, model)
        if shape == "offset":
            return offset_cls(self, method, path, dict(params or {}), body, model)
        data = body.get("data") if isinstance(body, dict) and "success" in body else body
        if shape == "list" and isinstance(data, list):
            return [self._typed(item, model) for item in data]
        return self._typed(data, model)

    def _typed(self, data: Any, model: str | None) -> Any:
        if not self.typed or model is None or not isinstance(data, dict):
            return data
        from pronaflow import models

        cls = getattr(models, model, None)
        if cls is None:
            return data
        try:
            return cls.model_validate(data)
        except pydantic.ValidationError as exc:
            warnings.warn(f"answer does not match {model}: {exc}", SchemaWarning, stacklevel=4)
            return data


class BaseClient(_Core):
    """Synchronous HTTP core shared by every resource (see `pronaflow.PronaFlow`)."""

    is_async = False

    def __init__(
        self,
        *,
        timeout: float | httpx.Timeout = 30.0,
        transport: httpx.BaseTransport | None = None,
        http_client: httpx.Client | None = None,
        headers: Mapping[str, str] | None = None,
        **config: Any,
    ) -> None:
        super().__init__(**config)
        self._sleep = time.sleep
        default_headers = self._default_headers(headers)
        self._http = http_client or httpx.Client(timeout=timeout, transport=transport, headers=default_headers)
        if http_client is not None:
            self._http.headers.update(default_headers)

    def close(self) -> None:
        self._http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        idempotency_key: str | None = None,
        headers: Mapping[str, str] | None = None,
        authenticated: bool = True,
    ) -> httpx.Response:
        """Sends one API call with retries; returns the successful httpx.Response or raises.

        Retries (up to max_retries) on connection errors, timeouts, 429 (after Retry-After), 502,
        503 and 504 with exponential backoff and jitter. Every POST carries an Idempotency-Key
        (a uuid4 unless given) that stays the same across the retries, so a retried create cannot
        create twice; a 409 answered to a retry of it (the first attempt is still running) is
        retried as well. A 401 with JWT credentials refreshes the access token once.
        """
        method = method.upper()
        request_headers, content = self._prepare(method, json_body, idempotency_key, headers)
        # POSTs are deduplicated by their Idempotency-Key only for signed-in callers.
        replay_safe = method != "POST" or authenticated
        refreshed = False
        attempt = 0
        while True:
            if authenticated:
                request_headers.update(self._auth_headers())
            try:
                response = self._http.request(
                    method, self._url(path), params=_clean(params), content=content, headers=request_headers
                )
            except httpx.TransportError as exc:
                self._sleep(self._transport_failure(exc, attempt, replay_safe))
                attempt += 1
                continue
            if response.status_code < 400:
                return response
            if response.status_code == 401 and authenticated and not refreshed and self._can_refresh():
                refreshed = True
                self._refresh_access_token()
                continue
            self._sleep(self._status_failure(response, attempt, method, replay_safe))
            attempt += 1

    def _refresh_access_token(self) -> None:
        body = {"refresh_token": self.refresh_token}
        response = self.request("POST", "/auth/refresh", json_body=body, authenticated=False)
        self._store_tokens(response.json().get("data") or {})

    def call(
        self,
        method: str,
        template: str,
        path_params: Mapping[str, Any] | None = None,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        idempotency_key: str | None = None,
        shape: str | None = None,
        model: str | None = None,
        authenticated: bool = True,
    ) -> Any:
        """Calls the operation `method template` (path under /api/v1, with {placeholders}) and
        returns its result: a model (or dict with typed=False), a Page, bytes, or None."""
        path = self._path(template, path_params)
        shape, model = self._known(method, template, shape, model)
        response = self.request(
            method,
            path,
            params=params,
            json_body=json_body,
            idempotency_key=idempotency_key,
            authenticated=authenticated,
        )
        return self._result(response, method, path, params, shape, model, Page, OffsetPage)


class AsyncBaseClient(_Core):
    """The asyncio twin of BaseClient (see `pronaflow.AsyncPronaFlow`)."""

    is_async = True

    def __init__(
        self,
        *,
        timeout: float | httpx.Timeout = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
        headers: Mapping[str, str] | None = None,
        **config: Any,
    ) -> None:
        super().__init__(**config)
        self._sleep = asyncio.sleep
        default_headers = self._default_headers(headers)
        self._http = http_client or httpx.AsyncClient(timeout=timeout, transport=transport, headers=default_headers)
        if http_client is not None:
            self._http.headers.update(default_headers)
        self._credentials: tuple[str, str, str | None] | None = None

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        idempotency_key: str | None = None,
        headers: Mapping[str, str] | None = None,
        authenticated: bool = True,
    ) -> httpx.Response:
        """See BaseClient.request."""
        if authenticated and self._credentials is not None and not (self.api_token or self.access_token):
            await self._sign_in(*self._credentials)
        method = method.upper()
        request_headers, content = self._prepare(method, json_body, idempotency_key, headers)
        # POSTs are deduplicated by their Idempotency-Key only for signed-in callers.
        replay_safe = method != "POST" or authenticated
        refreshed = False
        attempt = 0
        while True:
            if authenticated:
                request_headers.update(self._auth_headers())
            try:
                response = await self._http.request(
                    method, self._url(path), params=_clean(params), content=content, headers=request_headers
                )
            except httpx.TransportError as exc:
                await self._sleep(self._transport_failure(exc, attempt, replay_safe))
                attempt += 1
                continue
            if response.status_code < 400:
                return response
            if response.status_code == 401 and authenticated and not refreshed and self._can_refresh():
                refreshed = True
                await self._refresh_access_token()
                continue
            await self._sleep(self._status_failure(response, attempt, method, replay_safe))
            attempt += 1

    async def _refresh_access_token(self) -> None:
        body = {"refresh_token": self.refresh_token}
        response = await self.request("POST", "/auth/refresh", json_body=body, authenticated=False)
        self._store_tokens(response.json().get("data") or {})

    async def _sign_in(self, email: str, password: str, totp_code: str | None) -> None:
        raise NotImplementedError  # provided by AsyncPronaFlow

    async def call(
        self,
        method: str,
        template: str,
        path_params: Mapping[str, Any] | None = None,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        idempotency_key: str | None = None,
        shape: str | None = None,
        model: str | None = None,
        authenticated: bool = True,
    ) -> Any:
        """See BaseClient.call."""
        path = self._path(template, path_params)
        shape, model = self._known(method, template, shape, model)
        response = await self.request(
            method,
            path,
            params=params,
            json_body=json_body,
            idempotency_key=idempotency_key,
            authenticated=authenticated,
        )
        return self._result(response, method, path, params, shape, model, AsyncPage, AsyncOffsetPage)


def _in_progress(response: httpx.Response) -> bool:
    """A 409 about the Idempotency-Key itself: the first attempt of this request is still running."""
    try:
        return IDEMPOTENCY_HEADER in (response.json()["error"].get("details") or {})
    except (ValueError, KeyError, TypeError, AttributeError):
        return False


def _lookup_by_shape(method: str, template: str):
    """The operation whose path matches `template` whatever its placeholder names."""
    wanted = _PLACEHOLDER.sub("{}", template)
    for (known_method, known_path), value in OPERATIONS.items():
        if known_method == method.upper() and _PLACEHOLDER.sub("{}", known_path) == wanted:
            return value
    return None


class Page(Sequence[T], Generic[T]):
    """One page of a page/page_size list. Iterating it walks this page only;
    `auto_paging_iter()` walks every page from this one on."""

    def __init__(self, client: BaseClient, method: str, path: str, params: dict, body: dict, model: str | None):
        self._client, self._method, self._path, self._params, self._model = client, method, path, params, model
        self.raw = body
        self.data: list[T] = [client._typed(item, model) for item in body.get("data") or []]
        pagination = body.get("pagination") or {}
        self.page: int = int(pagination.get("page") or params.get("page") or 1)
        self.page_size: int = int(pagination.get("page_size") or len(self.data) or 1)
        self.total: int = int(pagination.get("total") or 0)
        self.total_pages: int = int(pagination.get("total_pages") or 0)

    def __getitem__(self, index):
        return self.data[index]

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        return f"<Page {self.page}/{self.total_pages} of {self.total}: {len(self.data)} items>"

    def has_next_page(self) -> bool:
        return bool(self.data) and self.page < self.total_pages

    def next_page(self) -> Page[T] | None:
        if not self.has_next_page():
            return None
        params = {**self._params, "page": self.page + 1, "page_size": self.page_size}
        return self._client.call(self._method, self._path, params=params, shape="page", model=self._model)

    def auto_paging_iter(self) -> Iterator[T]:
        page: Page[T] | None = self
        while page is not None:
            yield from page.data
            page = page.next_page()

    def __iter__(self) -> Iterator[T]:
        return iter(self.data)


class OffsetPage(Page[T]):
    """One slice of a limit/offset list (domain events, webhook deliveries)."""

    def __init__(self, client: BaseClient, method: str, path: str, params: dict, body: dict, model: str | None):
        self._client, self._method, self._path, self._params, self._model = client, method, path, params, model
        self.raw = body
        self.data = [client._typed(item, model) for item in body.get("data") or []]
        self.total = int(body.get("total") or 0)
        self.offset = int(params.get("offset") or 0)
        self.limit = int(params.get("limit") or len(self.data) or 1)
        self.page_size = self.limit
        self.page = self.offset // self.limit + 1
        self.total_pages = -(-self.total // self.limit) if self.limit else 0

    def __repr__(self) -> str:
        return f"<OffsetPage offset={self.offset} of {self.total}: {len(self.data)} items>"

    def has_next_page(self) -> bool:
        return bool(self.data) and self.offset + len(self.data) < self.total

    def next_page(self) -> OffsetPage[T] | None:
        if not self.has_next_page():
            return None
        params = {**self._params, "offset": self.offset + len(self.data), "limit": self.limit}
        return self._client.call(self._method, self._path, params=params, shape="offset", model=self._model)


class AsyncPage(Page[T]):
    """A page of an AsyncPronaFlow list: `await page.next_page()`, `async for x in page.auto_paging_iter()`."""

    async def next_page(self) -> AsyncPage[T] | None:  # type: ignore[override]
        if not self.has_next_page():
            return None
        params = {**self._params, "page": self.page + 1, "page_size": self.page_size}
        return await self._client.call(self._method, self._path, params=params, shape="page", model=self._model)

    async def auto_paging_iter(self):  # type: ignore[override]
        page: AsyncPage[T] | None = self
        while page is not None:
            for item in page.data:
                yield item
            page = await page.next_page()


class AsyncOffsetPage(OffsetPage[T]):
    async def next_page(self) -> AsyncOffsetPage[T] | None:  # type: ignore[override]
        if not self.has_next_page():
            return None
        params = {**self._params, "offset": self.offset + len(self.data), "limit": self.limit}
        return await self._client.call(self._method, self._path, params=params, shape="offset", model=self._model)

    auto_paging_iter = AsyncPage.auto_paging_iter  # type: ignore[assignment]
