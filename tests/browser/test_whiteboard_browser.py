"""The whiteboard end to end in real Chromium: draw with the controls, drag a box, submit, see the drawing in
the transcript and beside the reference design on the scorecard. Every request the page makes must go to
the app on 127.0.0.1: the board's frontend is served from the installed package, never from the internet.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect


def _module(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"browser_{name}", Path(__file__).with_name(f"{name}.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_h = _module("conftest")
_app = _module("test_app_browser")
screenshot, settled, chat_messages = _h.screenshot, _app.settled, _app.chat_messages

pytestmark = pytest.mark.browser

BOARD_FRAME = 'iframe[title="streamlit_flow.streamlit_flow"]'
WORDS = "Requests go from the app through the API to the ranking model."
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.fixture
def requests_seen(page: Any) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def outside(urls: list[str]) -> list[str]:
    """The requests that left this machine (data: and blob: URLs never do)."""
    return [
        u
        for u in urls
        if urlparse(u).scheme in ("http", "https", "ws", "wss") and urlparse(u).hostname not in LOCAL_HOSTS
    ]


def choose(page: Any, label: str, option: str) -> None:
    """Pick `option` in the select box labelled exactly `label` ("From" is also in "Chat message from ...")."""
    box = page.get_by_label(label, exact=True).first
    wanted = page.get_by_role("option", name=option, exact=True).first
    for _ in range(3):  # a rerun that lands just after the click (the clock ticks every 2 s) closes the list
        settled(page)
        box.click()
        try:
            wanted.wait_for(timeout=5_000)
        except PlaywrightTimeout:
            continue
        wanted.click()
        return
    raise AssertionError(f"the select box {label!r} never offered {option!r}")


def board(page: Any) -> Any:
    return page.frame_locator(BOARD_FRAME).first


def add_box(page: Any, label: str, kind: str) -> None:
    nodes = board(page).locator(".react-flow__node")
    before = nodes.count()
    page.get_by_label("Box label").fill(label)
    choose(page, "Kind", kind)
    page.get_by_role("button", name="Add box").click()
    expect(nodes).to_have_count(before + 1)
    expect(board(page).get_by_text(label, exact=True)).to_be_visible()
    settled(page)  # the redrawn board has reported back: a gesture now lands on the board that stays
    settled(page)


def add_arrow(page: Any, source: str, target: str, label: str = "") -> None:
    edges = board(page).locator(".react-flow__edge")
    before = edges.count()
    choose(page, "From", source)
    choose(page, "To", target)
    if label:
        page.get_by_label("Arrow label").fill(label)
    page.get_by_role("button", name="Add arrow").click()
    expect(edges).to_have_count(before + 1)
    settled(page)


def steady_box(page: Any, locator: Any) -> dict[str, float]:
    """Where `locator` is once it has stopped moving (the page may still be scrolling it into view)."""
    last = None
    for _ in range(50):
        box = locator.bounding_box()
        if box is not None and box == last:
            return dict(box)
        last = box
        page.wait_for_timeout(100)
    raise AssertionError(f"{locator} kept moving")


def node_transform(page: Any, label: str) -> str:
    node = board(page).locator(".react-flow__node", has_text=label)
    return str(node.evaluate("e => e.style.transform"))


def test_a_drawing_made_on_the_whiteboard_reaches_the_transcript_and_the_scorecard(
    page: Any, app_url: str, requests_seen: list[str]
) -> None:
    page.goto(app_url)
    page.get_by_text("Practise an ML system-design interview").wait_for()
    _app.choose(page, "Question", "Design YouTube video recommendations · medium · recommendations")
    page.get_by_text("20 min drill", exact=True).click()
    choose(page, "Phase to drill", "Architecture")
    page.get_by_role("button", name="Start the interview").click()
    page.get_by_text("left overall").wait_for()
    page.get_by_text("Whiteboard").first.wait_for()
    board(page).locator(".react-flow__pane").wait_for()

    add_box(page, "Mobile app", "client")
    add_box(page, "Recommendation API", "service")
    add_box(page, "Ranking model", "model")
    add_arrow(page, "Mobile app", "Recommendation API", "GET /home")
    add_arrow(page, "Recommendation API", "Ranking model")
    expect(board(page).get_by_text("GET /home")).to_be_visible()
    screenshot(page, "whiteboard-drawn")

    # Drag the ranking model down; the board takes in where it was dropped.
    node = board(page).locator(".react-flow__node", has_text="Ranking model")
    before = node_transform(page, "Ranking model")
    node.hover()  # scrolls the board into view, so the gesture lands on the box
    box = steady_box(page, node)
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):  # a hand's pace: React Flow drops moves that arrive all at once
        page.mouse.move(x - 4 * step, y + 12 * step)
        page.wait_for_timeout(30)
    page.mouse.up()
    moved = node_transform(page, "Ranking model")
    assert moved != before
    settled(page)
    # A change made from the controls redraws the board from the server's copy: the box stays where it went.
    add_box(page, "Feature store", "store")
    assert node_transform(page, "Ranking model") == moved
    page.get_by_label("Delete", exact=True).click()
    page.get_by_role("option", name="Box: Feature store").click()
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(board(page).locator(".react-flow__node")).to_have_count(3)
    settled(page)
    screenshot(page, "whiteboard-moved")

    page.get_by_label("Words to go with the drawing (optional)").fill(WORDS)
    page.get_by_role("button", name="Submit the drawing").click()
    page.get_by_text("drawn on the whiteboard").first.wait_for()
    settled(page)
    drawing = chat_messages(page).filter(has_text=WORDS).locator("svg")
    expect(drawing).to_have_count(1)
    for label in ("Mobile app", "Recommendation API", "Ranking model", "GET /home"):
        expect(drawing.get_by_text(label, exact=True)).to_have_count(1)
    page.get_by_text("The interviewer has this drawing.").wait_for()
    screenshot(page, "whiteboard-submitted")

    # A refresh brings the board back as submitted.
    page.reload()
    page.get_by_text("The interviewer has this drawing.").wait_for()
    expect(board(page).locator(".react-flow__node")).to_have_count(3)
    expect(board(page).locator(".react-flow__edge")).to_have_count(2)
    expect(board(page).get_by_text("Ranking model", exact=True)).to_be_visible()
    settled(page)

    page.get_by_role("button", name="End interview").click()
    page.get_by_text("Scorecard: Design YouTube video recommendations").wait_for()
    details = page.locator('[data-testid="stExpanderDetails"]').filter(has_text="Reference design")
    details.first.wait_for()
    pictures = details.first.locator("svg")
    expect(pictures).to_have_count(2)
    expect(pictures.nth(0).get_by_text("client · matched")).to_have_count(1)
    expect(details.first.get_by_text("Missing", exact=True)).to_be_visible()
    assert "missing" in pictures.nth(1).inner_html()
    pictures.nth(1).scroll_into_view_if_needed()
    settled(page)
    screenshot(page, "whiteboard-scorecard")

    assert outside(requests_seen) == []
    assert any(urlparse(u).path.endswith(".js") and "streamlit_flow" in u for u in requests_seen)


def options_of(page: Any, label: str) -> list[str]:
    """The options the select box labelled `label` offers (opened and closed again)."""
    box = page.get_by_label(label, exact=True).first
    for _ in range(3):
        settled(page)
        box.click()
        try:
            page.get_by_role("option").first.wait_for(timeout=5_000)
        except PlaywrightTimeout:
            continue
        shown = [str(t) for t in page.get_by_role("option").all_inner_texts()]
        page.keyboard.press("Escape")
        return shown
    raise AssertionError(f"the select box {label!r} never opened")


def test_boxes_and_arrows_made_with_the_boards_own_gestures_reach_the_controls(
    page: Any, app_url: str, requests_seen: list[str]
) -> None:
    page.goto(app_url)
    page.get_by_text("Practise an ML system-design interview").wait_for()
    _app.choose(page, "Question", "Design YouTube video recommendations · medium · recommendations")
    page.get_by_text("20 min drill", exact=True).click()
    choose(page, "Phase to drill", "Architecture")
    page.get_by_role("button", name="Start the interview").click()
    page.get_by_text("left overall").wait_for()
    board(page).locator(".react-flow__pane").wait_for()
    add_box(page, "Mobile app", "client")
    add_box(page, "Feed API", "service")

    # Relabel a box in the board's own dialog: it shows the box's Markdown, the words between the stars.
    board(page).locator(".react-flow__node", has_text="Feed API").click(button="right")
    board(page).get_by_text("Edit Node").click()
    content = board(page).locator("textarea").first
    assert content.input_value() == "**Feed API**<br/><small>service</small>"
    content.fill("**Feed service**<br/><small>service</small>")
    board(page).get_by_role("button", name="Save Changes").click()
    expect(board(page).get_by_text("Feed service", exact=True)).to_be_visible()
    settled(page)

    # Draw an arrow by dragging from one box's right handle to the other's left handle.
    source = (
        board(page).locator(".react-flow__node", has_text="Mobile app").locator(".react-flow__handle.source")
    )
    target = (
        board(page)
        .locator(".react-flow__node", has_text="Feed service")
        .locator(".react-flow__handle.target")
    )
    source.hover()
    a, b = steady_box(page, source), steady_box(page, target)
    page.mouse.move(a["x"] + a["width"] / 2, a["y"] + a["height"] / 2)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(
            a["x"] + (b["x"] - a["x"]) * step / 10 + b["width"] / 2,
            a["y"] + (b["y"] - a["y"]) * step / 10 + b["height"] / 2,
        )
        page.wait_for_timeout(30)
    page.mouse.up()
    expect(board(page).locator(".react-flow__edge")).to_have_count(1)
    # Redrawn from the server's copy, the arrow drawn by hand has its arrowhead.
    expect(board(page).locator(".react-flow__edge path[marker-end]")).to_have_count(1)
    settled(page)
    screenshot(page, "whiteboard-gestures")

    assert options_of(page, "Delete") == [
        "Box: Mobile app",
        "Box: Feed service",
        "Arrow: Mobile app → Feed service",
    ]

    # A Mermaid block typed in the chat is drawn in the transcript, not shown as code.
    before = _app.type_answer(
        page, "Here is the storage side.\n```mermaid\nflowchart LR\n  api[Feed API] --> db[(Posts DB)]\n```"
    )
    page.get_by_text("typed as Mermaid").first.wait_for()
    expect(chat_messages(page)).to_have_count(before + 2)  # and the interviewer's reply to it
    settled(page)
    _app.chat_at_newest(page)
    typed = chat_messages(page).filter(has_text="Here is the storage side.")
    expect(typed.locator("svg").get_by_text("Posts DB", exact=True)).to_have_count(1)
    expect(typed.get_by_text("flowchart LR")).to_have_count(0)
    screenshot(page, "whiteboard-typed-mermaid")
    assert outside(requests_seen) == []
