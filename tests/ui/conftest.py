"""The web UI's end-to-end tests: a real ``tiercel server local`` and Debian's Chromium driven by
Playwright.

Each test gets a fresh browser context on the session's server. ``shot(page, name)`` writes a
screenshot to ``$TIERCEL_SCREENSHOTS`` (default ``build/screenshots`` in the repository) so that a
person can look at every main page after a run.

Without Chromium (``/usr/bin/chromium``, or ``$TIERCEL_CHROMIUM``) these tests are skipped with a
line saying so; under CI (``CI=true``, where ``.ci/run`` installs it) its absence fails the run.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("TIERCEL_SCREENSHOTS", REPO / "build" / "screenshots"))
FLOWS = Path(__file__).parent / "flows"
VIEWPORT = {"width": 1440, "height": 900}


@dataclass(frozen=True)
class UiServer:
    """A running server: its root URL, its API base and where its console goes."""

    url: str
    api: str
    console: Path
    flows: Path

    def ui(self, path: str = "") -> str:
        return f"{self.url}/ui/{path.lstrip('/')}"


def _chromium() -> str:
    path = os.environ.get("TIERCEL_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        message = (
            "the UI tests need Chromium: apt-get install chromium "
            "(or set $TIERCEL_CHROMIUM to a Chromium binary)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path


def start_server(
    tmp: Path, flows: Path, extra: list[str] | None = None, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], UiServer]:
    """Starts ``tiercel server local`` on a free port and waits until it answers."""
    port = free_port()
    console = tmp / "console.log"
    out = console.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "tiercel", "server", "local", "--port", str(port),
         "--data-dir", str(tmp / "data"), "--flows", str(flows), *(extra or [])],
        stdout=out,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
    out.close()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120  # generous: a loaded machine imports slowly
    while True:
        try:
            if httpx.get(f"{url}/ping", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the server did not start:\n{console.read_text()}", pytrace=False)
        time.sleep(0.1)
    return process, UiServer(url, f"{url}/api/v1/main", console, flows)


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


@pytest.fixture(scope="session")
def ui_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UiServer]:
    """One server for the session, with the flows of ``tests/ui/flows`` deployed."""
    tmp = tmp_path_factory.mktemp("ui-server")
    flows = tmp / "flows"
    shutil.copytree(FLOWS, flows)
    process, server = start_server(tmp, flows)
    try:
        yield server
    finally:
        stop_server(process)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    executable = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"],
        )  # fmt: skip
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A page in a fresh context (no stored credentials or theme), failing on a script error."""
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    context.set_default_timeout(20_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"the page raised: {errors}"


def shot(page: object, name: str) -> Path:
    """Writes a full-page screenshot named ``name``.png and returns its path."""
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
