"""/docs (Swagger UI) and /redoc (ReDoc) render in a real headless Chromium under their
Content-Security-Policy, from local assets, with no CSP violation or console error.

Needs Debian's chromium at /usr/bin/chromium and the playwright package (requirements-dev.txt);
skipped without them. Never `playwright install`: the browser comes from apt (.ci/system-setup).
"""

import pytest

# The session's Chromium comes from tests/browser/conftest.py (skipped without it, failing under CI=true).
pytestmark = [
    pytest.mark.browser,
    # live_server needs a transactional database; serialised like the suite's other such tests.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Records CSP violations the page itself sees (besides the console messages Chromium logs for them).
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


@pytest.mark.parametrize(
    ("path", "rendered"),
    [
        ("/docs", ".swagger-ui .information-container .title"),
        ("/redoc", "h1"),
    ],
)
def test_docs_page_renders_under_its_csp_without_errors(browser, live_server, path, rendered):
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(WATCH_CSP)
    errors: list[str] = []
    foreign: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda response: response.status >= 400 and errors.append(f"{response.status} {response.url}"))
    page.on(
        "request",
        lambda request: (
            request.url.startswith(("http://", "https://"))
            and not request.url.startswith(live_server.url)
            and foreign.append(request.url)
        ),
    )

    response = page.goto(live_server.url + path, wait_until="networkidle")
    assert response.status == 200
    csp = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";")[0]

    page.wait_for_selector(rendered, timeout=20_000)
    assert "PronaFlow API" in page.inner_text(rendered)
    page.wait_for_timeout(500)  # late console messages (fonts, workers)
    violations = page.evaluate("window.__cspViolations")
    context.close()

    assert not violations, violations
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
    assert not errors, errors
    assert not foreign, f"requests to other sites: {foreign}"
