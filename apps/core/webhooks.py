"""Signed HTTP delivery of a JSON body to an outside URL, for every sender (module 12 webhooks,
module 7 webhook event consumers).

    sign(body, secret)                          -> "sha256=<hex HMAC-SHA256 of the raw body>"
    check_target(url)                           -> raises UnsafeTarget (scheme, credentials, SSRF)
    deliver(url, body, secret, headers, timeout) -> DeliveryResult, never raises

Receivers verify `X-PronaFlow-Signature` by computing HMAC-SHA256 over the exact bytes received with
the shared secret and comparing in constant time. `X-PronaFlow-Timestamp` (epoch seconds) lets them
refuse stale replays.

SSRF: unless settings.WEBHOOK_ALLOW_PRIVATE_TARGETS, every address the host resolves to must be a
public unicast address, and the connection is pinned to the address that was checked (the Host
header and TLS server name stay the original host name), so DNS rebinding between check and
connect cannot reach an internal service. Redirects are never followed.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx
from django.conf import settings

USER_AGENT = "PronaFlow-Webhooks/1.2"
MAX_ERROR_LENGTH = 1000


class UnsafeTarget(ValueError):
    """The URL is not an acceptable webhook target."""


@dataclass(frozen=True)
class DeliveryResult:
    ok: bool
    status_code: int | None
    response_time_ms: int | None
    error: str = ""


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, secret: str, signature: str) -> bool:
    """Constant-time check of a signature header value (what a receiver does)."""
    return hmac.compare_digest(sign(body, secret), signature or "")


def private_targets_allowed() -> bool:
    return bool(getattr(settings, "WEBHOOK_ALLOW_PRIVATE_TARGETS", False))


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _parse(url: str):
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeTarget("Enter a valid URL.") from exc
    if parts.scheme not in ("http", "https"):
        raise UnsafeTarget("Only http and https URLs are accepted.")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise UnsafeTarget("The URL needs a host name.")
    if parts.username or parts.password:
        raise UnsafeTarget("Credentials in the URL are not accepted; receivers verify the signature instead.")
    if port == 0:
        raise UnsafeTarget("Enter a valid port.")
    return parts, host, port or (443 if parts.scheme == "https" else 80)


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeTarget(f"The host name does not resolve ({host}).") from exc
    return list(dict.fromkeys(info[4][0] for info in infos))


def check_target(url: str, *, resolve: bool = True) -> list[str]:
    """Validate `url` as a webhook target and return the public addresses it resolves to (empty when
    private targets are allowed, or when `resolve` is False and the host is a name). Raises
    UnsafeTarget for a bad scheme, credentials, or a loopback/private/link-local/reserved target."""
    _parts, host, port = _parse(url)
    if private_targets_allowed():
        return []
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        raise UnsafeTarget("Loopback, private and link-local targets are not accepted.")
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        if not _is_public(str(literal)):
            raise UnsafeTarget("Loopback, private and link-local targets are not accepted.")
        return [str(literal)]
    if not resolve:
        return []
    addresses = _resolve(host, port)
    if not addresses or not all(_is_public(address) for address in addresses):
        raise UnsafeTarget("The host resolves to a loopback, private or link-local address.")
    return addresses


def _pinned(url: str, address: str) -> tuple[str, str]:
    """The URL with its host replaced by the checked address, and the original Host header."""
    parts = urlsplit(url)
    host_header = parts.netloc.rsplit("@", 1)[-1]
    ip_host = f"[{address}]" if ":" in address else address
    netloc = f"{ip_host}:{parts.port}" if parts.port else ip_host
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, "")), host_header


def deliver(
    url: str, body: bytes, secret: str, headers: dict[str, str] | None = None, timeout: float = 10
) -> DeliveryResult:
    """POST `body` (JSON bytes) to `url`, signed with `secret`. 2xx is success; network errors,
    timeouts, unsafe targets and other statuses are failures described in `error`."""
    try:
        addresses = check_target(url)
    except UnsafeTarget as exc:
        return DeliveryResult(ok=False, status_code=None, response_time_ms=None, error=str(exc))
    request_headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        **(headers or {}),
        "X-PronaFlow-Timestamp": str(int(time.time())),
        "X-PronaFlow-Signature": sign(body, secret),
    }
    target, extensions = url, {}
    if addresses:
        target, request_headers["Host"] = _pinned(url, addresses[0])
        if urlsplit(url).scheme == "https":
            extensions["sni_hostname"] = urlsplit(url).hostname
    started = time.monotonic()
    try:
        with httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=False, trust_env=False) as client:
            response = client.post(target, content=body, headers=request_headers, extensions=extensions)
    except httpx.HTTPError as exc:
        elapsed = int((time.monotonic() - started) * 1000)
        return DeliveryResult(
            ok=False,
            status_code=None,
            response_time_ms=elapsed,
            error=f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH],
        )
    elapsed = int((time.monotonic() - started) * 1000)
    if 200 <= response.status_code < 300:
        return DeliveryResult(ok=True, status_code=response.status_code, response_time_ms=elapsed)
    reason = response.reason_phrase or "error"
    return DeliveryResult(
        ok=False,
        status_code=response.status_code,
        response_time_ms=elapsed,
        error=f"HTTP {response.status_code} {reason}"[:MAX_ERROR_LENGTH],
    )
