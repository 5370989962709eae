"""The Content-Security-Policy of the API documentation pages (/docs, /redoc).

Swagger UI and ReDoc run from local assets (drf-spectacular-sidecar, served by WhiteNoise), so the
pages may load scripts, styles, images, fonts and the schema from this origin only. The one inline
script drf-spectacular renders (Swagger UI's start-up) is allowed by its SHA-256, computed from the
page as sent; no other inline script runs. Styles may be inline: both UIs inject <style> elements at
run time. ReDoc's search runs in a worker created from a blob: URL.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import wraps

_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)

DOCS_CSP = (
    "default-src 'self'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def docs_csp(html: bytes) -> str:
    """The Content-Security-Policy header value for the HTML page `html` (bytes as sent): DOCS_CSP
    with a 'sha256-...' source for each inline <script> of the page."""
    hashes = "".join(
        f" 'sha256-{base64.b64encode(hashlib.sha256(body).digest()).decode()}'" for body in _INLINE_SCRIPT.findall(html)
    )
    return DOCS_CSP.format(hashes=hashes)


def with_docs_csp(view):
    """Wrap a documentation page view so its HTML responses carry `docs_csp` (renders a lazy
    TemplateResponse first). Other responses (the split script, errors) pass unchanged."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
        if response.get("Content-Type", "").startswith("text/html"):
            response["Content-Security-Policy"] = docs_csp(response.content)
        return response

    return wrapped
