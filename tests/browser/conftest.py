"""Fixtures for end-to-end tests: the real app under `streamlit run`, driven by Debian's Chromium.

Chromium comes from the system (`apt-get install chromium`), never from `playwright install`. Without it the
browser tests are skipped, unless INTERVIEWER_REQUIRE_BROWSER=1 (as in CI), where they fail instead.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("INTERVIEWER_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-ui-for-media-stream",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("INTERVIEWER_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(
            f"browser tests are required but {CHROMIUM} is missing: apt-get install chromium"
        )
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not installed (apt-get install chromium chromium-driver)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """When a browser test fails, say what the page showed: a rare failure on a loaded machine leaves no
    other trace. The report gains the newest chat lines, the answer box's text, any error on the page and
    the end of the app's log, and a screenshot is saved under test-artifacts/."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.when != "call" or not report.failed:
        return
    page = _failed_page(getattr(item, "funcargs", {}))
    if page is None:
        return
    lines: list[str] = []
    with contextlib.suppress(Exception):
        lines.append(f"url: {page.url}")
        chat = page.locator('[data-testid="stChatMessage"]').all_inner_texts()
        lines.append(f"chat messages: {len(chat)}; the newest three:")
        lines += [f"  | {' '.join(text.split())[:300]}" for text in chat[-3:]]
        box = page.locator('[data-testid="stChatInputTextArea"]')
        if box.count():
            lines.append(f"answer box holds: {box.first.input_value()!r}")
        lines += [
            f"error on the page: {t[:300]}"
            for t in page.locator('[data-testid="stException"]').all_inner_texts()
        ]
        state = page.locator("[data-test-script-state]").first.get_attribute("data-test-script-state")
        lines.append(f"script state: {state}")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"failed-{item.name}.png"), full_page=True)
    log = ARTIFACTS / "streamlit.log"
    if log.exists():
        lines.append("end of the app's log:")
        lines += [f"  | {line}" for line in log.read_text(errors="replace").splitlines()[-30:]]
    report.sections.append(("what the page showed", "\n".join(lines)))


def _failed_page(funcargs: dict[str, object]) -> object | None:
    """The test's page: its `page` fixture, or else the newest page it opened on the shared browser."""
    if funcargs.get("page") is not None:
        return funcargs["page"]
    browser = funcargs.get("browser")
    with contextlib.suppress(Exception):
        pages = [pg for context in browser.contexts for pg in context.pages]  # type: ignore[attr-defined]
        return pages[-1] if pages else None
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not become healthy at {url} within {timeout:.0f} s")


@pytest.fixture(scope="session")
def app_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("browser-home")


@contextlib.contextmanager
def _serving(
    home: Path,
    log_name: str,
    extra_env: dict[str, str] | None = None,
    *,
    address: str = "127.0.0.1",
    port: int | None = None,
    args: tuple[str, ...] = (),
) -> Iterator[str]:
    """Run `streamlit run app.py` on a free port with an offline, private data folder, reached on loopback.

    `extra_env` adds settings, such as a shared INTERVIEWER_DATABASE_URL and Chroma server for replicas, or
    INTERVIEWER_AUTH; `address` is the one the server listens on; `port` one chosen beforehand (such as the
    port a sign-in redirect names); `args` more of Streamlit's options (`--secrets.files PATH`).
    """
    port = port or _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "CHROMA_"))}
    env.update(
        INTERVIEWER_HOME=str(home),
        INTERVIEWER_ENGINE="offline",
        HF_HUB_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
    )
    env.update(extra_env or {})
    ARTIFACTS.mkdir(exist_ok=True)
    log = (ARTIFACTS / log_name).open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(REPO_ROOT / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            address,
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            *args,
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def app_url(app_home: Path) -> Iterator[str]:
    """The app, shared by the browser tests."""
    with _serving(app_home, "streamlit.log") as url:
        yield url


@pytest.fixture
def fresh_app_url(tmp_path: Path) -> Iterator[str]:
    """An app server of its own, on which no page has been opened yet."""
    with _serving(tmp_path / "home", "streamlit-fresh.log") as url:
        yield url


# `browser`, the one Chromium of the run, is in tests/conftest.py: the Docker deployment test drives it too, and
# Playwright's sync API allows one instance per thread.


@pytest.fixture
def page(browser: object, tmp_path: Path) -> Iterator[object]:
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 1400, "height": 1000}, accept_downloads=True
    )
    pg = context.new_page()
    # Generous: on 2 cores the app indexes the notes in the background while the first tests run.
    pg.set_default_timeout(60_000)
    # The same for assertions (5 s by default): a change made on the whiteboard redraws its frame, which on a
    # loaded machine can take longer than that.
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)
    try:
        yield pg
    finally:
        context.close()


def screenshot(page: object, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path
