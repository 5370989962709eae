"""Signed HTTP delivery of events to outside URLs, shared by event consumers and module 12.

A delivery is a POST of a JSON body signed with HMAC-SHA256 under a per-subscription secret:
`X-PronaFlow-Signature: sha256=<hex>`, with `X-PronaFlow-Event` and `X-PronaFlow-Delivery`.
Targets must be http(s); unless DEBUG or WEBHOOK_ALLOW_PRIVATE_TARGETS, every address the host
resolves to must be public (no loopback, private, link-local or metadata addresses: SSRF).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from django.conf import settings

USER_AGENT = "PronaFlow-Webhooks/1.2"
BLOCKED_HOSTNAMES = {"localhost", "localhost.localdomain", "metadata.google.internal"}


class UnsafeTarget(ValueError):
    """The URL is not an acceptable webhook target."""


@dataclass(frozen=True)
class DeliveryResult:
    ok: bool
    status_code: int | None
    error: str = ""


def new_secret() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _private_allowed() -> bool:
    return bool(settings.DEBUG or getattr(settings, "WEBHOOK_ALLOW_PRIVATE_TARGETS", False))


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def validate_url(url: str) -> str:
    """Shape check at configuration time (no DNS): scheme, host, no credentials, no literal
    private address. Raises UnsafeTarget."""
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
        raise UnsafeTarget("Credentials in the URL are not accepted; use the signing secret.")
    if port == 0:
        raise UnsafeTarget("Enter a valid port.")
    if _private_allowed():
        return url
    if host in BLOCKED_HOSTNAMES or host.endswith((".localhost", ".local", ".internal")):
        raise UnsafeTarget("Private and loopback targets are not accepted.")
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return url  # a host name: resolved and checked at delivery time
    if not _is_public(str(literal)):
        raise UnsafeTarget("Private and loopback targets are not accepted.")
    return url


def _check_resolved(url: str) -> None:
    """Delivery-time SSRF check: every address the host resolves to must be public."""
    if _private_allowed():
        return
    parts = urlsplit(url)
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except socket.gaierror as exc:
        raise UnsafeTarget(f"The host does not resolve: {exc}") from exc
    if not infos or not all(_is_public(info[4][0]) for info in infos):
        raise UnsafeTarget("The host resolves to a private or loopback address.")


def deliver(*, url: str, secret: str, body: bytes, event_type: str, delivery_id: str) -> DeliveryResult:
    """POST `body` to `url`, signed. Never raises for network or target errors: 2xx is success."""
    try:
        validate_url(url)
        _check_resolved(url)
    except UnsafeTarget as exc:
        return DeliveryResult(ok=False, status_code=None, error=str(exc))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-PronaFlow-Event": event_type,
        "X-PronaFlow-Delivery": delivery_id,
        "X-PronaFlow-Signature": sign(secret, body),
    }
    timeout = httpx.Timeout(getattr(settings, "WEBHOOK_TIMEOUT_SECONDS", 10))
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
            response = client.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return DeliveryResult(ok=False, status_code=None, error=f"{type(exc).__name__}: {exc}"[:1000])
    if 200 <= response.status_code < 300:
        return DeliveryResult(ok=True, status_code=response.status_code)
    return DeliveryResult(ok=False, status_code=response.status_code, error=f"HTTP {response.status_code}")
