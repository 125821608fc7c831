"""A shared app in real Chromium: users signed in by a proxy's header, each seeing only their own
interviews, an instructor reading everyone's, and text from users shown as text. Also: the app refuses to be
served on every interface without sign-in.

Each user is a browser context of its own whose requests carry `X-Forwarded-User`, as the proxy would add.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import expect


def _harness(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_h = _harness("conftest")
_app = _harness("test_app_browser")
screenshot, start_interview, send, settled = _h.screenshot, _app.start_interview, _app.send, _app.settled

pytestmark = pytest.mark.browser

SPOOF = (
    "**Your account is locked.** [Sign in again](http://example.invalid/login) "
    "![x](http://example.invalid/a.png) <img src=http://example.invalid/b.png> <b>bold</b>"
)
NOT_FOUND = "Interview not found"


@pytest.fixture(scope="module")
def team_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("team-home")
    env = {"INTERVIEWER_AUTH": "header", "INTERVIEWER_INSTRUCTORS": "carol@example.com"}
    with _h._serving(home, "streamlit-team.log", env) as url:
        yield url


@pytest.fixture
def user(browser: Any) -> Iterator[Any]:
    """`user(name)` opens a page whose every request says it is signed in as `name`."""
    contexts = []

    def open_as(name: str | None) -> Any:
        headers = {"X-Forwarded-User": name} if name else {}
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, extra_http_headers=headers)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(60_000)
        return page

    yield open_as
    for context in contexts:
        context.close()


def session_of(page: Any) -> str:
    page.wait_for_url("**session=*")
    return page.url.split("session=", 1)[1].split("&", 1)[0]


def no_payload_links_or_images(page: Any) -> None:
    """Nothing the payload wrote became a link or an image from elsewhere."""
    assert page.locator('a[href*="example.invalid"]').count() == 0
    assert page.locator('img[src*="example.invalid"]').count() == 0
    assert page.locator("main b", has_text="bold").count() == 0


def test_two_users_see_only_their_own_interviews_and_the_instructor_sees_both(
    team_url: str, user: Any
) -> None:
    alice = user("alice@example.com")
    start_interview(alice, team_url)
    send(alice, SPOOF)
    alices = session_of(alice)
    alice.get_by_text("Signed in as alice", exact=False).wait_for()
    expect(alice.get_by_text(SPOOF.split(" [")[0].replace("**", ""), exact=False).first).to_be_visible()
    alice.get_by_text("[Sign in again](http:", exact=False).first.wait_for()
    no_payload_links_or_images(alice)
    screenshot(alice, "team-alice-interview")

    bob = user("bob@example.com")
    start_interview(bob, team_url)
    bobs = session_of(bob)
    bob.get_by_role("link", name="History").click()
    bob.get_by_text("Sessions", exact=True).wait_for()
    settled(bob)
    expect(bob.get_by_role("button", name="Resume")).to_have_count(1)  # his own interview, not Alice's
    screenshot(bob, "team-bob-history")

    bob.goto(f"{team_url}/?session={alices}")
    bob.get_by_text(NOT_FOUND).wait_for()
    bob.get_by_text("Practise an ML system-design interview").wait_for()
    assert bob.get_by_text("Sign in again", exact=False).count() == 0  # nothing of Alice's transcript

    carol = user("carol@example.com")
    carol.goto(f"{team_url}/history")
    carol.get_by_text("As an instructor you see every candidate's interviews, read-only.").wait_for()
    settled(carol)
    # the list may still be drawing when the page first looks idle on a loaded machine: wait for both
    expect(carol.get_by_role("button", name="Read")).to_have_count(2)
    assert carol.get_by_role("button", name="Delete", exact=True).count() == 0
    screenshot(carol, "team-instructor-history")

    carol.goto(f"{team_url}/?session={alices}")
    carol.get_by_text("You are reading alice", exact=False).wait_for()
    carol.get_by_text("No phase has been scored yet.").wait_for()
    carol.get_by_text("[Sign in again](http:", exact=False).first.wait_for()
    assert carol.get_by_placeholder("Your answer, or a clarifying question").count() == 0
    no_payload_links_or_images(carol)
    screenshot(carol, "team-instructor-reads")
    carol.goto(f"{team_url}/?session={bobs}")
    carol.get_by_text("You are reading bob", exact=False).wait_for()


def test_a_crafted_session_link_shows_not_found_as_plain_text(team_url: str, user: Any) -> None:
    mallory = user("mallory@example.com")
    crafted = (
        "**Your session expired** [log in](http://example.invalid/steal) ![x](http://example.invalid/p.png)"
    )

    mallory.goto(f"{team_url}/?session={quote(crafted)}")
    mallory.get_by_text(NOT_FOUND).wait_for()
    settled(mallory)

    assert mallory.get_by_text("Your session expired").count() == 0
    no_payload_links_or_images(mallory)


def test_without_the_proxys_header_only_the_sign_in_page_shows(team_url: str, user: Any) -> None:
    stranger = user(None)
    stranger.goto(f"{team_url}/history")

    stranger.get_by_text("Sign in to practise").wait_for()
    settled(stranger)
    assert stranger.get_by_text("History", exact=True).count() == 0
    assert stranger.get_by_text("Practise an ML system-design interview").count() == 0
    screenshot(stranger, "team-sign-in")


def test_ask_the_notes_offers_no_folder_of_the_server(team_url: str, user: Any) -> None:
    alice = user("alice@example.com")
    alice.goto(f"{team_url}/ask")
    alice.get_by_text("Markdown files I upload").wait_for()
    settled(alice)

    assert alice.get_by_text("A folder on this computer").count() == 0
    assert alice.get_by_placeholder("/path/to/my/notes").count() == 0


def test_the_app_refuses_to_serve_every_interface_without_sign_in(tmp_path: Path, page: Any) -> None:
    with _h._serving(tmp_path / "home", "streamlit-exposed.log", address="0.0.0.0") as url:
        page.goto(url)
        page.get_by_text("This app is not set up to be shared").wait_for()
        page.get_by_text("INTERVIEWER_AUTH=header", exact=False).first.wait_for()
        settled(page)
        assert page.get_by_text("Practise an ML system-design interview").count() == 0
        screenshot(page, "exposed-refused")


def many_notes(folder: Path, count: int = 1500) -> Path:
    folder.mkdir()
    for i in range(count):
        (folder / f"note-{i:04}.md").write_text(
            f"# Topic {i}\n\nSharding splits table {i} across machines by a key; replicas {i} serve reads.\n"
        )
    return folder


def choose_folder(page: Any, url: str, folder: Path) -> None:
    page.goto(f"{url}/ask")
    page.get_by_text("A folder on this computer").click()  # on one's own machine the folder chooser stays
    box = page.get_by_placeholder("/path/to/my/notes")
    box.fill(str(folder))
    box.press("Enter")
    settled(page)


def ask(page: Any, question: str) -> None:
    box = page.get_by_placeholder("Ask a question about the notes")
    box.fill(question)
    box.press("Enter")


def test_indexing_a_large_folder_can_be_cancelled_and_started_again(
    tmp_path: Path, page: Any, app_url: str
) -> None:
    choose_folder(page, app_url, many_notes(tmp_path / "many-notes"))

    for attempt in range(2):
        ask(page, "How is a table split across machines?")
        page.get_by_text("Indexing note-", exact=False).first.wait_for()
        if attempt == 0:
            screenshot(page, "indexing-cancel")
        page.get_by_role("button", name="Cancel").click()
        settled(page)
        assert page.get_by_text("Indexing note-", exact=False).count() == 0
        assert page.get_by_text("already being indexed", exact=False).count() == 0
        assert page.locator('[data-testid="stException"]').count() == 0


def test_a_stale_tab_reloads_the_interview_and_says_so(team_url: str, user: Any) -> None:
    first = user("frank@example.com")
    start_interview(first, team_url)
    session = session_of(first)
    second = first.context.new_page()
    second.set_default_timeout(60_000)
    second.goto(f"{team_url}/?session={session}")
    second.get_by_text("left overall").wait_for()
    send(second, "Typed in the second tab: we optimise long-term watch time.")

    box = first.get_by_placeholder("Your answer, or a clarifying question")
    box.fill("Typed in the first tab, which has not seen the second tab's answer.")
    box.press("Enter")

    first.get_by_text("This interview moved on in another tab", exact=False).wait_for()
    first.get_by_text("Typed in the second tab", exact=False).first.wait_for()
    settled(first)
    assert first.get_by_text("Typed in the first tab", exact=False).count() == 0
    screenshot(first, "team-stale-tab")


def test_another_tab_of_the_same_user_waits_or_cancels_the_indexing(
    tmp_path: Path, page: Any, fresh_app_url: str
) -> None:
    """On a server of its own: a job cancelled elsewhere stops only at its next progress step."""
    app_url = fresh_app_url
    choose_folder(page, app_url, many_notes(tmp_path / "more-notes"))
    ask(page, "How is a table split across machines?")
    page.get_by_text("Indexing note-", exact=False).first.wait_for()

    other = page.context.new_page()
    other.set_default_timeout(60_000)
    other.goto(f"{app_url}/ask")
    other.get_by_text("Answer from").wait_for()
    ask(other, "What is cache-aside?")
    other.get_by_text("Your notes are being indexed in another tab").wait_for()
    screenshot(other, "indexing-other-tab")
    other.get_by_role("button", name="Cancel indexing").click()

    page.get_by_text("indexing was cancelled", exact=False).wait_for()
    settled(page)
    assert page.get_by_text("Indexing note-", exact=False).count() == 0
