"""Real-browser tests: one Streamlit server per role and session, driven by headless Chromium via Playwright.

Chromium comes from Debian (/usr/bin/chromium); Playwright's own browser download is never used.
Where Chromium is missing these tests skip with the reason, except under CI (CI set), where they fail.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = os.environ.get("PILLARS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"]
ARTIFACTS = ROOT / "test-artifacts"


def _need_chromium() -> None:
    missing = None
    if not Path(CHROMIUM).exists():
        missing = f"no Chromium at {CHROMIUM} (install Debian's 'chromium' package; .ci/run does)"
    else:
        try:
            import playwright.sync_api  # noqa: F401  (only checks it is installed)
        except ImportError:
            missing = "the playwright Python package is not installed (make test installs it)"
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI: {missing}")
        pytest.skip(missing)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A `streamlit run app.py` subprocess on a free loopback port."""

    def __init__(self, db: Path, env: dict[str, str], log: Path, script: Path = ROOT / "app.py", serve: bool = False):
        """serve=True starts Pillars the README's way, `python -m pm_core serve`, instead of `streamlit run`."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        full_env = {**os.environ, "PILLARS_DB": str(db), "PILLARS_DEMO": "0", **env}
        self.log = log.open("w")
        self.started = time.perf_counter()
        cmd = ([sys.executable, "-m", "pm_core", "serve", "--port", str(self.port), "--", "--server.headless", "true"]
               if serve else
               [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(self.port),
                "--server.address", "127.0.0.1", "--server.headless", "true"])
        self.proc = subprocess.Popen(cmd, cwd=ROOT if serve else script.parent, env=full_env, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.ready_after = self._wait_healthy()

    def _wait_healthy(self, timeout: float = 60) -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited early; see {self.log.name}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.read().decode().strip() == "ok":
                        return time.perf_counter() - self.started
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"streamlit did not answer /_stcore/health within {timeout}s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def demo_copy(demo_db_template: Path, path: Path) -> Path:
    """Return `path` holding a fresh copy of the demo workspace (each server gets its own file to change)."""
    shutil.copy(demo_db_template, path)
    return path


@contextlib.contextmanager
def serving(db: Path, name: str, env: dict[str, str] | None = None):
    """Yield a Server on `db` (local mode, an editor, unless `env` says otherwise) logging to server-<name>.log; stopped on exit."""
    _need_chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    s = Server(db, env or {"PILLARS_MODE": "local"}, ARTIFACTS / f"server-{name}.log")
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture(scope="session")
def browser():
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def e2e_db(demo_db_template, tmp_path_factory) -> Path:
    return demo_copy(demo_db_template, tmp_path_factory.mktemp("e2e") / "e2e.duckdb")


@pytest.fixture(scope="session")
def editor_server(e2e_db):
    with serving(e2e_db, "editor") as s:
        yield s


@pytest.fixture(scope="session")
def viewer_server(demo_db_template, tmp_path_factory):
    _need_chromium()
    path = demo_copy(demo_db_template, tmp_path_factory.mktemp("e2e-viewer") / "viewer.duckdb")
    with serving(path, "viewer", {"PILLARS_MODE": "intranet", "PILLARS_EDITORS": "pm@example.com"}) as s:
        yield s


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1440, "height": 1000})
    pg = ctx.new_page()
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    yield pg
    ctx.close()


def wait_idle(pg, timeout: float = 45_000) -> None:
    """Wait until Streamlit has drawn the page and finished running the script."""
    pg.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    pg.wait_for_selector('[data-testid="stMainBlockContainer"] h1', timeout=timeout)
    deadline = time.perf_counter() + timeout / 1000
    while time.perf_counter() < deadline:
        running = pg.locator('[data-testid="stStatusWidget"]').count()
        if not running:
            pg.wait_for_timeout(300)
            # the script is done once the status widget is gone; the page is drawn once no element
            # is still a grey placeholder (screenshots taken earlier showed empty boxes)
            if not pg.locator('[data-testid="stStatusWidget"]').count() and \
                    not pg.locator('[data-testid="stSkeleton"]').count():
                return
        pg.wait_for_timeout(200)
    raise AssertionError("the app was still running after the timeout")


def shot(pg, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    out = ARTIFACTS / f"{name}.png"
    pg.screenshot(path=str(out), full_page=True)
    return out


def shot_all(pg, name: str, timeout: float = 60_000) -> Path:
    """Screenshot the whole page and return the file: Streamlit scrolls inside its own container, so full_page alone stops at 800 px.

    The viewport grows to the content's height for the shot (same 1280 px width, so the layout is the one checked)."""
    height = pg.evaluate("""() => Math.max(...[...document.querySelectorAll('[data-testid="stMain"], section, div')]
                                       .map(e => e.scrollHeight))""")
    pg.set_viewport_size({"width": 1280, "height": max(800, min(int(height) + 40, 12_000))})
    wait_idle(pg, timeout)
    pg.wait_for_timeout(600)   # Vega redraws its charts for the new size after a resize event; nothing to wait on
    out = shot(pg, name)
    pg.set_viewport_size({"width": 1280, "height": 800})
    return out


@contextlib.contextmanager
def page_at(browser, url: str, timeout: float = 60_000):
    """Yield a new 1280x800 page opened at `url` once Streamlit has drawn it; its browser context is closed on exit."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    pg = ctx.new_page()
    try:
        pg.goto(url, timeout=timeout)
        wait_idle(pg, timeout)
        yield pg
    finally:
        ctx.close()


def open_tab(pg, name: str, timeout: float = 60_000) -> None:
    """Click the tab with this name and wait until the page has run and drawn it."""
    pg.get_by_role("tab", name=name).click()
    wait_idle(pg, timeout)
