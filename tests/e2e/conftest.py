"""End-to-end fixtures: the real app (``medskapa serve``, production build) in real Chromium.

One server per test session, started from a fresh temporary database loaded with the
example journeys and a designer account. The browser is Debian's chromium driven by
Playwright (never ``playwright install``). Screenshots go to ``test-artifacts/``.
``make test`` runs them in a pytest process of their own, after the other tests: Playwright's
sync API keeps an event loop running in the thread, which other tests' ``asyncio.run``
cannot share.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
START_TIMEOUT_S = 600
DESIGNER_EMAIL = "designer@exempel.se"
DESIGNER_PASSWORD = "testlosenord-123"


def chromium_path() -> str:
    """Debian's chromium, or a clear failure saying how to install it."""
    for candidate in (os.environ.get("MEDSKAPA_CHROMIUM", ""), *CHROMIUM_CANDIDATES):
        if candidate and Path(candidate).exists():
            return candidate
    found = shutil.which("chromium")
    if found:
        return found
    pytest.fail(
        "Chromium saknas för webbläsartesterna. Installera Debians paket: "
        "sudo apt-get install chromium (make setup gör det när den körs som root).",
        pytrace=False,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A running Medskapa server."""

    url: str
    db: Path
    env: dict[str, str]

    def cli(self, *args: str, input_text: str | None = None) -> subprocess.CompletedProcess[str]:
        """Run ``medskapa`` against the same database."""
        return subprocess.run(
            [sys.executable, "-m", "toolkit.cli", *args],
            env=self.env,
            input=input_text,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
            check=False,
        )


def _wait_for(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"medskapa serve stopped (exit {process.returncode}):\n{log.read_text()[-4000:]}"
            )
        try:
            with urllib.request.urlopen(url + "/api/health", timeout=2) as response:
                if response.status == 200:
                    # the Reflex page must be served too, not only our routes
                    with urllib.request.urlopen(url + "/", timeout=5) as page:
                        if page.status == 200:
                            return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(
        f"medskapa serve did not answer within {START_TIMEOUT_S} s:\n{log.read_text()[-4000:]}"
    )


_WEB_LOCK: list[object] = []


def _web_dir() -> Path:
    """The build folder for this run: ``.web-e2e`` (kept between runs, so the frontend
    packages install once), or a private one when another test run is using it."""
    import fcntl

    shared = ROOT / ".web-e2e"
    lock = open(ROOT / ".web-e2e.lock", "w")  # noqa: SIM115 - held for the whole session
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        lock.close()
        return ROOT / f".web-e2e-{os.getpid()}"
    _WEB_LOCK.append(lock)
    return shared


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The built app on a free port of 127.0.0.1, with the example journeys loaded."""
    home = tmp_path_factory.mktemp("e2e")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "MEDSKAPA_DB": str(home / "medskapa.db"),
        "MEDSKAPA_PUBLIC_URL": url,
        "MEDSKAPA_PORT": str(port),
        "MEDSKAPA_WEB_DIR": str(_web_dir()),
        "REFLEX_STATES_WORKDIR": str(home / "states"),
        "MEDSKAPA_LANG": "sv",
    }
    server = Server(url=url, db=home / "medskapa.db", env=env)
    loaded = server.cli("demo")
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    added = server.cli(
        "user",
        "add",
        DESIGNER_EMAIL,
        "--role",
        "designer",
        "--password-stdin",
        input_text=DESIGNER_PASSWORD + "\n",
    )
    assert added.returncode == 0, added.stdout + added.stderr
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / "e2e-server.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "toolkit.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env,
            cwd=ROOT,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_for(url, process, log)
            yield server
        finally:
            _stop(process)
            web = Path(env["MEDSKAPA_WEB_DIR"])
            if web.name.startswith(".web-e2e-"):  # a private build folder: ~150 MB, remove
                shutil.rmtree(web, ignore_errors=True)


def _stop(process: subprocess.Popen) -> None:
    import signal

    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's chromium through Playwright, headless."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=chromium_path(),
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def laptop(browser):  # type: ignore[no-untyped-def]
    """A fresh laptop-sized page (1280 px), no cookies."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Mobile Safari/537.36"
)


def _phone_context(browser, *, javascript: bool):  # type: ignore[no-untyped-def]
    return browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="sv-SE",
        user_agent=PHONE_UA,
        java_script_enabled=javascript,
    )


@pytest.fixture
def phone(browser):  # type: ignore[no-untyped-def]
    """A fresh phone-sized page (390 px wide, a phone's user agent), no cookies."""
    context = _phone_context(browser, javascript=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture
def phone_without_js(browser):  # type: ignore[no-untyped-def]
    """The same phone with JavaScript turned off: plain forms only."""
    context = _phone_context(browser, javascript=False)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def shot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    """Save a full-page screenshot under test-artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page, *, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:  # type: ignore[no-untyped-def]
    """axe-core violations of the given impacts on the current page, as readable lines."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found = []
    for violation in results.response.get("violations", []):
        if violation.get("impact") in impacts:
            targets = [", ".join(node.get("target", [])) for node in violation.get("nodes", [])][:5]
            found.append(
                f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}"
            )
    return found


def assert_accessible(page) -> None:  # type: ignore[no-untyped-def]
    """Fail with every serious or critical axe-core violation on the page, one per line."""
    found = axe_violations(page)
    assert not found, "axe-core:\n" + "\n".join(found)


def sign_in(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    """Sign in as the test designer through the real form."""
    page.goto(server.url + "/login")
    page.get_by_label("E-postadress").fill(DESIGNER_EMAIL)
    page.get_by_label("Lösenord").fill(DESIGNER_PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(server.url + "/**")
