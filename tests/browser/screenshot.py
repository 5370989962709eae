"""`make screenshot`: the admin dashboard with seed_demo data, as docs/admin-dashboard.png.

Builds a scratch SQLite database (migrate + seed_demo), serves it with runserver on loopback, signs
in as the demo staff user in Debian's Chromium (driven by Playwright, never downloading a browser)
and captures the dashboard. Usage: python -m tests.browser.screenshot [--port 8190] [--out PATH].
"""

import argparse
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.browser.chromium import CHROMIUM, launch_args

ROOT = Path(__file__).resolve().parents[2]
STAFF = ("staff@pronaflow.demo", "PronaFlow-Demo-2026!")


def _wait(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 - loopback URL built above
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer at {url}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8190)
    parser.add_argument("--out", default=str(ROOT / "docs" / "admin-dashboard.png"))
    options = parser.parse_args()
    database = ROOT / "var" / "screenshot.sqlite3"
    database.parent.mkdir(exist_ok=True)
    database.unlink(missing_ok=True)
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{database}",
        "REDIS_URL": "",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "DJANGO_SETTINGS_MODULE": "pronaflow.settings",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "seed_demo"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{options.port}"
    server = subprocess.Popen([*manage, "runserver", f"127.0.0.1:{options.port}", "--noreload"], env=env, cwd=ROOT)
    try:
        _wait(f"{base}/admin/login/")
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=launch_args())
            page = browser.new_page(viewport={"width": 1400, "height": 900}, device_scale_factor=1)
            page.goto(f"{base}/admin/login/?next=/admin/")
            page.fill("#id_username", STAFF[0])
            page.fill("#id_password", STAFF[1])
            page.click("input[type=submit]")
            page.wait_for_selector("#dashboard")
            page.locator("#dashboard").screenshot(path=options.out)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"wrote {options.out}")  # noqa: T201


if __name__ == "__main__":
    main()
