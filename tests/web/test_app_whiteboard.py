"""The whiteboard in the app, run headless with `AppTest`: drawn with its form controls, submitted, shown in
the transcript, brought back after a refresh, and set beside the reference design on the scorecard."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from interviewer.diagrams.model import Component, Diagram, Flow
from interviewer.testing import FakeEmbedder
from interviewer.web.workbench import OVERRIDES_KEY, WORKBENCH_KEY, Overrides, Workbench

APP = str(Path(__file__).resolve().parents[2] / "app.py")
SVG = "{http://www.w3.org/2000/svg}"
WORDS = "The app calls the API, which asks the ranking model; ranking reads features from the feature store."
DRAWN = Diagram(
    components=(
        Component(id="mobile-app", label="Mobile app", kind="client"),
        Component(id="recommendation-api", label="Recommendation API", kind="service"),
        Component(id="ranking-model", label="Ranking model", kind="model"),
    ),
    flows=(
        Flow(source="mobile-app", target="recommendation-api", label="GET /home"),
        Flow(source="recommendation-api", target="ranking-model"),
    ),
)


@pytest.fixture(scope="module")
def embedder() -> FakeEmbedder:
    return FakeEmbedder()


def open_app(embedder: FakeEmbedder, session: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[OVERRIDES_KEY] = Overrides(embedder=embedder)
    if session:
        at.query_params["session"] = session
    return at.run()


def workbench(at: AppTest) -> Workbench:
    return at.session_state[WORKBENCH_KEY]  # type: ignore[no-any-return]


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def button(at: AppTest, label: str) -> Any:
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r}; buttons: {[b.label for b in at.button]}"
    return matches[0]


def start_drill(at: AppTest, phase: str = "architecture") -> AppTest:
    at.selectbox(key="question-pick").set_value("youtube-recommendations")
    at.segmented_control(key="length").set_value(20).run()
    at.selectbox(key="drill-phase").set_value(phase)
    return button(at, "Start the interview").click().run()


def add_box(at: AppTest, label: str, kind: str) -> AppTest:
    box = next(t for t in at.text_input if t.label == "Box label")
    box.set_value(label)
    next(s for s in at.selectbox if s.label == "Kind").set_value(kind)
    return button(at, "Add box").click().run()


def add_arrow(at: AppTest, source: str, target: str, label: str = "") -> AppTest:
    next(s for s in at.selectbox if s.label == "From").set_value(source)
    next(s for s in at.selectbox if s.label == "To").set_value(target)
    next(t for t in at.text_input if t.label == "Arrow label").set_value(label)
    return button(at, "Add arrow").click().run()


def words(at: AppTest) -> Any:
    return next(t for t in at.text_area if t.label == "Words to go with the drawing (optional)")


def draw(at: AppTest) -> AppTest:
    at = add_box(at, "Mobile app", "client")
    at = add_box(at, "Recommendation API", "service")
    at = add_box(at, "Ranking model", "model")
    at = add_arrow(at, "mobile-app", "recommendation-api", "GET /home")
    return add_arrow(at, "recommendation-api", "ranking-model")


def pictures(at: AppTest) -> list[ET.Element]:
    """The inline SVG pictures on the page."""
    found = []
    for element in at.markdown:
        body = element.value.strip()
        if body.startswith('<div style="overflow-x:auto">'):
            body = body.removeprefix('<div style="overflow-x:auto">').removesuffix("</div>")
        if body.startswith("<svg"):
            assert element.allow_html
            found.append(ET.fromstring(body))
    return found


def labels(picture: ET.Element) -> set[str]:
    return {g.get("data-id", "") for g in picture.iter(f"{SVG}g") if g.get("class") == "component"}


def test_the_whiteboard_is_out_only_in_the_architecture_and_deep_dive_phases(embedder: FakeEmbedder) -> None:
    at = start_drill(open_app(embedder), "requirements")
    no_exception(at)
    assert not any(b.label == "Submit the drawing" for b in at.button)
    assert not any(t.label == "Box label" for t in at.text_input)

    for phase in ("architecture", "deep_dive"):
        at = start_drill(open_app(embedder), phase)
        no_exception(at)
        assert button(at, "Submit the drawing").disabled  # nothing drawn yet
        assert any(t.label == "Box label" for t in at.text_input)


def test_boxes_and_arrows_drawn_with_the_controls_are_submitted_and_shown_in_the_transcript(
    embedder: FakeEmbedder,
) -> None:
    at = draw(start_drill(open_app(embedder)))
    no_exception(at)
    wb = workbench(at)
    assert wb.board.diagram == DRAWN
    deletable = next(s for s in at.selectbox if s.label == "Delete").options
    assert (
        "Box: Ranking model" in deletable
        and "Arrow: Mobile app → Recommendation API (GET /home)" in deletable
    )

    words(at).set_value(WORDS)
    at = button(at, "Submit the drawing").click().run()
    no_exception(at)

    session = wb.session
    assert session is not None and session.diagram() == DRAWN
    candidate = [t for t in session.turns if t.role == "candidate"][-1]
    assert candidate.text == WORDS and candidate.meta["diagram_changed"] is True
    line = [c for c in wb.chat() if c.role == "candidate"][-1]
    assert line.diagram == DRAWN and line.note == "drawn on the whiteboard"
    shown = pictures(at)
    assert any(labels(p) == {c.id for c in DRAWN.components} for p in shown)
    assert any(m.name == "user" and WORDS in "".join(md.value for md in m.markdown) for m in at.chat_message)
    assert any("The interviewer has this drawing." in c.value for c in at.caption)
    assert words(at).value == ""


def test_a_drawing_can_be_submitted_without_words(embedder: FakeEmbedder) -> None:
    at = add_box(start_drill(open_app(embedder)), "Feature store", "store")
    at = button(at, "Submit the drawing").click().run()
    no_exception(at)
    session = workbench(at).session
    assert session is not None
    turn = [t for t in session.turns if t.role == "candidate"][-1]
    assert turn.text == "" and turn.meta["diagram"]["components"][0]["label"] == "Feature store"
    assert not turn.meta.get("silent")  # the drawing is an answer
    assert [t.role for t in session.turns][-1] == "interviewer"


def test_deleting_with_the_controls_removes_a_box_and_its_arrows(embedder: FakeEmbedder) -> None:
    at = draw(start_drill(open_app(embedder)))
    next(s for s in at.selectbox if s.label == "Delete").set_value(("box", "recommendation-api"))
    at = button(at, "Delete").click().run()
    no_exception(at)
    board = workbench(at).board
    assert [c.id for c in board.diagram.components] == ["mobile-app", "ranking-model"]
    assert board.diagram.flows == ()


def test_a_refresh_brings_the_board_back_as_last_submitted(embedder: FakeEmbedder) -> None:
    at = draw(start_drill(open_app(embedder)))
    at = button(at, "Submit the drawing").click().run()
    session_id = workbench(at).session_id
    assert session_id

    again = open_app(embedder, session=session_id)  # a new tab: a new workbench, the URL names the session
    no_exception(again)
    board = workbench(again).board
    assert workbench(again) is not workbench(at)
    assert board.diagram == DRAWN
    assert set(board.positions) == {c.id for c in DRAWN.components}
    assert not button(again, "Submit the drawing").disabled
    assert any("The interviewer has this drawing." in c.value for c in again.caption)


def test_a_typed_mermaid_block_is_shown_drawn_not_as_code(embedder: FakeEmbedder) -> None:
    at = start_drill(open_app(embedder))
    at = (
        at.chat_input[0]
        .set_value("Here is my design.\n```mermaid\nflowchart LR\n  app([Mobile app]) --> api[Feed API]\n```")
        .run()
    )
    no_exception(at)
    line = [c for c in workbench(at).chat() if c.role == "candidate"][-1]
    assert line.text == "Here is my design." and line.note == "typed as Mermaid"
    assert any(labels(p) == {"app", "api"} for p in pictures(at))
    assert not any("flowchart LR" in md.value for m in at.chat_message for md in m.markdown)
    # The board was empty, so the typed drawing goes on it, to be changed there.
    board = workbench(at).board
    assert [c.label for c in board.diagram.components] == ["Mobile app", "Feed API"]
    assert not board.changed_since_submitted


def test_a_typed_mermaid_block_leaves_a_drawing_not_yet_sent_on_the_board(embedder: FakeEmbedder) -> None:
    at = add_box(start_drill(open_app(embedder)), "Feature store", "store")
    at = (
        at.chat_input[0]
        .set_value("```mermaid\nflowchart LR\n  app([Mobile app]) --> api[Feed API]\n```")
        .run()
    )
    no_exception(at)
    board = workbench(at).board
    assert [c.label for c in board.diagram.components] == ["Feature store"]
    assert board.changed_since_submitted


def test_the_scorecard_sets_the_drawing_beside_the_reference_design(embedder: FakeEmbedder) -> None:
    at = draw(start_drill(open_app(embedder)))
    words(at).set_value(WORDS)
    at = button(at, "Submit the drawing").click().run()
    at = button(at, "End interview").click().run()
    no_exception(at)

    wb = workbench(at)
    card = next(c for c in wb.feedback() if c.title.startswith("Architecture"))
    assert card.diagram is not None and card.diagram.reference is not None
    question = wb.session.question if wb.session else None
    assert question is not None and question.reference_design is not None
    assert card.diagram.candidate.diagram == DRAWN
    shown = pictures(at)
    reference_ids = {c.id for c in question.reference_design.components}
    assert any(labels(p) == reference_ids for p in shown)
    assert any(labels(p) == {c.id for c in DRAWN.components} for p in shown)
    summary = card.diagram.summary
    assert "**Matched**" in summary and "**Missing**" in summary
    assert any("**Missing**" in md.value for md in at.markdown)
    # The reference marks what the drawing lacks; the drawing marks what it matched.
    statuses = card.diagram.reference.statuses
    assert "missing" in statuses.values() and "matched" in statuses.values()
    assert card.diagram.candidate.statuses["ranking-model"] == "matched"


def test_the_downloads_carry_the_drawings(embedder: FakeEmbedder) -> None:
    at = draw(start_drill(open_app(embedder)))
    words(at).set_value(WORDS)
    at = button(at, "Submit the drawing").click().run()
    at = button(at, "End interview").click().run()
    no_exception(at)
    assert "Report (HTML)" in {b.label for b in at.get("download_button")}

    files = workbench(at).downloads()
    # Markdown: the drawing (under "Diagrams") and the reference design it was compared with, as Mermaid.
    drawing = files.markdown[files.markdown.index("## Diagrams") :]
    assert '"Ranking model"' in drawing.split("```")[1]
    reference = files.markdown[files.markdown.index("## Reference design: Architecture") :]
    question = workbench(at).session.question  # type: ignore[union-attr]
    assert question.reference_design is not None
    assert all(f'"{c.label}"' in reference for c in question.reference_design.components)
    # The transcript: the turn's words, then its drawing.
    turn = files.transcript[files.transcript.index(WORDS) :]
    assert turn.split("\n")[2] == "```mermaid" and '"Recommendation API"' in turn
    # HTML: one page, the drawing beside the reference design as inline pictures, nothing to fetch.
    assert files.html.startswith("<!doctype html>")
    chunks = files.html.split("<svg")[1:]
    svgs = [ET.fromstring("<svg" + chunk[: chunk.index("</svg>") + 6]) for chunk in chunks]
    assert len(svgs) == 2 and "```mermaid" not in files.html
    assert labels(svgs[0]) == {c.id for c in DRAWN.components}
    assert labels(svgs[1]) == {c.id for c in question.reference_design.components}
    assert "Green: matched" in files.html
    assert "src=" not in files.html and "<script" not in files.html
    assert "http" not in files.html.replace("http://www.w3.org/2000/svg", "")


def test_a_box_without_a_label_is_refused_with_the_reason(embedder: FakeEmbedder) -> None:
    at = add_box(start_drill(open_app(embedder)), "   ", "service")
    no_exception(at)
    assert workbench(at).board.diagram.empty
    assert any("give the box a label first" in e.value for e in at.error)
    at = add_box(at, "Feature store", "store")
    assert not any("give the box a label first" in e.value for e in at.error)


def test_markup_typed_in_an_answer_is_text_in_the_html_report(embedder: FakeEmbedder) -> None:
    at = start_drill(open_app(embedder))
    typed = "The API <img src=x onerror=alert(1)> calls the ranker & the <b>feature store</b>."
    at = at.chat_input[0].set_value(typed).run()
    at = button(at, "End interview").click().run()
    no_exception(at)
    page = workbench(at).downloads().html
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "&lt;b&gt;feature store&lt;/b&gt;" in page
    assert "<img" not in page and "<b>" not in page
