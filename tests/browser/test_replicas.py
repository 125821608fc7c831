"""Two app replicas, as a team deployment runs them: two `streamlit run app.py` processes, each with its own
data folder, sharing one Postgres database and one Chroma server. A turn typed into one replica is read back
through the other, in real Chromium.

Needs INTERVIEWER_TEST_DATABASE_URL and INTERVIEWER_TEST_CHROMA_HOST/PORT (`.ci/team-servers.sh`); skipped
without them, failed without them when INTERVIEWER_REQUIRE_POSTGRES / INTERVIEWER_REQUIRE_CHROMA is 1 (CI).
"""

from __future__ import annotations

import contextlib
import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from team_servers import chroma_server, fresh_postgres_store

pytestmark = [pytest.mark.browser, pytest.mark.server]


def _module(name: str, file: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(file))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_h = _module("browser_harness", "conftest.py")
_app = _module("browser_app_steps", "test_app_browser.py")

FIRST = "We serve 500 million daily users and the home page must answer within 200 milliseconds at peak."
SECOND = (
    "Replica two here: candidate generation first, then a ranker over fresh features from a feature store."
)


@contextlib.contextmanager
def serving_replicas(
    tmp_path: Path, extra_env: dict[str, str] | None = None
) -> Iterator[tuple[str, str, Any]]:
    """Two replicas on an empty, migrated Postgres database and the Chroma server, with `extra_env` added
    to both (such as sign-in settings); yields both URLs and the shared store."""
    store = fresh_postgres_store()
    host, port = chroma_server()
    shared = {
        "INTERVIEWER_DATABASE_URL": store.backend.url.render_as_string(hide_password=False),  # type: ignore[attr-defined]
        "CHROMA_HOST": host,
        "CHROMA_PORT": str(port),
        **(extra_env or {}),
    }
    try:
        with contextlib.ExitStack() as stack:
            one = stack.enter_context(_h._serving(tmp_path / "replica-1", "streamlit-replica-1.log", shared))
            two = stack.enter_context(_h._serving(tmp_path / "replica-2", "streamlit-replica-2.log", shared))
            yield one, two, store
    finally:
        store.close()


@pytest.fixture
def replicas(tmp_path: Path) -> Iterator[tuple[str, str, Any]]:
    with serving_replicas(tmp_path) as served:
        yield served


def _page(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(90_000)
    return page


def test_a_turn_typed_into_one_replica_is_read_back_through_the_other(browser: Any, replicas: Any) -> None:
    one, two, store = replicas
    first = _page(browser)
    _app.start_interview(first, one)
    _app.send(first, FIRST)
    session_id = parse_qs(urlparse(first.url).query)["session"][0]

    # The turn is in the shared database the moment the reply shows, under the local owner.
    assert [t.text for t in store.turns(session_id) if t.role == "candidate"] == [FIRST]

    second = _page(browser)
    second.goto(f"{two}/?session={session_id}")
    second.get_by_text("left overall").wait_for()
    second.get_by_text(FIRST).first.wait_for()
    _app.send(second, SECOND)
    _h.screenshot(second, "replica-two-continues")

    # A fresh tab on the first replica sees the turn the second replica saved.
    third = _page(browser)
    third.goto(f"{one}/?session={session_id}")
    third.get_by_text(SECOND).first.wait_for()
    expect(third.get_by_text(re.compile(re.escape(FIRST[:40])))).to_have_count(1)
    texts = [t.text for t in store.turns(session_id) if t.role == "candidate"]
    assert texts == [FIRST, SECOND]
    for page in (first, second, third):
        page.context.close()


NOTE = (
    "# Zebra caching\n\n## Stripe lifetime\n\n"
    "The zebra cache keeps hot stripes in memory for ninety seconds before it reloads them from the ledger.\n"
)
USER = "dana@example.com"


def _signed_in_page(browser: Any, user: str) -> Any:
    """A page whose every request names `user` in the sign-in header, as the proxy in front would."""
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, extra_http_headers={"X-Forwarded-User": user}
    )
    page = context.new_page()
    page.set_default_timeout(90_000)
    return page


def _uploads_tab(page: Any, url: str) -> None:
    page.goto(f"{url}/ask")
    page.get_by_text("Ask the notes").first.wait_for()
    page.get_by_text("Markdown files I upload").click()
    page.get_by_text("Markdown notes (up to 2 MB a file)").wait_for()
    _app.settled(page)


def test_notes_uploaded_through_one_replica_answer_on_the_other_and_a_deletion_is_seen_by_both(
    browser: Any, tmp_path: Path
) -> None:
    note = tmp_path / "zebra.md"
    note.write_text(NOTE, encoding="utf-8")
    with serving_replicas(tmp_path, {"INTERVIEWER_AUTH": "header"}) as (one, two, store):
        first = _signed_in_page(browser, USER)
        _uploads_tab(first, one)
        first.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(note))
        first.get_by_role("button", name="Index these files").click()
        first.get_by_text("Notes: the files you uploaded").wait_for()
        first.get_by_text("zebra.md (0 kB)").wait_for()
        _app.settled(first)
        _h.screenshot(first, "replica-one-uploaded")
        [stored] = store.uploads.files(USER)
        assert (stored.name, stored.size) == ("zebra.md", len(NOTE.encode()))

        # The other replica lists the set, indexes it and answers from it, quoting the note.
        second = _signed_in_page(browser, USER)
        _uploads_tab(second, two)
        second.get_by_text("zebra.md (0 kB)").wait_for()
        second.get_by_role("button", name="Use").click()
        second.get_by_text("Notes: the files you uploaded").wait_for()
        box = second.get_by_placeholder("Ask a question about the notes")
        box.fill("How long does the zebra cache keep hot stripes in memory?")
        box.press("Enter")
        second.get_by_text("[1] zebra.md › Stripe lifetime").wait_for()
        _app.settled(second)
        answer = second.locator('[data-testid="stChatMessage"]').last.inner_text()
        assert "ninety seconds" in answer, answer
        _h.screenshot(second, "replica-two-answers-from-the-upload")

        # Both replicas use one collection on the Chroma server for the set.
        import chromadb

        from interviewer.web.uploads import upload_collection

        chroma = chromadb.HttpClient(*chroma_server())
        collection = upload_collection(USER, stored.notes_set)
        assert chroma.get_collection(collection).count() == 1

        # Someone else on the second replica sees none of it.
        stranger = _signed_in_page(browser, "erin@example.com")
        _uploads_tab(stranger, two)
        assert stranger.get_by_text("zebra.md", exact=False).count() == 0

        # Deleted through the second replica, the set is gone from the first one too.
        second.get_by_role("button", name="Delete").click()
        expect(second.get_by_text("zebra.md (0 kB)")).to_have_count(0)
        assert store.uploads.files(USER) == []
        assert collection not in [c.name for c in chroma.list_collections()]
        _uploads_tab(first, one)
        expect(first.get_by_text("zebra.md (0 kB)")).to_have_count(0)
        _h.screenshot(first, "replica-one-after-the-deletion")
        for page in (first, second, stranger):
            page.context.close()
