"""The candidate's diagram beside the question's reference design, differences marked, for the feedback
cards, the scorecard and the downloaded reports.

Statuses come from the diagram review (`grading.diagram.review_diagram`): on the candidate's side a box is
`matched`, `extra` or `unlisted` (plumbing any design may have), and the flows a flow problem names are
marked; on the reference side a component is `matched` or `missing`, and a reference flow is `matched`,
`missing` or `problem` (drawn the wrong way round).
"""

from __future__ import annotations

from dataclasses import dataclass

from interviewer.diagrams.mermaid import to_mermaid
from interviewer.diagrams.model import Diagram
from interviewer.diagrams.reference import ReferenceDesign
from interviewer.diagrams.svg import flow_key, render_svg
from interviewer.grading.diagram import DiagramReview
from interviewer.web.markup import plain

CANDIDATE_TITLE = "Your diagram"
REFERENCE_TITLE = "Reference design"


@dataclass(frozen=True)
class Figure:
    title: str
    diagram: Diagram
    statuses: dict[str, str]

    @property
    def svg(self) -> str:
        """The picture, top to bottom: a reference design is a long chain, and two pictures stand side by
        side."""
        return render_svg(self.diagram, self.statuses, title=self.title, direction="TB")

    @property
    def mermaid(self) -> str:
        return to_mermaid(self.diagram)


@dataclass(frozen=True)
class DiagramComparison:
    """Both pictures and the review in words (Markdown: matched, missing, flow problems, extra)."""

    candidate: Figure
    reference: Figure | None
    summary: str


def candidate_statuses(review: DiagramReview, diagram: Diagram) -> dict[str, str]:
    statuses: dict[str, str] = {s.id: s.status for s in review.candidate_status}
    for problem in review.flow_problems:
        involved = set(problem.components)
        for f in diagram.flows:  # a problem about one box (nothing feeds it) is not about its arrows
            if len(involved) > 1 and {f.source, f.target} <= involved:
                statuses[flow_key(f)] = "problem"
    return statuses


def _flow_name(reference: ReferenceDesign, source: str, target: str, path: str) -> str:
    """A reference flow as the review names it in `flows_found` and `flows_missing`."""
    return f"{reference.component(source).label} → {reference.component(target).label} ({path})"


def reference_statuses(review: DiagramReview, reference: ReferenceDesign) -> dict[str, str]:
    statuses: dict[str, str] = {s.id: s.status for s in review.reference_status}
    found, missing = set(review.flows_found), set(review.flows_missing)
    for f in reference.flows:
        name = _flow_name(reference, f.source, f.target, f.path)
        key = f"{f.source}->{f.target}"
        if f"{name}, reversed" in found:
            statuses[key] = "problem"
        elif name in missing:
            statuses.setdefault(key, "missing")
        elif name in found:
            statuses.setdefault(key, "matched")
    return statuses


def review_summary(review: DiagramReview) -> str:
    """The review as Markdown lists; the candidate's labels are shown as plain text, never as markup."""

    blocks = [f"**Diagram**: level {review.level} / 5 (score {review.score:.2f})"]
    if review.matched:
        blocks.append(
            "**Matched**\n"
            + "\n".join(
                f"- {plain(m.candidate)}" + (f" = {plain(m.reference)}" if m.candidate != m.reference else "")
                for m in review.matched
            )
        )
    if review.missing:
        blocks.append("**Missing**\n" + "\n".join(f"- {plain(label)}" for label in review.missing))
    if review.flow_problems:
        blocks.append("**Flow problems**\n" + "\n".join(f"- {plain(p.text)}" for p in review.flow_problems))
    if review.extra:
        blocks.append("**Out of place here**\n" + "\n".join(f"- {plain(label)}" for label in review.extra))
    return "\n\n".join(blocks)


def compare(
    review: DiagramReview, candidate: Diagram, reference: ReferenceDesign | None
) -> DiagramComparison:
    mine = Figure(CANDIDATE_TITLE, candidate, candidate_statuses(review, candidate))
    theirs = (
        Figure(REFERENCE_TITLE, reference.diagram(), reference_statuses(review, reference))
        if reference is not None
        else None
    )
    return DiagramComparison(mine, theirs, review_summary(review))
