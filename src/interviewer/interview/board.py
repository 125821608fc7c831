"""What the session keeps of the whiteboard, and the turn helpers that read saved turns.

A candidate turn may carry a diagram: drawn on the board (`submit(..., diagram=...)`) or typed as a fenced
```mermaid block in the answer. It is saved in the turn's `meta` as `diagram` (the `Diagram` as JSON), with
`diagram_changed` when it differs from the one before, and `mermaid` holding a typed block's source. The
typed block leaves the answer's text, so the words are graded as words and the drawing as a drawing.

A changed diagram also speaks: its plain sentences (`grading.diagram_text`) join the turn's answer wherever
answers are read for coverage and grading, so a point drawn counts as a point made.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from interviewer.diagrams.mermaid import find_fenced, parse_mermaid
from interviewer.diagrams.model import Diagram
from interviewer.grading.delivery import Delivery
from interviewer.grading.delivery import combine as combine_deliveries
from interviewer.grading.delivery import measure as measure_delivery
from interviewer.grading.diagram_text import diagram_text
from interviewer.phases import Phase
from interviewer.store.sessions import Turn


def take_diagram(
    text: str, diagram: Diagram | None, previous: Diagram | None
) -> tuple[str, Diagram | None, dict[str, Any]]:
    """The answer's words, the turn's diagram and the `meta` fields that save it.

    A fenced ```mermaid block is parsed (a mistake raises `BadInput` naming the line, before anything is
    saved) and taken out of the words; a diagram passed in wins over a typed block.
    """
    meta: dict[str, Any] = {}
    if diagram is None:
        found = find_fenced(text or "")
        if found.block is not None:
            diagram = parse_mermaid(found.block, first_line=found.first_line)
            meta["mermaid"] = found.block
            text = found.text
    if diagram is None:
        return text, None, meta
    meta["diagram"] = diagram.model_dump(mode="json")
    meta["diagram_changed"] = previous is None or previous != diagram
    return text, diagram, meta


def turn_diagram(turn: Turn) -> Diagram | None:
    raw = turn.meta.get("diagram")
    return Diagram.model_validate(raw) if raw is not None else None


def latest_diagram(turns: Sequence[Turn], phase: Phase | None = None) -> Diagram | None:
    """The last diagram a candidate turn carried (in `phase`, when given)."""
    for turn in reversed(turns):
        if turn.role == "candidate" and "diagram" in turn.meta and (phase is None or turn.phase == phase):
            return turn_diagram(turn)
    return None


def with_drawing(turn: Turn) -> str:
    """A turn's answer as graded: its words, then its diagram in sentences when the diagram changed."""
    return drawn_text(turn.text, turn.meta)


def drawn_text(text: str, meta: dict[str, Any]) -> str:
    raw = meta.get("diagram") if meta.get("diagram_changed") else None
    diagram = Diagram.model_validate(raw) if raw is not None else None
    if diagram is None or diagram.empty:
        return text
    return f"{text}\n\n{diagram_text(diagram)}".strip()


def spoken_delivery(turns: Sequence[Turn], order: Sequence[Phase]) -> Delivery | None:
    """The delivery over every answer when some were spoken (their measured pace counts); else None."""
    answered = [
        t
        for t in turns
        if t.role == "candidate"
        and t.phase in order
        and t.kind in ("answer", "question")
        and not t.meta.get("silent")
    ]
    if not any("delivery" in t.meta for t in answered):
        return None
    return combine_deliveries(
        Delivery.model_validate(t.meta["delivery"]) if "delivery" in t.meta else measure_delivery(t.text)
        for t in answered
    )
