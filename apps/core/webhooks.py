"""Signed HTTP delivery of a JSON body to an outside URL: the signer, the SSRF guard, the HTTP client
and the retry schedule of the one webhook delivery pipeline (apps.integrations.services.deliveries),
which module 12 webhooks and module 7 webhook consumers share. Kept in core so every app can check a
target URL when it is saved.

    new_secret()                                  -> "whsec_<base64 of 32 random bytes>"
    signature(secrets, message_id, timestamp, body) -> "v1,<base64> [v1,<base64>]" (Standard Webhooks)
    check_target(url) / validate_target(url)      -> raise UnsafeTarget (scheme, credentials, SSRF)
    deliver(url, body, secrets=..., ...)          -> DeliveryResult, never raises
    retry_delay(policy, attempt), next_retry_at(...) -> the retry model

Signature: the Standard Webhooks scheme (https://www.standardwebhooks.com/), so any of its libraries
verifies a delivery: `webhook-id` (the message id, the same on every retry and redelivery),
`webhook-timestamp` (Unix seconds of this attempt) and `webhook-signature: v1,<base64 of
HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}")>`, one per secret in use (two, space
separated, while a rotated secret is still honoured). The id and timestamp are signed, so a captured
delivery cannot be replayed with a fresh timestamp. `X-PronaFlow-Signature-256: sha256=<hex
HMAC-SHA256(key, body)>` serves receivers that only do plain HMAC. The key of a `whsec_<base64>`
secret is its decoded bytes; any other secret (chosen by a user, or generated before this scheme)
signs with its UTF-8 bytes, i.e. its Standard Webhooks form is "whsec_" + base64(secret).

SSRF: unless settings.WEBHOOK_ALLOW_PRIVATE_TARGETS (a development switch), every address a host
resolves to must be a public unicast address, or be listed in WEBHOOK_ALLOWED_HOSTS (host names, IP
addresses or CIDR networks). Host spellings resolvers read as IPv4 (`2130706433`, `0x7f000001`,
`127.1`, `0177.0.0.1`, full-width digits) are read the same way here, and IPv6 addresses that embed an
IPv4 address (mapped, translated, compatible, NAT64, 6to4, Teredo, ISATAP) are judged by that address
too. The check runs when a URL is saved and again inside the HTTP client for every connection it
opens, which connects to the very addresses it checked (the address is pinned, so DNS rebinding
between check and connect cannot reach an internal service); the URL, Host header and TLS server
name stay the original host name. Redirects are never followed (a 3xx is a failed attempt).

One `httpx.Client` per process (with its TLS context) is reused by every delivery; connections to a
receiver are kept alive. Building a client per delivery loads the CA bundle, about 40 ms.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import functools
import hashlib
import hmac
import ipaddress
import os
import re
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import httpcore
import httpx
from django.conf import settings

USER_AGENT = "PronaFlow-Webhooks/1.2"
MAX_ERROR_LENGTH = 1000
MAX_RESPONSE_BYTES = 8 * 1024  # the part of a receiver's answer that is read and recorded
MASKED = "(masked)"
SECRET_PREFIX = "whsec_"  # noqa: S105  (the Standard Webhooks marker, not a secret)
SECRET_BYTES = 32
STANDARD_KEY_BYTES = (24, 64)  # the key sizes Standard Webhooks allows
EXPONENTIAL, LINEAR, FIXED = "exponential", "linear", "fixed"
LOST_DISPATCH_AFTER = timedelta(minutes=2)  # a first attempt queued this long ago and never claimed

_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")
_NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}$")
_HOST_NAME = re.compile(r"^[a-z0-9_-]+(\.[a-z0-9_-]+)*$")
_BASE64 = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")
# IPv6 ranges that carry an IPv4 address in their last 32 bits.
_EMBEDDING_96 = [
    ipaddress.ip_network("::ffff:0:0/96"),  # IPv4-mapped
    ipaddress.ip_network("::ffff:0:0:0/96"),  # IPv4-translated (SIIT)
    ipaddress.ip_network("::/96"),  # IPv4-compatible (deprecated)
    ipaddress.ip_network("64:ff9b::/96"),  # NAT64 well-known prefix
]
# Never a public destination: NAT64 local-use prefixes place the IPv4 address anywhere.
_REFUSED_V6 = [ipaddress.ip_network("64:ff9b:1::/48")]
_ISATAP_IDS = {0x00005EFE, 0x02005EFE, 0x01005EFE, 0x03005EFE}
REFUSED = "Loopback, private and link-local targets are not accepted."


class UnsafeTarget(ValueError):
    """The URL is not an acceptable webhook target."""


class Unresolvable(UnsafeTarget):
    """The host name does not resolve (yet)."""


@dataclass(frozen=True)
class DeliveryResult:
    ok: bool
    status_code: int | None
    response_time_ms: int | None
    error: str = ""
    request_headers: dict[str, str] = field(default_factory=dict)  # as sent, signatures masked
    response_body: str = ""  # the first MAX_RESPONSE_BYTES of the answer


# --- Secrets and signatures ---------------------------------------------------------------------


def new_secret() -> str:
    """A Standard Webhooks secret: "whsec_" + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _standard_key(secret: str) -> bytes | None:
    encoded = secret.removeprefix(SECRET_PREFIX)
    if not secret.startswith(SECRET_PREFIX) or not _BASE64.match(encoded):
        return None
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None
    low, high = STANDARD_KEY_BYTES
    return key if low <= len(key) <= high else None


def check_secret(secret: str) -> str:
    """A secret someone chose: "whsec_..." must be a valid Standard Webhooks secret (so a typo is
    not silently used as a text key); anything else is a text key. Raises ValueError."""
    if secret.startswith(SECRET_PREFIX) and _standard_key(secret) is None:
        low, high = STANDARD_KEY_BYTES
        raise ValueError(f"A whsec_ secret is 'whsec_' + base64 of {low} to {high} random bytes.")
    return secret


def signing_key(secret: str) -> bytes:
    """The HMAC key of a secret: the bytes of a Standard Webhooks secret, else its UTF-8 bytes."""
    return _standard_key(secret) or secret.encode()


def standard_secret(secret: str) -> str:
    """The secret in the form Standard Webhooks libraries take (identical for generated secrets)."""
    return SECRET_PREFIX + base64.b64encode(signing_key(secret)).decode()


def signature(secrets: list[str], message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` value of a message: one "v1,<base64>" per secret, space separated."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    return " ".join(
        "v1," + base64.b64encode(hmac.new(signing_key(secret), signed, hashlib.sha256).digest()).decode()
        for secret in secrets
    )


def plain_signature(secret: str, body: bytes) -> str:
    """The `X-PronaFlow-Signature-256` value: the hex HMAC-SHA256 of the body alone."""
    return "sha256=" + hmac.new(signing_key(secret), body, hashlib.sha256).hexdigest()


# --- Targets ------------------------------------------------------------------------------------


def private_targets_allowed() -> bool:
    return bool(getattr(settings, "WEBHOOK_ALLOW_PRIVATE_TARGETS", False))


@functools.lru_cache(maxsize=8)
def _allowlist(entries: tuple[str, ...]) -> tuple[frozenset[str], tuple]:
    names, networks = set(), []
    for entry in (entry.strip().lower().rstrip(".") for entry in entries):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
        except ValueError:
            names.add(entry)
    return frozenset(names), tuple(networks)


def _allowed_hosts() -> tuple[frozenset[str], tuple]:
    """WEBHOOK_ALLOWED_HOSTS: (host names, networks) a target may be on even when not public."""
    return _allowlist(tuple(getattr(settings, "WEBHOOK_ALLOWED_HOSTS", None) or ()))


def _acceptable(address) -> bool:
    if is_public(address):
        return True
    ip = ipaddress.ip_address(str(address).split("%", 1)[0])
    return any(ip in network for network in _allowed_hosts()[1] if network.version == ip.version)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    found = []
    if any(ip in network for network in _EMBEDDING_96):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    if (int(ip) >> 32) & 0xFFFFFFFF in _ISATAP_IDS:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def is_public(address: str | ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """A global unicast address that embeds no non-public IPv4 address."""
    ip = ipaddress.ip_address(str(address).split("%", 1)[0])
    if ip.is_multicast or not ip.is_global:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if any(ip in network for network in _REFUSED_V6):
            return False
        return all(is_public(embedded) for embedded in _embedded_ipv4(ip))
    return True


def _host_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host spells, read as resolvers read it (inet_aton forms included)."""
    with contextlib.suppress(ValueError):
        return ipaddress.ip_address(host.split("%", 1)[0] if ":" in host else host)
    if _NUMERIC_LABEL.match(host.rsplit(".", 1)[-1]):
        # Like browsers (WHATWG URL), a host whose last label is a number is an IPv4 address or invalid.
        try:
            if not _NUMERIC_HOST.match(host):
                raise OSError
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            raise UnsafeTarget("Enter a valid host name or IP address.") from None
    return None


def _parse(url: str) -> tuple[str, int]:
    # Spaces and control characters (CR/LF: header injection) make URLs the HTTP client refuses at
    # send time; refuse them when the URL is saved instead.
    if any(char.isspace() or ord(char) < 0x20 or ord(char) == 0x7F for char in url):
        raise UnsafeTarget("A URL cannot contain spaces or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL) as exc:
        raise UnsafeTarget("Enter a valid URL.") from exc
    if parts.scheme not in ("http", "https"):
        raise UnsafeTarget("Only http and https URLs are accepted.")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UnsafeTarget("The URL needs a host name.")
    if parts.username or parts.password:
        raise UnsafeTarget("Credentials in the URL are not accepted; receivers verify the signature instead.")
    if port == 0:
        raise UnsafeTarget("Enter a valid port.")
    return _normalise_host(host), port or (443 if parts.scheme == "https" else 80)


def _normalise_host(host: str) -> str:
    """Lower-case ASCII (IDNA), so full-width digits and letters are seen as what they spell."""
    if ":" in host:
        try:
            ipaddress.IPv6Address(host.split("%", 1)[0])
        except ValueError:
            raise UnsafeTarget("Enter a valid IPv6 address.") from None
        return host.lower()
    try:
        ascii_host = host.encode("idna").decode("ascii").lower().rstrip(".")
    except UnicodeError:
        raise UnsafeTarget("Enter a valid host name.") from None
    if not _HOST_NAME.match(ascii_host):
        raise UnsafeTarget("Enter a valid host name.")
    return ascii_host


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise Unresolvable(f"The host name does not resolve ({host}).") from exc
    return list(dict.fromkeys(info[4][0] for info in infos))


def _public_addresses(host: str, port: int, *, resolve: bool = True) -> list[str]:
    """The addresses to connect to for `host` (all checked), or [] for a name not resolved here or
    allowed by name in WEBHOOK_ALLOWED_HOSTS. Raises UnsafeTarget."""
    if host in _allowed_hosts()[0]:
        return []
    literal = _host_literal(host)
    if literal is not None:
        if not _acceptable(literal):
            raise UnsafeTarget(REFUSED)
        return [str(literal)]
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        raise UnsafeTarget(REFUSED)
    if not resolve:
        return []
    addresses = _resolve(host, port)
    if not addresses or not all(_acceptable(address) for address in addresses):
        raise UnsafeTarget("The host resolves to a loopback, private or link-local address.")
    return addresses


def check_target(url: str, *, resolve: bool = True) -> list[str]:
    """Validate `url` as a webhook target and return the addresses it resolves to (empty when private
    targets are allowed, when the host is allowed by name, or when `resolve` is False and the host is
    a name). Raises UnsafeTarget for a bad scheme, credentials, or a loopback, private, link-local,
    CGNAT, multicast, reserved or unspecified target not in WEBHOOK_ALLOWED_HOSTS."""
    host, port = _parse(url)
    if private_targets_allowed():
        return []
    return _public_addresses(host, port, resolve=resolve)


def validate_target(url: str) -> str:
    """Configuration-time check of a URL being saved (webhooks and webhook consumers alike): scheme,
    credentials, literal addresses in every spelling, and what the host resolves to now. A host name
    that does not resolve yet is accepted (its deliveries fail and are recorded until it does):
    every connection checks again. Raises UnsafeTarget."""
    check_target(url, resolve=False)
    if private_targets_allowed():
        return url
    with contextlib.suppress(Unresolvable):
        check_target(url)
    return url


# --- The HTTP client ----------------------------------------------------------------------------


class _GuardedBackend(httpcore.SyncBackend):
    """Opens TCP connections only to the public addresses of the host, checked at connect time."""

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        addresses = [] if private_targets_allowed() else _public_addresses(_normalise_host(host), port)
        if not addresses:  # private targets allowed, or the host is allowed by name
            return super().connect_tcp(host, port, timeout, local_address, socket_options)
        error: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        raise error or httpcore.ConnectError(f"No address to connect to for {host}.")


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self, limits: httpx.Limits) -> None:
        ssl_context = httpx.create_ssl_context(trust_env=False)
        super().__init__(verify=ssl_context, limits=limits, trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_GuardedBackend(),
        )


_client: httpx.Client | None = None
_client_pid: int | None = None
_client_lock = threading.Lock()


def http_client() -> httpx.Client:
    """This process's webhook client (made again after a fork: a pool must not cross processes)."""
    global _client, _client_pid
    if _client is None or _client_pid != os.getpid():
        with _client_lock:
            if _client is None or _client_pid != os.getpid():
                limits = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=30)
                _client = httpx.Client(
                    transport=_GuardedTransport(limits),
                    follow_redirects=False,
                    trust_env=False,
                    headers={"User-Agent": USER_AGENT},
                )
                _client_pid = os.getpid()
    return _client


def deliver(
    url: str,
    body: bytes,
    *,
    secrets: list[str],
    message_id: str,
    event_type: str,
    timeout: float = 10,
) -> DeliveryResult:
    """POST `body` (JSON bytes) to `url` as message `message_id`, signed with each of `secrets` (the
    first also signs X-PronaFlow-Signature-256). 2xx is success; network errors, timeouts, unsafe
    targets, redirects and other statuses are failures described in `error`."""
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secrets, message_id, timestamp, body),
        "X-PronaFlow-Event": event_type,
        "X-PronaFlow-Signature-256": plain_signature(secrets[0], body),
    }
    recorded = {**headers, "webhook-signature": MASKED, "X-PronaFlow-Signature-256": MASKED}
    try:
        check_target(url, resolve=False)
    except UnsafeTarget as exc:
        return DeliveryResult(False, None, None, str(exc), recorded)
    started = time.monotonic()
    try:
        with http_client().stream("POST", url, content=body, headers=headers, timeout=timeout) as response:
            answer = b""
            for chunk in response.iter_raw():
                answer += chunk
                if len(answer) > MAX_RESPONSE_BYTES:
                    break  # the rest is not read: the connection is closed instead of kept alive
    except UnsafeTarget as exc:
        return DeliveryResult(False, None, None, str(exc), recorded)
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH]
        return DeliveryResult(False, None, _elapsed(started), error, recorded)
    elapsed = _elapsed(started)
    text = answer[:MAX_RESPONSE_BYTES].decode("utf-8", errors="replace")
    if 200 <= response.status_code < 300:
        return DeliveryResult(True, response.status_code, elapsed, "", recorded, text)
    reason = response.reason_phrase or "error"
    error = f"HTTP {response.status_code} {reason}"
    if response.is_redirect:
        error += f" (redirects are not followed: {response.headers.get('location', '')})"
    return DeliveryResult(False, response.status_code, elapsed, error[:MAX_ERROR_LENGTH], recorded, text)


def _elapsed(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


# --- The retry model ----------------------------------------------------------------------------


def retry_delay(policy: str, attempt: int) -> timedelta:
    """Wait before the retry that follows failed attempt number `attempt` (1-based):
    WEBHOOK_RETRY_BASE_SECONDS doubling (exponential), growing by itself (linear) or the same every
    time (fixed), capped at WEBHOOK_RETRY_MAX_SECONDS."""
    base = getattr(settings, "WEBHOOK_RETRY_BASE_SECONDS", 60)
    factors = {EXPONENTIAL: 2 ** (attempt - 1), LINEAR: attempt, FIXED: 1}
    seconds = base * factors.get(policy, 1)
    return timedelta(seconds=min(seconds, getattr(settings, "WEBHOOK_RETRY_MAX_SECONDS", 6 * 3600)))


def next_retry_at(*, policy: str, attempt: int, max_retries: int, now: datetime) -> datetime | None:
    """When to try again after failed attempt `attempt`, or None when it was the last one
    (1 + max_retries attempts in all)."""
    return now + retry_delay(policy, attempt) if attempt <= max_retries else None
