"""The interviewer reads the board: follow-ups that point at what the candidate drew.

When a new or changed diagram arrives, a real interviewer looks at it and asks about something specific:
"Your arrow goes from the ranker straight to Postgres. What is the read rate there?" or "Where does a new
item's embedding come from?" for an index nothing feeds. `board_questions` finds such places in the
candidate's own drawing, from its shape alone:

- a request that passes through a training pipeline;
- a cache placed after the store it should protect;
- a serving part reading a relational database directly on the request path;
- an index, feature store or model that nothing feeds;
- a queue nothing reads from; a box with no arrows;
- any other store nothing writes to.

Every question names only labels the candidate wrote. The reference design is never consulted here, so a
question can never reveal a missing key point or a missing reference component.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from interviewer.diagrams.model import Diagram
from interviewer.grading.diagram_text import cap, the

_SQL = re.compile(r"postgres|mysql|\bsql\b|relational|\bdb\b|database|aurora|\brds\b", re.I)
_EMBEDDING = re.compile(
    r"\b(?:ann|vector|embedding|embeddings|faiss|scann|hnsw|milvus|pinecone|qdrant)\b", re.I
)
_FEATURE = re.compile(r"\bfeatures?\b|profile", re.I)
_FEEDS = ("pipeline", "queue", "store", "cache", "other")
# Models nobody here trains: a hosted LLM or a serving fleet is not asked where its next version comes from.
_HOSTED = re.compile(r"\b(?:gpt|claude|gemini|llm|llms|openai|vllm|servers?|inference|fleet|pool)\b", re.I)


@dataclass(frozen=True)
class BoardQuestion:
    """A follow-up on the drawing: a key to ask it once, its text, and the label it is about."""

    key: str
    text: str
    said: str


class _Graph:
    def __init__(self, diagram: Diagram) -> None:
        self.diagram = diagram
        self.kind = {c.id: c.kind for c in diagram.components}
        self.label = {c.id: c.label for c in diagram.components}
        self.succ: dict[str, list[str]] = {c.id: [] for c in diagram.components}
        self.pred: dict[str, list[str]] = {c.id: [] for c in diagram.components}
        for f in diagram.flows:
            self.succ[f.source].append(f.target)
            self.pred[f.target].append(f.source)
        self.serving = self._serving()

    def _serving(self) -> set[str]:
        """Boxes a request reaches from a client without passing a queue or a pipeline."""
        start = [c.id for c in self.diagram.components if c.kind == "client"]
        seen = set(start)
        frontier = list(start)
        while frontier:
            node = frontier.pop()
            for nxt in self.succ[node]:
                if nxt not in seen and self.kind[nxt] not in ("queue", "pipeline"):
                    seen.add(nxt)
                    if self.kind[nxt] not in ("store", "cache"):
                        frontier.append(nxt)
        return seen

    def calls(self, cid: str) -> bool:
        return cid in self.serving and self.kind[cid] in ("client", "service", "model", "other")


def board_questions(diagram: Diagram, *, load: str = "peak traffic") -> list[BoardQuestion]:
    """Every question the drawing invites, most pressing first."""
    g = _Graph(diagram)
    out: list[BoardQuestion] = []
    for c in diagram.components:
        if c.kind != "pipeline":
            continue
        callers = [p for p in g.pred[c.id] if g.calls(p)]
        served = [s for s in g.succ[c.id] if g.kind[s] in ("service", "model", "client") and s != c.id]
        if callers and served:
            out.append(
                BoardQuestion(
                    f"board/training-path/{c.id}",
                    f"A request goes through {the(c.label)} on its way to {the(g.label[served[0]])}. "
                    "How long does the user wait while that runs?",
                    c.label,
                )
            )
    for c in diagram.components:
        if c.kind != "cache" or not g.pred[c.id]:
            continue
        behind = [p for p in g.pred[c.id] if g.kind[p] == "store"]
        if behind and len(behind) == len(g.pred[c.id]) and any(g.calls(p) for p in g.pred[behind[0]]):
            store = g.label[behind[0]]
            out.append(
                BoardQuestion(
                    f"board/cache-after/{c.id}",
                    f"Your {_bare(c.label)} sits after {the(store)}. Which of the two does a request reach first, "
                    f"and what load does that leave on {the(store)}?",
                    c.label,
                )
            )
    for f in diagram.flows:
        target = g.label[f.target]
        if (
            g.calls(f.source)
            and g.kind[f.source] != "client"
            and g.kind[f.target] == "store"
            and _SQL.search(target)
            and not _EMBEDDING.search(target)
        ):
            out.append(
                BoardQuestion(
                    f"board/sql-read/{f.source}/{f.target}",
                    f"Your arrow goes from {the(g.label[f.source])} straight to {g.label[f.target] if _proper(g.label[f.target]) else the(g.label[f.target])}. "
                    f"What is the read rate there at {load}?",
                    g.label[f.target],
                )
            )
    models: list[BoardQuestion] = []
    stores: list[BoardQuestion] = []
    for c in diagram.components:
        if c.kind not in ("store", "cache", "model") or not diagram.flows:
            continue
        feeders = [p for p in g.pred[c.id] if g.kind[p] in _FEEDS and not g.calls(p)]
        if feeders:
            continue
        key = f"board/unfed/{c.id}"
        if _EMBEDDING.search(c.label):
            out.append(
                BoardQuestion(key, f"Where does a new item's embedding in {the(c.label)} come from?", c.label)
            )
        elif c.kind == "model" and not _HOSTED.search(c.label):
            text = f"Where does a new version of {the(c.label)} come from, and how does it get there?"
            models.append(BoardQuestion(key, text, c.label))
        elif c.kind != "model" and _FEATURE.search(c.label):
            out.append(
                BoardQuestion(
                    key, f"What keeps {the(c.label)} up to date after the user does something?", c.label
                )
            )
        elif c.kind != "model" and any(g.calls(n) for n in (*g.pred[c.id], *g.succ[c.id])):
            # A store the request path reads that nothing writes; a source of record read by nobody is fine.
            stores.append(BoardQuestion(key, f"What writes to {the(c.label)}, and how fresh is it?", c.label))
    out += models
    for c in diagram.components:
        if c.kind == "queue" and g.pred[c.id] and not g.succ[c.id]:
            out.append(BoardQuestion(f"board/unread/{c.id}", f"What reads from {the(c.label)}?", c.label))
    if diagram.flows:
        for c in diagram.components:
            if not g.pred[c.id] and not g.succ[c.id]:
                out.append(
                    BoardQuestion(
                        f"board/alone/{c.id}",
                        f"{cap(the(c.label))} has no arrows yet. What talks to it?",
                        c.label,
                    )
                )
    return out + stores


def next_board_question(
    diagram: Diagram, asked: list[str], *, load: str = "peak traffic"
) -> BoardQuestion | None:
    """The most pressing question about the drawing not asked yet (each is asked once per label)."""
    done = set(asked)
    for q in board_questions(diagram, load=load):
        if q.key not in done and _label_key(q) not in done:
            return q
    return None


def _label_key(q: BoardQuestion) -> str:
    return f"board-label/{q.key.split('/')[1]}/{q.said.lower()}"


def asked_keys(q: BoardQuestion) -> list[str]:
    """What to remember once `q` is asked: its key, and its kind with the label (ids change between drawings)."""
    return [q.key, _label_key(q)]


def _proper(label: str) -> bool:
    return the(label) == " ".join(label.split())


def _bare(label: str) -> str:
    return re.sub(r"^(?:the|a|an)\s+", "", label, flags=re.I)
