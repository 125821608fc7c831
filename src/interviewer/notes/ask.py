"""Ask the notes: an answer with inline citations `[n]`, each checked against the retrieved chunks.

- With a chat model, the answer is grounded only in the numbered excerpts (`prompts/answer.md`). The
  reply's `[n]` markers are checked in code as they stream: a number that is not one of the retrieved
  excerpts is dropped and recorded in `dropped_citations`.
- Offline, the answer is extractive: the few sentences of the retrieved chunks that best match the
  question (by embedding similarity and BM25), each followed by its citation.
- Both abstain ("The notes don't cover …") when retrieval finds nothing relevant; the model may also
  abstain. If the model call fails, the offline answer is given instead and `notice` says why.

`Answerer.stream(question)` yields the answer's text as it is produced; its `result` holds the final
`AnswerResult` once the iteration is over. `Answerer.answer(question)` does both at once.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from interviewer.config import ReplyTokens
from interviewer.errors import FALLBACK_WORDS, LLMError
from interviewer.llm.prompts import PromptLibrary
from interviewer.llm.protocol import ChatModel, Message
from interviewer.notes.chunking import plain_text
from interviewer.notes.embeddings import Embedder
from interviewer.notes.lexical import bm25_scores, lexical_tokens
from interviewer.notes.results import Hit

log = logging.getLogger(__name__)

AnswerEngine = Literal["llm", "offline"]
ABSTAIN = "The notes don't cover this."
_ABSTAIN_PATTERN = re.compile(
    r"\bnotes (?:do not|don't|don’t|does not|doesn't) (?:cover|contain|say|mention)", re.I
)
_CITATION = re.compile(r"\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]")
_SNIPPET_CHARS = 240
_EXCERPT_CHARS = 2_000


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Citation(_Model):
    """What `[n]` in the answer refers to: the n-th retrieved chunk."""

    n: int = Field(ge=1)
    source: str
    heading: str
    snippet: str
    chunk_id: str


class AnswerResult(_Model):
    answer: str
    citations: list[Citation]
    grounded: bool = Field(description="True when the answer rests on cited notes; False when it abstains")
    engine: AnswerEngine
    notice: str | None = Field(default=None, description="why the offline answer stood in, when it did")
    dropped_citations: list[int] = Field(
        default_factory=list, description="[n] the model cited but never saw"
    )
    prompt: str | None = Field(default=None, description="the prompt id, for an LLM answer")


class Retriever(Protocol):
    """What the answerer needs from the index (`NotesIndex` provides it)."""

    def retrieve(self, query: str, k: int = 5) -> list[Hit]: ...


@dataclass(frozen=True)
class _Sentence:
    text: str
    hit: int  # index of the hit it came from
    position: int


class AnswerStream:
    """An iterator over the answer's text; `result` is set when the iteration ends."""

    def __init__(self, pieces: Iterator[str | AnswerResult]) -> None:
        self._pieces = pieces
        self._result: AnswerResult | None = None

    def __iter__(self) -> Iterator[str]:
        for piece in self._pieces:
            if isinstance(piece, AnswerResult):
                self._result = piece
            elif piece:
                yield piece

    @property
    def result(self) -> AnswerResult:
        if self._result is None:
            for _ in self:
                pass
        assert self._result is not None
        return self._result


class Answerer:
    """Answers questions from the notes, with a chat model when one is given, else extractively.

    `min_similarity` is the cosine similarity (query to best chunk) below which retrieval counts as
    too weak to answer from; it suits the MiniLM embedder and can be tuned for others.
    """

    def __init__(
        self,
        index: Retriever,
        embedder: Embedder,
        llm: ChatModel | None = None,
        prompts: PromptLibrary | None = None,
        *,
        k: int = 5,
        min_similarity: float = 0.3,
        max_sentences: int = 3,
        temperature: float | None = 0.0,
        max_tokens: int | None = None,
    ) -> None:
        if llm is not None and prompts is None:
            raise ValueError("an LLM answerer needs the prompt library")
        self.index = index
        self.embedder = embedder
        self.llm = llm
        self.prompts = prompts
        self.k = k
        self.min_similarity = min_similarity
        self.max_sentences = max_sentences
        self.max_tokens = max_tokens or ReplyTokens().answer
        self.temperature = temperature

    def answer(self, question: str) -> AnswerResult:
        return self.stream(question).result

    def stream(self, question: str) -> AnswerStream:
        return AnswerStream(self._produce(question.strip()))

    # ---- the two strategies --------------------------------------------------------------------

    def _produce(self, question: str) -> Iterator[str | AnswerResult]:
        engine: AnswerEngine = "llm" if self.llm is not None else "offline"
        hits = self.index.retrieve(question, k=self.k) if question else []
        if not self._relevant(question, hits):
            result = _abstention(hits, engine)
            yield result.answer
            yield result
            return
        if self.llm is None:
            yield from self._offline(question, hits)
            return
        yield from self._with_llm(question, hits)

    def _relevant(self, question: str, hits: Sequence[Hit]) -> bool:
        """Whether retrieval found something to answer from.

        A close dense match is enough. A weaker one counts when the best chunks also contain most of
        the question's content words (short questions such as "sizing a Kafka topic" embed loosely).
        """
        if not hits:
            return False
        similarities = [h.similarity for h in hits if h.similarity is not None]
        best = max(similarities) if similarities else None
        if best is not None and best >= self.min_similarity:
            return True
        if best is not None and best < self.min_similarity / 2:
            return False
        return lexical_coverage(question, hits) >= 0.5

    def _with_llm(self, question: str, hits: list[Hit]) -> Iterator[str | AnswerResult]:
        assert self.llm is not None and self.prompts is not None
        prompt = self.prompts.get("answer")
        messages: list[Message] = [
            {"role": "system", "content": prompt.render(excerpts=format_excerpts(hits), question=question)},
            {"role": "user", "content": question},
        ]
        checker = CitationFilter(len(hits))
        produced: list[str] = []
        try:
            for piece in self.llm.stream(messages, temperature=self.temperature, max_tokens=self.max_tokens):
                text = checker.feed(piece)
                produced.append(text)
                yield text
            tail = checker.close()
            produced.append(tail)
            yield tail
        except LLMError as err:
            log.warning("the answer model failed (%s); answering offline", type(err).__name__)
            words = FALLBACK_WORDS[err.reason]
            notice = f"{words[0].upper()}{words[1:]}, so this is the offline answer from the notes."
            yield ("\n\n" if "".join(produced).strip() else "") + notice + "\n\n"
            for item in self._offline(question, hits):
                if isinstance(item, AnswerResult):
                    item = item.model_copy(update={"notice": notice})
                yield item
            return
        answer = re.sub(r"[ \t]+([.,;:])", r"\1", "".join(produced)).strip()
        abstained = not answer or bool(_ABSTAIN_PATTERN.search(answer))
        cited = [] if abstained else checker.cited
        yield AnswerResult(
            answer=answer or ABSTAIN,
            citations=[_citation(n, hits[n - 1]) for n in cited],
            grounded=bool(cited),
            engine="llm",
            dropped_citations=checker.dropped,
            prompt=prompt.id,
        )

    def _offline(self, question: str, hits: list[Hit]) -> Iterator[str | AnswerResult]:
        chosen = self._best_sentences(question, hits)
        if not chosen:
            result = _abstention(hits, "offline")
            yield result.answer
            yield result
            return
        numbers: dict[int, int] = {}
        parts: list[str] = []
        for sentence in chosen:
            n = numbers.setdefault(sentence.hit, len(numbers) + 1)
            part = f"{sentence.text} [{n}]"
            parts.append(part)
            yield part if len(parts) == 1 else " " + part
        yield AnswerResult(
            answer=" ".join(parts),
            citations=[_citation(n, hits[i]) for i, n in numbers.items()],
            grounded=True,
            engine="offline",
        )

    def _best_sentences(self, question: str, hits: list[Hit]) -> list[_Sentence]:
        sentences = [
            _Sentence(text, i, p)
            for i, hit in enumerate(hits)
            for p, text in enumerate(sentences_of(hit.chunk.text))
        ]
        if not sentences:
            return []
        vectors = self.embedder.embed([question, *(s.text for s in sentences)])
        query, rows = vectors[0], vectors[1:]
        cosine = rows @ query
        lexical = bm25_scores(question, [s.text for s in sentences])
        top_lexical = float(lexical.max()) if lexical.size and lexical.max() > 0 else 1.0
        rank_prior = np.array([0.05 * (len(hits) - s.hit) / len(hits) for s in sentences])
        score = cosine + 0.3 * (lexical / top_lexical) + rank_prior
        chosen: list[int] = []
        for i in np.argsort(-score):
            if len(chosen) == self.max_sentences:
                break
            if cosine[i] < self.min_similarity * 0.8 and lexical[i] <= 0:
                continue
            if chosen and score[i] < 0.6 * score[chosen[0]]:
                break
            if any(float(rows[i] @ rows[j]) > 0.9 for j in chosen):
                continue  # a near-duplicate, as from overlapping chunks
            chosen.append(int(i))
        return _readable([sentences[i] for i in chosen], sentences)


_LEANS_BACK = re.compile(
    r"^(this|that|these|those|it|its|they|their|them|such|otherwise|then|he|she|both|the latter|the former)\b",
    re.IGNORECASE,
)


def _readable(chosen: list[_Sentence], every: list[_Sentence]) -> list[_Sentence]:
    """`chosen` (best first) made to read on its own, with sentences of one chunk in the chunk's order.

    A sentence that leans on the one before it ("This removes...", "They batch...") needs that sentence:
    the best one brings it along, a lesser one is left out unless it was chosen too. Chunks appear in the
    order of their best sentence.
    """
    by_place = {(x.hit, x.position): x for x in every}
    picked = {(x.hit, x.position) for x in chosen}
    for rank, x in enumerate(chosen):
        before = (x.hit, x.position - 1)
        if not _LEANS_BACK.match(x.text) or before in picked:
            continue
        if rank == 0 and before in by_place:
            picked.add(before)
        elif rank > 0:
            picked.discard((x.hit, x.position))
    hits = list(dict.fromkeys(x.hit for x in chosen))
    return [by_place[place] for hit in hits for place in sorted(p for p in picked if p[0] == hit)]


# --------------------------------------------------------------------------------------------------
# Citations


class CitationFilter:
    """Checks `[n]` markers in streamed text: keeps those among 1..`allowed`, drops the rest.

    Text is passed through as it comes, except that a `[` that may open a marker is held back until
    the marker is complete (at most a few characters).
    """

    def __init__(self, allowed: int) -> None:
        self.allowed = allowed
        self.cited: list[int] = []
        self.dropped: list[int] = []
        self._held = ""
        self._previous = " "
        self._swallow_space = False  # after a dropped marker that followed a space
        self._before_held = " "

    def feed(self, text: str) -> str:
        out: list[str] = []
        for ch in text:
            if self._swallow_space:
                self._swallow_space = False
                if ch in " \t":
                    continue
            if self._held:
                self._held += ch
                if ch == "]":
                    resolved = self._resolve(self._held)
                    out.append(resolved)
                    self._held = ""
                    self._swallow_space = not resolved and self._before_held.isspace()
                elif not re.fullmatch(r"\[[\d,\s]{0,16}", self._held):
                    out.append(self._held)
                    self._held = ""
            elif ch == "[" and not (self._previous.isalnum() or self._previous == "_"):
                self._held = ch  # `x[0]` is an index, not a citation
                self._before_held = self._previous
            else:
                out.append(ch)
            self._previous = ch
        return "".join(out)

    def close(self) -> str:
        held, self._held = self._held, ""
        return held

    def _resolve(self, marker: str) -> str:
        match = _CITATION.fullmatch(marker)
        if not match:
            return marker
        keep: list[int] = []
        for part in match.group(1).split(","):
            n = int(part)
            if 1 <= n <= self.allowed:
                if n in keep:
                    continue
                keep.append(n)
                if n not in self.cited:
                    self.cited.append(n)
            elif n not in self.dropped:
                self.dropped.append(n)
        return "".join(f"[{n}]" for n in keep)


def check_citations(answer: str, allowed: int) -> tuple[str, list[int], list[int]]:
    """The answer with out-of-range `[n]` removed, the valid numbers cited, and the dropped ones."""
    checker = CitationFilter(allowed)
    text = checker.feed(answer) + checker.close()
    return re.sub(r"[ \t]+([.,;:])", r"\1", text), checker.cited, checker.dropped


def lexical_coverage(question: str, hits: Sequence[Hit]) -> float:
    """The largest share of the question's content words that one hit contains (0 when it has none)."""
    words = set(lexical_tokens(question))
    if not words:
        return 0.0
    return max(len(words & set(lexical_tokens(h.chunk.embed_text))) / len(words) for h in hits)


def format_excerpts(hits: Sequence[Hit]) -> str:
    blocks = []
    for n, hit in enumerate(hits, start=1):
        text = hit.chunk.text
        if len(text) > _EXCERPT_CHARS:
            text = text[:_EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"
        blocks.append(f"[{n}] {hit.chunk.heading_path}\n{text}")
    return "\n\n".join(blocks)


def _citation(n: int, hit: Hit) -> Citation:
    return Citation(
        n=n,
        source=hit.chunk.source,
        heading=hit.chunk.heading,
        snippet=_snippet(hit.chunk.text),
        chunk_id=hit.chunk.chunk_id,
    )


def _snippet(text: str) -> str:
    lines = (_BULLET.sub("", line) for line in plain_text(text).split("\n"))
    flat = " ".join(" ".join(lines).split())
    if len(flat) <= _SNIPPET_CHARS:
        return flat
    return flat[:_SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"


def _abstention(hits: Sequence[Hit], engine: AnswerEngine) -> AnswerResult:
    answer = ABSTAIN
    nearest = list(dict.fromkeys(f"“{h.chunk.heading}” ({h.chunk.source})" for h in hits[:2]))
    if nearest:
        answer += " The closest sections are " + " and ".join(nearest) + "."
    return AnswerResult(answer=answer, citations=[], grounded=False, engine=engine)


# --------------------------------------------------------------------------------------------------
# Sentences for the extractive answer

_BULLET = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")
_MARKUP = re.compile(r"(\*\*|__|`)")
_LINK_ONLY = re.compile(r"^\s*\[[^\]]*\]\([^)]*\)\s*$")


def sentences_of(text: str) -> list[str]:
    """Readable sentences of a chunk: prose and list items, without code, tables or bare links."""
    out: list[str] = []
    in_code = False
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            out.extend(_SPLIT.split(" ".join(paragraph)))
            paragraph.clear()

    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            flush()
            in_code = not in_code
            continue
        if in_code or stripped.startswith(("|", ">", "#", "<")) or not stripped:
            flush()
            continue
        if _BULLET.match(line):
            flush()
            item = _BULLET.sub("", line)
            if not _LINK_ONLY.match(item):  # a reading list or table of contents entry
                paragraph.append(item)
            continue
        paragraph.append(stripped)
    flush()
    cleaned = []
    for sentence in out:
        sentence = " ".join(_MARKUP.sub("", plain_text(sentence)).split()).strip()
        words = sentence.split()
        if 4 <= len(words) <= 60 and any(ch.isalpha() for ch in sentence):
            cleaned.append(sentence)
    return cleaned
