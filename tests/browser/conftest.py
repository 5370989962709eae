"""Browser tests: Playwright for Python driving Debian's Chromium against pytest-django's live
server, on a fresh database per test (transactional, with the migrations' data restored).

Without Playwright or Chromium the tests are skipped with the reason, except under `CI=true`, where
a missing browser is a failure. A failed test leaves a screenshot of its page in
var/browser-artifacts/ (named after the test)."""

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.browser.chromium import CHROMIUM, launch_args, missing

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "browser-artifacts"
PASSWORD = "PronaFlow-Demo-2026!"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def migrated_data(django_db_setup, django_db_blocker) -> str | None:
    """The rows the data migrations wrote (groups, permissions, ...), as serialized when the test
    database was created; read before Playwright starts (see `page`)."""
    from django.db import DEFAULT_DB_ALIAS, connections

    return getattr(connections[DEFAULT_DB_ALIAS], "_test_serialized_contents", None)


@pytest.fixture(scope="session")
def browser(migrated_data):
    """One headless Chromium for the session (skip, or fail under CI=true, when unavailable)."""
    reason = missing()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"the browser tests must run in CI, but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the tests' own ORM reads are plain
    # synchronous code all the same.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=launch_args())
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, migrated_data, request):
    """A fresh browser page (own cookies, downloads allowed) with the live server as base URL, on a
    database holding what the migrations wrote; screenshot kept in var/browser-artifacts/ when the
    test fails."""
    from django.db import DEFAULT_DB_ALIAS, connections

    connection = connections[DEFAULT_DB_ALIAS]
    if migrated_data and not hasattr(connection, "_test_serialized_contents"):
        # Under Playwright's sync API Django hands this test another connection object than the one
        # that serialized the database, so serialized_rollback restored nothing (and the flush after
        # an earlier test re-created content types): start from empty tables and restore it here.
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        connection.creation.deserialize_db_from_string(migrated_data)
    context = browser.new_context(
        base_url=live_server.url, accept_downloads=True, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.console_errors = []
    page.failed_responses = []
    page.on("console", lambda message: _console_error(page, message))
    page.on("response", lambda response: response.status >= 400 and page.failed_responses.append(response.url))
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


def _console_error(page, message) -> None:
    # Chromium asks for /favicon.ico on its own (the admin names none); its 404 is no page error.
    if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
        page.console_errors.append(f"{message.text} ({message.location.get('url')})")


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    """Log in to the admin through its login form."""
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
