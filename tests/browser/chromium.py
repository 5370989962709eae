"""Where the browser tests find Chromium: Debian's package (`/usr/bin/chromium`, installed by
.ci/system-setup), driven by Playwright for Python. Playwright never downloads a browser here."""

import os
import shutil

CHROMIUM = os.environ.get("PRONAFLOW_CHROMIUM", "/usr/bin/chromium")
ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def launch_args() -> list[str]:
    """Command-line switches for a quiet headless Chromium in a container."""
    return list(ARGS)


def missing() -> str | None:
    """Why the browser tests cannot run here (None when they can)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -r requirements-dev.txt)"
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium, or .ci/system-setup)"
    return None
