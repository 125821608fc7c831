"""The candidate's diagrams in the report: the last one of each phase, as Mermaid, with what it matched.

The JSON report carries them as `diagrams`; the Markdown report shows each as a ```mermaid block (which
GitHub and most Markdown viewers draw) followed by a short list of what matched the reference design, what
is missing and the flow problems, when the phase's grade reviewed it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict, Field

from interviewer.diagrams.mermaid import to_mermaid
from interviewer.diagrams.model import Diagram
from interviewer.grading.grade import Grade
from interviewer.phases import PHASE_NAMES, PHASES, Phase
from interviewer.store.sessions import Turn


class DiagramMatchLine(BaseModel):
    model_config = ConfigDict(extra="forbid")

    candidate: str
    reference: str


class DiagramEntry(BaseModel):
    """The last diagram the candidate submitted in one phase."""

    model_config = ConfigDict(extra="forbid")

    phase: Phase
    seq: int = Field(description="the candidate turn that submitted it")
    mermaid: str
    diagram: Diagram
    reviewed: bool = Field(default=False, description="the phase's grade reviewed this drawing")
    level: int | None = None
    matched: list[DiagramMatchLine] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)
    flow_problems: list[str] = Field(default_factory=list)


def diagram_entries(turns: Sequence[Turn], grades: Mapping[str, Grade]) -> list[DiagramEntry]:
    latest: dict[Phase, Turn] = {}
    for t in turns:
        if t.role == "candidate" and t.phase in PHASES and "diagram" in t.meta:
            latest[t.phase] = t
    entries = []
    for phase in PHASES:
        turn = latest.get(phase)
        if turn is None:
            continue
        diagram = Diagram.model_validate(turn.meta["diagram"])
        if diagram.empty:
            continue
        grade = grades.get(phase)
        review = grade.diagram if grade is not None else None
        entry = DiagramEntry(phase=phase, seq=turn.seq, mermaid=to_mermaid(diagram), diagram=diagram)
        if review is not None and review.components == [c.label for c in diagram.components]:
            entry.reviewed = True
            entry.level = review.level
            entry.matched = [
                DiagramMatchLine(candidate=m.candidate, reference=m.reference) for m in review.matched
            ]
            entry.missing = list(review.missing)
            entry.flow_problems = [p.text for p in review.flow_problems]
        entries.append(entry)
    return entries


def diagram_markdown(entries: Sequence[DiagramEntry]) -> list[str]:
    """The report's "Diagrams" section (no lines when there is none)."""
    if not entries:
        return []
    lines = ["## Diagrams", ""]
    for e in entries:
        level = f" (diagram level {e.level} / 5)" if e.level is not None else ""
        lines += [f"### {PHASE_NAMES[e.phase]}{level}", "", "```mermaid", e.mermaid.rstrip(), "```", ""]
        if not e.reviewed:
            continue
        if e.matched:
            pairs = ", ".join(
                m.candidate
                if m.candidate.lower() == m.reference.lower()
                else f"{m.candidate} ({m.reference})"
                for m in e.matched
            )
            lines.append(f"- Matched: {pairs}")
        lines.append(f"- Missing: {', '.join(e.missing) if e.missing else 'nothing essential'}")
        lines += [f"- {p}" for p in e.flow_problems[:5]]
        lines.append("")
    return lines
