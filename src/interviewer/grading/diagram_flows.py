"""The flows of a drawing against the reference design's, and the problems in how the parts are joined.

A reference flow is found when an arrow joins boxes matched to its two ends, directly or through at most two
hops that are not themselves reference components (an unlisted load balancer, say); a request flow may
also pass through other serving components (`API → candidates → ranker` shows the API reaching the ranker)
and may be drawn either way round (a read drawn as data coming back). Background flows (`data`, `training`)
must point the way data moves; drawn backwards they count half and are a `reversed` problem.

Problems, with what each takes off the diagram's score:

- `training-in-request-path` (0.25): a request only gets from one serving part to the next through a training
  pipeline, or a pipeline sits between a caller and a serving part;
- `cache-after-store` (0.15): a cache that is only reached through the store it should protect;
- `reversed` (0.05): a background flow drawn against the way data moves;
- `missing-flow` (0.06 when nothing at all feeds a component that needs data, else 0.03);
- `extra` (0.04): a box that matches nothing and is not common plumbing;
- `unconnected` (0.03): a box with no arrows while others have them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from interviewer.diagrams.model import Diagram
from interviewer.diagrams.reference import ReferenceDesign, ReferenceFlow
from interviewer.grading.diagram_text import cap, the

ProblemKind = Literal[
    "training-in-request-path", "cache-after-store", "reversed", "missing-flow", "unconnected", "extra"
]
WEIGHTS: dict[str, float] = {
    "training-in-request-path": 0.25,
    "cache-after-store": 0.15,
    "reversed": 0.05,
    "missing-flow": 0.03,
    "nothing-feeds": 0.06,
    "extra": 0.04,
    "unconnected": 0.03,
}
OPTIONAL_WEIGHT = 0.3
MAX_HOPS = 3


class FlowProblem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ProblemKind
    text: str = Field(description="the problem in one readable sentence, naming what the candidate drew")
    components: list[str] = Field(default_factory=list, description="the candidate component ids involved")
    weight: float = Field(default=0.0, ge=0, description="what it takes off the diagram's score")


@dataclass
class FlowReport:
    found: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    problems: list[FlowProblem] = field(default_factory=list)
    recall: float = 0.0


class _Board:
    """The candidate's diagram as a graph, with what each box matched."""

    def __init__(
        self,
        reference: ReferenceDesign,
        diagram: Diagram,
        by_reference: dict[str, list[str]],
        by_candidate: dict[str, list[str]],
    ) -> None:
        self.reference = reference
        self.diagram = diagram
        self.by_reference = by_reference
        self.by_candidate = by_candidate
        self.succ: dict[str, set[str]] = {c.id: set() for c in diagram.components}
        self.pred: dict[str, set[str]] = {c.id: set() for c in diagram.components}
        for f in diagram.flows:
            self.succ[f.source].add(f.target)
            self.pred[f.target].add(f.source)
        self.kind = {c.id: c.kind for c in diagram.components}

    def label(self, cid: str) -> str:
        return self.diagram.label_of(cid)

    def training(self, cid: str) -> bool:
        """A pipeline box, or one matched to a reference pipeline."""
        if self.kind[cid] == "pipeline":
            return True
        return any(self.reference.component(r).kind == "pipeline" for r in self.by_candidate.get(cid, ()))

    def serving(self, cid: str) -> bool:
        """A box on the request path: a client, or matched to a reference service, model or client that
        request flows touch (not a store, queue or cache)."""
        if self.training(cid):
            return False
        if self.kind[cid] == "client":
            return True
        for r in self.by_candidate.get(cid, ()):
            ref = self.reference.component(r)
            if ref.kind in ("service", "model", "client", "other") and "request" in self.reference.paths_of(
                r
            ):
                return True
        return False

    def reaches(
        self, sources: Iterable[str], targets: Iterable[str], *, request: bool, via_training: bool
    ) -> bool:
        goal = set(targets)
        frontier = list(dict.fromkeys(sources))
        seen = set(frontier)
        for _ in range(MAX_HOPS):
            following: list[str] = []
            for node in frontier:
                for nxt in sorted(self.succ[node]):
                    if nxt in goal:
                        return True
                    if nxt in seen or not self._may_pass(nxt, request=request, via_training=via_training):
                        continue
                    seen.add(nxt)
                    following.append(nxt)
            frontier = following
        return False

    def training_hop(self, sources: list[str], targets: list[str]) -> str | None:
        """A training box a request passes on its way from `sources` to `targets`."""
        for c in self.diagram.components:
            if (
                self.training(c.id)
                and self.reaches(sources, [c.id], request=True, via_training=False)
                and self.reaches([c.id], targets, request=True, via_training=True)
            ):
                return c.id
        return None

    def _may_pass(self, cid: str, *, request: bool, via_training: bool) -> bool:
        """A hop a flow may pass through: not a reference component, or an optional one (a stream processor
        between Kafka and the profile store); on a background path, a queue; on the request path, another
        serving part."""
        if request and self.training(cid):
            return via_training
        matched = self.by_candidate.get(cid, [])
        if not matched or all(not self.reference.component(r).essential for r in matched):
            return True
        if not request and self.kind[cid] == "queue":
            return True  # a queue carries background data on: `API → Kafka → warehouse` logs to the warehouse
        return request and self.serving(cid)


def review_flows(
    reference: ReferenceDesign,
    diagram: Diagram,
    by_reference: dict[str, list[str]],
    by_candidate: dict[str, list[str]],
    extra_ids: Sequence[str],
) -> FlowReport:
    board = _Board(reference, diagram, by_reference, by_candidate)
    report = FlowReport()
    total = credit = 0.0
    fed: set[str] = set()
    for f in reference.flows:
        weight = 1.0 if f.essential else OPTIONAL_WEIGHT
        total += weight
        share = _flow(board, f, report)
        credit += weight * share
        if share == 0 and f.essential and f.path != "request":
            fed.add(f.target)
    report.recall = credit / total if total else 0.0
    report.problems += _nothing_feeds(board, fed)
    report.problems += _pipeline_between(board, report.problems)
    report.problems += _cache_after_store(board)
    report.problems += _loose_ends(board, extra_ids)
    return report


def _flow(board: _Board, f: ReferenceFlow, report: FlowReport) -> float:
    """How much of one reference flow the drawing has (1, 0.5 when reversed, 0), noting problems."""
    name = f"{board.reference.component(f.source).label} → {board.reference.component(f.target).label} ({f.path})"
    sources, targets = board.by_reference.get(f.source, []), board.by_reference.get(f.target, [])
    if not sources or not targets:
        report.missing.append(name)
        return 0.0
    if set(sources) & set(targets):
        report.found.append(name)
        return 1.0
    request = f.path == "request"
    if board.reaches(sources, targets, request=request, via_training=False) or (
        request and board.reaches(targets, sources, request=True, via_training=False)
    ):
        report.found.append(name)
        return 1.0
    if request and board.reaches(sources, targets, request=True, via_training=True):
        s, t = board.label(sources[0]), board.label(targets[0])
        hop = board.training_hop(sources, targets)
        through = the(board.label(hop)) if hop else "a training pipeline"
        report.problems.append(
            FlowProblem(
                kind="training-in-request-path",
                text=(
                    f"A request only gets from {the(s)} to {the(t)} through {through}; training runs "
                    "offline, so serving must not wait on it."
                ),
                components=[sources[0], *([hop] if hop else []), targets[0]],
                weight=WEIGHTS["training-in-request-path"],
            )
        )
        report.missing.append(name)
        return 0.0
    if not request and board.reaches(targets, sources, request=False, via_training=True):
        s, t = board.label(sources[0]), board.label(targets[0])
        report.problems.append(
            FlowProblem(
                kind="reversed",
                text=f"The arrow between {the(t)} and {the(s)} points the wrong way: data moves from {the(s)} to {the(t)}.",
                components=[targets[0], sources[0]],
                weight=WEIGHTS["reversed"],
            )
        )
        report.found.append(f"{name}, reversed")
        return 0.5
    report.missing.append(name)
    if f.essential:
        s, t = board.label(sources[0]), board.label(targets[0])
        report.problems.append(
            FlowProblem(
                kind="missing-flow",
                text=f"Nothing connects {the(s)} to {the(t)}{_what(f)}.",
                components=[sources[0], targets[0]],
                weight=WEIGHTS["missing-flow"],
            )
        )
    return 0.0


def _what(f: ReferenceFlow) -> str:
    return f" ({f.label})" if f.label else ""


def _nothing_feeds(board: _Board, starved: set[str]) -> list[FlowProblem]:
    """Boxes the reference fills from a background flow that have nothing feeding them at all."""
    problems = []
    for ref_id in sorted(starved):
        for cid in board.by_reference.get(ref_id, []):
            feeders = [p for p in board.pred[cid] if not board.serving(p) or board.training(p)]
            if feeders:
                continue
            problems.append(
                FlowProblem(
                    kind="missing-flow",
                    text=f"Nothing feeds {the(board.label(cid))}: {_source_question(board, cid)}",
                    components=[cid],
                    weight=WEIGHTS["nothing-feeds"],
                )
            )
            break
    return problems


def _source_question(board: _Board, cid: str) -> str:
    if _store_like(board, cid, ("model",)):
        return "where does its trained model come from?"
    return "where does its data come from?"


def _pipeline_between(board: _Board, found: list[FlowProblem]) -> list[FlowProblem]:
    """A training box called from the request path that hands straight back to it."""
    flagged = {c for p in found if p.kind == "training-in-request-path" for c in p.components}
    problems = []
    for c in board.diagram.components:
        if not board.training(c.id):
            continue
        callers = [p for p in sorted(board.pred[c.id]) if board.serving(p)]
        served = [s for s in sorted(board.succ[c.id]) if board.serving(s)]
        if not callers or not served or (set(callers) | set(served)) <= flagged:
            continue
        problems.append(
            FlowProblem(
                kind="training-in-request-path",
                text=(
                    f"{cap(the(board.label(callers[0])))} sends requests through {the(c.label)} on the way to "
                    f"{the(board.label(served[0]))}; training runs offline, so a request must not pass through it."
                ),
                components=[callers[0], c.id, served[0]],
                weight=WEIGHTS["training-in-request-path"],
            )
        )
    return problems


def _store_like(board: _Board, cid: str, kinds: tuple[str, ...]) -> bool:
    if board.kind[cid] in kinds:
        return True
    return any(board.reference.component(r).kind in kinds for r in board.by_candidate.get(cid, ()))


def _cache_after_store(board: _Board) -> list[FlowProblem]:
    problems = []
    for c in board.diagram.components:
        if not _store_like(board, c.id, ("cache",)):
            continue
        feeders = board.pred[c.id]
        stores = [
            s
            for s in sorted(feeders)
            if _store_like(board, s, ("store",)) and not _store_like(board, s, ("cache",))
        ]
        if not stores or any(not _store_like(board, f, ("store", "cache")) for f in feeders):
            continue
        store = stores[0]
        readers = [
            p
            for p in board.pred[store]
            if p != c.id and not _store_like(board, p, ("store", "cache", "queue")) and not board.training(p)
        ]
        if not readers:
            continue
        problems.append(
            FlowProblem(
                kind="cache-after-store",
                text=(
                    f"{cap(the(c.label))} sits after {the(board.label(store))}: every read reaches "
                    f"{the(board.label(store))} first, so the cache takes no load off it."
                ),
                components=[store, c.id],
                weight=WEIGHTS["cache-after-store"],
            )
        )
    return problems


def _loose_ends(board: _Board, extra_ids: Sequence[str]) -> list[FlowProblem]:
    problems = []
    if board.diagram.flows:
        for c in board.diagram.components:
            if not board.succ[c.id] and not board.pred[c.id]:
                problems.append(
                    FlowProblem(
                        kind="unconnected",
                        text=f"{cap(the(c.label))} is not connected to anything: what talks to it?",
                        components=[c.id],
                        weight=WEIGHTS["unconnected"],
                    )
                )
    for cid in extra_ids:
        problems.append(
            FlowProblem(
                kind="extra",
                text=f"{cap(the(board.label(cid)))} is not part of a usual design for this question: what does it do here?",
                components=[cid],
                weight=WEIGHTS["extra"],
            )
        )
    return problems
