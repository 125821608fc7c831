"""Shared fixtures. Tests never reach the network: keys are removed and the data folder is temporary."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from interviewer.config import Settings
from interviewer.llm.adaptation import forget_quirks
from interviewer.llm.breaker import AUDIO_BREAKER, DEFAULT_BREAKER

_NETWORK_ENV = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_ORG_ID",
    "OPENAI_PROJECT_ID",
    "INTERVIEWER_DATABASE_URL",
    "CHROMA_HOST",
    "CHROMA_PORT",
    "INTERVIEWER_ENGINE",
    "INTERVIEWER_NOTES",
)


@pytest.fixture(autouse=True)
def _offline_environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Remove every key and endpoint, and point the data folder at a fresh temporary directory."""
    for name in _NETWORK_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("INTERVIEWER_HOME", str(tmp_path_factory.mktemp("home")))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("INTERVIEWER_BLOCK_NETWORK", "1")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    # The process-wide breakers must not carry one test's failures into the next.
    DEFAULT_BREAKER.reset()
    AUDIO_BREAKER.reset()
    forget_quirks()  # nor what one test's server taught the adapter


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Offline settings with a private data folder."""
    return Settings(home=tmp_path / "home", engine="offline")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the whole run (Debian's, see tests/browser/conftest.py), shared by every tier
    that drives a browser: Playwright's sync API allows one instance per thread."""
    from playwright.sync_api import sync_playwright

    harness = _browser_harness()
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(harness.CHROMIUM), args=harness.CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _browser_harness() -> Any:
    path = Path(__file__).with_name("browser") / "conftest.py"
    spec = importlib.util.spec_from_file_location("browser_harness_for_session", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
