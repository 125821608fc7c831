"""Reviewing a candidate's architecture diagram against the question's reference design.

`review_diagram(reference, candidate)` returns a `DiagramReview`: which boxes match which reference
components (`diagram_match`), which reference components are missing, which boxes do not belong, the flow
problems (`diagram_flows`: a request path through a training pipeline, a cache after the store it protects,
reversed arrows, a missing essential flow, unconnected boxes), a status per component on both sides for a
renderer to colour, and a score in [0, 1] with a level from 1 to 5.

The score: 0.55 × component recall + 0.45 × flow recall − the problems' weights (at most 0.6). Recall counts an
essential reference component or flow as 1 and an optional one as 0.3; a flow drawn the wrong way round counts
half. Levels 2 to 5 start at 0.05, 0.28, 0.6 and 0.88 (set on the
labelled set's tuning diagrams, tests/data/diagrams).

How the drawing enters the architecture grade is `diagram_grade`'s business.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from interviewer.diagrams.model import Diagram
from interviewer.diagrams.reference import ReferenceDesign
from interviewer.grading.diagram_flows import FlowProblem, FlowReport, review_flows
from interviewer.grading.diagram_match import assign, is_plumbing
from interviewer.grading.diagram_text import diagram_sentences

Status = Literal["matched", "missing", "extra", "unlisted"]
"""`matched`: drawn and in the reference; `missing`: in the reference, not drawn; `extra`: drawn and out of place
here; `unlisted`: drawn, not in the reference, but plumbing any design may have (a load balancer, a gateway)."""
STATUSES: tuple[Status, ...] = ("matched", "missing", "extra", "unlisted")
LEVELS = (0.05, 0.28, 0.6, 0.88)
COMPONENT_WEIGHT = 0.55
FLOW_WEIGHT = 0.45
OPTIONAL_WEIGHT = 0.3
MAX_PENALTY = 0.6


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DiagramMatch(_Model):
    candidate: str = Field(description="the label the candidate wrote")
    reference: str = Field(description="the reference component's label")
    candidate_id: str
    reference_id: str
    score: float = Field(ge=0, le=1)


class ComponentStatus(_Model):
    id: str
    label: str
    status: Status
    match: str | None = Field(default=None, description="the label it matched on the other side")


class DiagramReview(_Model):
    """What a drawing gets right and wrong. JSON-able; `statuses()` colours the candidate's boxes."""

    components: list[str] = Field(default_factory=list, description="the candidate's component labels")
    matched: list[DiagramMatch] = Field(default_factory=list)
    missing: list[str] = Field(
        default_factory=list,
        description="essential reference labels not drawn (optional ones show in reference_status)",
    )
    flow_problems: list[FlowProblem] = Field(default_factory=list)
    extra: list[str] = Field(default_factory=list, description="drawn components that do not belong")
    reference_status: list[ComponentStatus] = Field(default_factory=list)
    candidate_status: list[ComponentStatus] = Field(default_factory=list)
    flows_found: list[str] = Field(default_factory=list, description="reference flows the drawing has")
    flows_missing: list[str] = Field(default_factory=list, description="reference flows it lacks")
    score: float = Field(default=0.0, ge=0, le=1)
    level: int = Field(default=1, ge=1, le=5)
    sentences: list[str] = Field(default_factory=list, description="the drawing in plain sentences")

    def statuses(self) -> dict[str, Status]:
        """Candidate component id → status, for a renderer."""
        return {s.id: s.status for s in self.candidate_status}

    def summary(self) -> dict[str, Any]:
        """The short form `interviewer grade --json` documents, plus the score and level."""
        data = self.model_dump(mode="json")
        return {
            "components": data["components"],
            "matched": [{"candidate": m["candidate"], "reference": m["reference"]} for m in data["matched"]],
            "missing": data["missing"],
            "flow_problems": [p["text"] for p in data["flow_problems"]],
            "extra": data["extra"],
            "score": data["score"],
            "level": data["level"],
        }


def review_diagram(reference: ReferenceDesign, candidate: Diagram, *, embedder: Any = None) -> DiagramReview:
    """Compare `candidate` with `reference`. Deterministic for a deterministic embedder (or none)."""
    pairs = assign(candidate.components, reference.components, embedder)
    by_candidate: dict[str, list[str]] = {}
    by_reference: dict[str, list[str]] = {}
    for p in pairs:
        by_candidate.setdefault(p.candidate.id, []).append(p.reference.id)
        by_reference.setdefault(p.reference.id, []).append(p.candidate.id)
    extra_ids = _extras(candidate, by_candidate)
    flows: FlowReport = review_flows(reference, candidate, by_reference, by_candidate, extra_ids)
    matched = [
        DiagramMatch(
            candidate=p.candidate.label,
            reference=p.reference.label,
            candidate_id=p.candidate.id,
            reference_id=p.reference.id,
            score=round(min(1.0, p.score), 3),
        )
        for p in pairs
    ]
    reference_status = [
        ComponentStatus(
            id=r.id,
            label=r.label,
            status="matched" if r.id in by_reference else "missing",
            match=candidate.label_of(by_reference[r.id][0]) if r.id in by_reference else None,
        )
        for r in reference.components
    ]
    candidate_status = [
        ComponentStatus(
            id=c.id,
            label=c.label,
            status="matched" if c.id in by_candidate else "extra" if c.id in extra_ids else "unlisted",
            match=reference.component(by_candidate[c.id][0]).label if c.id in by_candidate else None,
        )
        for c in candidate.components
    ]
    score = _score(reference, by_reference, flows)
    return DiagramReview(
        components=[c.label for c in candidate.components],
        matched=matched,
        missing=[r.label for r in reference.components if r.id not in by_reference and r.essential],
        flow_problems=flows.problems,
        extra=[candidate.label_of(i) for i in extra_ids],
        reference_status=reference_status,
        candidate_status=candidate_status,
        flows_found=flows.found,
        flows_missing=flows.missing,
        score=score,
        level=1 + sum(score >= t for t in LEVELS),
        sentences=diagram_sentences(candidate),
    )


def _extras(candidate: Diagram, by_candidate: dict[str, list[str]]) -> list[str]:
    """Boxes that match nothing, are not plumbing, and do not sit between two parts of the design.

    A box with an arrow from a matched part and an arrow to one ("Campaign DB → Index builder → Targeting
    index") does a job the reference leaves implicit, so it is `unlisted`, not out of place.
    """
    into: dict[str, set[str]] = {c.id: set() for c in candidate.components}
    out: dict[str, set[str]] = {c.id: set() for c in candidate.components}
    for f in candidate.flows:
        out[f.source].add(f.target)
        into[f.target].add(f.source)
    extras = []
    for c in candidate.components:
        if c.id in by_candidate or c.kind == "client" or is_plumbing(c.label):
            continue
        if into[c.id] & by_candidate.keys() and out[c.id] & by_candidate.keys():
            continue
        extras.append(c.id)
    return extras


def _score(reference: ReferenceDesign, by_reference: dict[str, list[str]], flows: FlowReport) -> float:
    weight = {c.id: 1.0 if c.essential else OPTIONAL_WEIGHT for c in reference.components}
    have = sum(w for cid, w in weight.items() if cid in by_reference)
    component_recall = have / sum(weight.values())
    flow_recall = flows.recall
    penalty = min(MAX_PENALTY, sum(p.weight for p in flows.problems))
    raw = COMPONENT_WEIGHT * component_recall + FLOW_WEIGHT * flow_recall - penalty
    return round(max(0.0, min(1.0, raw)), 3)
