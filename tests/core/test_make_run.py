"""`make run` serves the development server (DEBUG on, demo logins) on loopback unless told otherwise."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def runserver_address(*args: str, **env: str) -> str:
    """The address `make run` would pass to runserver (dry run: nothing is installed or started)."""
    result = subprocess.run(
        ["make", "-n", "run", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    (address,) = re.findall(r"manage\.py runserver (\S+)", result.stdout)
    return address


def test_make_run_binds_loopback_by_default():
    assert runserver_address() == "127.0.0.1:8000"


def test_an_exported_host_does_not_widen_it():
    assert runserver_address(HOST="0.0.0.0") == "127.0.0.1:8000"  # noqa: S104 - the address refused


def test_host_and_port_on_the_command_line_override_it():
    assert runserver_address("HOST=0.0.0.0", "PORT=8001") == "0.0.0.0:8001"
