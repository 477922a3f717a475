"""End-to-end fixtures: the real portal served on 127.0.0.1, driven by Debian's Chromium via Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chromium_path() -> str:
    """Return Debian's Chromium; fail (not skip) with how to install it when it is missing."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Debian's chromium package is needed for browser tests: apt-get install chromium "
                    "(`make test` installs it).")
    return path


@contextmanager
def running_portal(folder: Path) -> Iterator[str]:
    """Start the portal with the demo data in a fresh store in ``folder``; yield its base URL, then stop it."""
    env = {**os.environ, "PORTAL_DATABASE_URL": f"sqlite:///{folder / 'portal.db'}"}
    bin_dir = Path(sys.executable).parent
    subprocess.run([str(bin_dir / "portal"), "demo", "--if-empty"], env=env, check=True, capture_output=True)
    port = _free_port()
    log = folder / "portal.log"  # a file, not a pipe nobody reads: a full pipe would stall the server
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=REPO, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300  # a bound on start-up (an awaited condition), generous for a busy machine
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as r:
                if r.status == 200:
                    break
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.3)
    else:
        proc.kill()
        raise RuntimeError("the portal did not start: " + log.read_text(errors="replace")[-2000:])
    if proc.poll() is not None:
        raise RuntimeError("the portal stopped: " + log.read_text(errors="replace")[-2000:])
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def portal_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The portal with the demo data in a fresh store, shared by the session's browser tests; its base URL."""
    with running_portal(tmp_path_factory.mktemp("e2e")) as url:
        yield url


@pytest.fixture
def fresh_portal(tmp_path: Path) -> Iterator[str]:
    """A portal of this test's own, started just now and never visited yet; its base URL."""
    with running_portal(tmp_path) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, request: pytest.FixtureRequest):
    """A fresh browser page at laptop size; what it shows at the end is saved under test-output/ (see ``snap``)."""
    from browsertools import WAIT_MS, snap

    context = browser.new_context(viewport={"width": 1366, "height": 768})
    context.set_default_timeout(WAIT_MS)  # a bound on conditions, never a pause: see browsertools.WAIT_MS
    context.set_default_navigation_timeout(WAIT_MS)
    p = context.new_page()
    yield p
    snap(p, request.node.name)
    context.close()
