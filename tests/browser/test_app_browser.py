"""End to end in real Chromium: the app under `streamlit run`, offline, with its own data folder.

Waits are on visible text, never on sleeps, except while a real recording runs. Screenshots go to
`test-artifacts/`.
"""

from __future__ import annotations

import importlib.util
import re
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from interviewer.config import Settings
from interviewer.voice.speech import decode_audio, make_speaker


def _harness() -> Any:
    """The browser harness (`conftest.py` next to this file); test folders are not packages here."""
    spec = importlib.util.spec_from_file_location("browser_harness", Path(__file__).with_name("conftest.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_h = _harness()
CHROMIUM, CHROMIUM_ARGS, screenshot = _h.CHROMIUM, _h.CHROMIUM_ARGS, _h.screenshot

pytestmark = pytest.mark.browser

ANSWER = (
    "We optimise long-term watch time rather than clicks. With 500 million daily active users and about "
    "50K requests per second at peak, the home page must answer within 200 milliseconds."
)
SPOKEN = "We have five hundred million daily users, and the page must answer in two hundred milliseconds."


def chat_messages(page: Any) -> Any:
    return page.locator('[data-testid="stChatMessage"]')


def choose(page: Any, label: str, option: str) -> None:
    """Pick `option` in the select box labelled `label`."""
    page.get_by_label(label).first.click()
    page.get_by_role("option", name=option).first.click()


def start_interview(page: Any, url: str, *, drill: bool = False, shot: str | None = None) -> None:
    page.goto(url)
    page.get_by_text("Practise an ML system-design interview").wait_for()
    choose(page, "Question", "Design YouTube video recommendations · medium · recommendations")
    if drill:
        page.get_by_text("20 min drill", exact=True).click()
        page.get_by_text("A 20-minute drill spends the whole time on one phase.").wait_for()
    if shot:
        settled(page)
        screenshot(page, shot)
    page.get_by_role("button", name="Start the interview").click()
    page.get_by_text("left overall").wait_for()
    chat_messages(page).first.wait_for()


def settled(page: Any) -> None:
    """Wait until the app has been idle for 0.6 s: no script running, nothing left from an earlier run.

    A reply ends with a rerun, so the page can look idle for an instant between the two runs.
    """
    page.wait_for_function(
        """() => {
            const idle = document.querySelector('[data-test-script-state="notRunning"]')
                && !document.querySelector('[data-stale="true"]');
            const now = performance.now();
            if (!idle) { window.__idleSince = null; return false; }
            window.__idleSince = window.__idleSince ?? now;
            return now - window.__idleSince > 600;
        }""",
        polling=100,
    )


def chat_at_newest(page: Any) -> None:
    """Wait until the chat, once it scrolls, shows its newest reply at the bottom."""
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stVerticalBlock"]')]
            .filter(e => e.querySelector('[data-testid="stChatMessage"]') && e.scrollHeight > e.clientHeight + 2
                         && getComputedStyle(e).overflowY !== 'visible')
            .every(e => e.scrollHeight - e.scrollTop - e.clientHeight < 2)""",
        polling=100,
    )


def chat_texts(page: Any) -> list[str]:
    settled(page)
    return [m.inner_text() for m in chat_messages(page).all()]


def type_answer(page: Any, text: str) -> int:
    """Type `text` in the answer box and press Enter; return the chat's length before it.

    If the answer is not on the page within 20 s and the box still holds it, the key press was not taken
    (the page was being redrawn) and Enter is pressed again, as a candidate would. An answer that left the box is
    given a further minute to reach the chat (a first turn on a busy two-core machine loads the models); one
    that never does is lost, and that fails the test.
    """
    before = chat_messages(page).count()
    box = page.get_by_placeholder("Your answer, or a clarifying question")
    box.fill(text)
    box.press("Enter")
    for _ in range(2):
        try:
            chat_messages(page).nth(before).wait_for(timeout=20_000)
            return before
        except PlaywrightTimeout:
            held = box.input_value()
            if held != text:
                try:
                    chat_messages(page).nth(before).wait_for(timeout=60_000)
                    return before
                except PlaywrightTimeout:
                    raise AssertionError(
                        f"the typed answer left the box ({held!r}) but never reached the chat"
                    ) from None
            box.press("Enter")
    chat_messages(page).nth(before).wait_for()
    return before


def send(page: Any, text: str) -> None:
    """Type an answer and wait until the interviewer's reply to it is on the page."""
    before = type_answer(page, text)
    chat_messages(page).nth(before + 1).wait_for()
    settled(page)
    chat_at_newest(page)


def test_a_typed_drill_reaches_the_scorecard_and_downloads_the_report(
    page: Any, app_url: str, tmp_path: Path
) -> None:
    start_interview(page, app_url, drill=True, shot="start")
    send(page, "How many users do we have, and what latency does the page need?")
    send(page, ANSWER)
    screenshot(page, "interview")

    page.get_by_role("button", name="End interview").click()
    page.get_by_text("Scorecard: Design YouTube video recommendations").wait_for()
    page.get_by_text("Hiring signal", exact=True).wait_for()
    page.get_by_text("Not enough evidence to call", exact=True).wait_for()  # a drill is not a hiring signal
    page.get_by_text("Top gaps").wait_for()
    page.locator(
        '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg'
    ).first.wait_for()
    screenshot(page, "scorecard")

    with page.expect_download() as info:
        page.get_by_role("button", name="Report (Markdown)").click()
    report = Path(info.value.path()).read_text(encoding="utf-8")
    assert info.value.suggested_filename.startswith("interview-youtube-recommendations-")
    assert report.startswith("# Interview report: Design YouTube video recommendations")
    assert "drill on Requirements" in report
    assert ANSWER in report

    page.get_by_text("The whole transcript").click()
    page.get_by_text(ANSWER).last.wait_for()

    page.get_by_role("link", name="History").click()
    page.get_by_text("Next drill:").wait_for()
    page.get_by_role("button", name="Open scorecard").first.wait_for()
    settled(page)
    screenshot(page, "history")


def test_after_deleting_an_interview_the_next_ones_confirmation_stays_closed(
    page: Any, fresh_app_url: str
) -> None:
    for _ in range(3):
        start_interview(page, fresh_app_url, drill=True)
        send(page, ANSWER)
        page.get_by_role("button", name="End interview").click()
        page.get_by_text("Top gaps").wait_for()
    page.goto(f"{fresh_app_url}/history")
    page.get_by_text("Scores per phase over time").wait_for()
    delete = page.get_by_role("button", name="Delete", exact=True)
    expect(delete).to_have_count(3)
    settled(page)
    screenshot(page, "history-three")

    delete.first.click()
    page.get_by_role("button", name="Yes, delete it").click()
    expect(delete).to_have_count(2)
    settled(page)

    # The popover was open on the first row; the row that moved up must not inherit it.
    expect(page.get_by_text("Delete this interview and its scores for good?")).to_have_count(0)
    expect(page.get_by_role("button", name="Yes, delete it")).to_have_count(0)
    screenshot(page, "history-after-delete")


def test_an_answer_sent_the_moment_a_phase_ends_is_not_lost(page: Any, app_url: str) -> None:
    """The page is drawn again when a phase ends (the whiteboard opens, a notice appears); an answer typed and
    sent while that happens reaches the chat, and the box is not emptied under the candidate's hands."""
    start_interview(page, app_url)
    send(page, ANSWER)
    page.get_by_role("button", name="Next phase").click()
    early = "Two stages: candidate generation narrows millions of videos, then a ranker orders a few hundred."
    box = page.get_by_placeholder("Your answer, or a clarifying question")
    box.fill(early)
    box.press("Enter")
    page.get_by_text("— Phase: Architecture —").wait_for()
    page.get_by_text(early).wait_for()
    settled(page)
    texts = chat_texts(page)
    assert sum(early in t for t in texts) == 1
    assert texts.index(next(t for t in texts if early in t)) < len(texts) - 1  # and it was answered


def test_a_refresh_mid_interview_keeps_the_transcript(page: Any, app_url: str) -> None:
    start_interview(page, app_url)
    send(page, ANSWER)
    page.get_by_role("button", name="Next phase").click()
    page.get_by_text("— Phase: Architecture —").wait_for()
    send(
        page,
        "Candidate generation, then a ranking model, with a feature store shared by training and serving.",
    )
    assert "session=" in page.url
    shown = chat_texts(page)

    page.reload()
    page.get_by_text("left overall").wait_for()
    page.get_by_text("— Phase: Architecture —").wait_for()
    expect(chat_messages(page)).to_have_count(len(shown))

    assert chat_texts(page) == shown
    assert len(shown) == 6 and ANSWER in shown[1]
    page.set_viewport_size({"width": 1400, "height": 1400})
    settled(page)
    screenshot(page, "after-refresh")
    page.get_by_text(re.compile(r"^Requirements: \d\.\d / 5$")).wait_for()  # the card just graded, open
    expect(page.get_by_text("Missing:").first).to_be_in_viewport()


def _spoken_wav(path: Path, home: Path) -> Path:
    """Piper reads the answer; the recording is resampled to 16 kHz mono for Chromium's fake microphone."""
    speech = make_speaker(Settings(home=home, engine="offline")).speak(SPOKEN)
    samples = decode_audio(speech)
    silence = np.zeros(8_000, dtype=np.float32)
    pcm = (np.concatenate([silence, samples, silence]) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(pcm.tobytes())
    return path


@pytest.fixture
def microphone_page(browser: Any, tmp_path: Path, app_home: Path) -> Iterator[tuple[Any, float]]:
    """A second Chromium whose microphone plays a spoken answer; the answer's length comes with the page."""
    wav = _spoken_wav(tmp_path / "answer.wav", app_home)
    with wave.open(str(wav)) as w:
        seconds = w.getnframes() / w.getframerate()
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}%noloop",
    ]
    chromium = browser.browser_type.launch(executable_path=str(CHROMIUM), args=args)
    context = chromium.new_context(viewport={"width": 1400, "height": 1000}, permissions=["microphone"])
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        yield page, seconds
    finally:
        chromium.close()


def test_a_spoken_answer_is_transcribed_offline_corrected_and_sent(
    microphone_page: tuple[Any, float], app_url: str
) -> None:
    page, seconds = microphone_page
    start_interview(page, app_url)

    page.get_by_role("button", name="Record").click()
    page.wait_for_timeout(int((seconds + 0.5) * 1000))  # a real recording takes as long as the answer
    page.get_by_role("button", name="Stop recording").click()
    transcript = page.get_by_label("Check the transcript, then send it")
    transcript.wait_for()
    heard = transcript.input_value().lower()
    assert "million" in heard and "milliseconds" in heard
    page.get_by_text("wpm").first.wait_for()
    screenshot(page, "voice-transcript")

    corrected = "We have 500 million daily users, and the page must answer in 200 milliseconds."
    transcript.fill(corrected)
    transcript.press("Control+Enter")
    page.get_by_role("button", name="Send spoken answer").click()
    page.get_by_text(corrected).first.wait_for()
    page.get_by_text("words per minute").first.wait_for()
    assert chat_messages(page).count() >= 3
    screenshot(page, "voice-sent")


def test_ask_the_notes_answers_with_citations(page: Any, app_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "caching.md").write_text(
        "# Caching\n\n## Cache hit rate\n\nA result cache with a 60% hit rate cuts the load on the ranking "
        "service by more than half.\n",
        encoding="utf-8",
    )
    page.goto(f"{app_url}/ask")
    page.get_by_text("Ask the notes").first.wait_for()
    page.get_by_text("A folder on this computer").click()
    path = page.get_by_label("Notes folder")
    path.fill(str(folder))
    path.press("Enter")
    page.get_by_text(f"Notes: {folder}").wait_for()
    box = page.get_by_placeholder("Ask a question about the notes")
    box.fill("What does the cache hit rate do to the load on ranking?")
    box.press("Enter")
    page.get_by_text("[1] caching.md › Cache hit rate").wait_for()
    page.get_by_text("[1] caching.md › Cache hit rate").click()
    source = page.locator('[data-testid="stExpanderDetails"]').get_by_text("cuts the load on the ranking")
    expect(source).to_be_in_viewport()  # the expander has finished opening
    settled(page)
    screenshot(page, "ask-the-notes")


@pytest.mark.parametrize("path", ["ask", "history", "status"])
def test_a_page_opened_by_its_address_on_a_new_server_works(page: Any, fresh_app_url: str, path: str) -> None:
    # The first visit to a server, straight to a page's address (a bookmark, or tabs restored after a
    # restart), runs the app's navigation before the page, so the page finds its workbench.
    page.goto(f"{fresh_app_url}/{path}")
    page.get_by_text("Engine:").first.wait_for()
    settled(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, f"first-visit-{path}")
