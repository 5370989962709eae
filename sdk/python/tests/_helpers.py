"""Response builders for the MockTransport handlers."""

from __future__ import annotations

import httpx


def envelope(data, status=200, **extra):
    return httpx.Response(status, json={"success": True, "data": data, **extra})


def error(status, code, message="failed", details=None, headers=None):
    body = {"success": False, "error": {"code": code, "message": message, "details": details or {}}, "timestamp": "t"}
    return httpx.Response(status, json=body, headers={"X-Request-ID": "req-123", **(headers or {})})
