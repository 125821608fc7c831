"""Ask the notes: an answer with inline citations `[n]`, each checked against the retrieved chunks.

- With a chat model, the answer is grounded only in the numbered excerpts (`prompts/answer.md`). The
  reply's `[n]` markers are checked in code as they stream: a number that is not one of the retrieved
  excerpts is dropped and recorded in `dropped_citations`.
- Offline, the answer is extractive and says so: the passage of the best section that answers (its
  answering sentences in order with their context, list items and table rows whole, markup removed; see
  `interviewer.notes.extract`), under the section's heading and file, cited, with the other retrieved
  sections as "see also" citations. When the passage contradicts a premise the question states outright
  ("since X always ..."), the answer says so first (`interviewer.notes.premise`).
- Both abstain ("The notes don't cover …") when the notes do not cover the question: offline, judged from
  the question's salient terms and the evidence (`interviewer.notes.coverage`); with a model, when
  retrieval finds nothing relevant, and the model may also abstain. If the model call fails, the offline
  answer is given instead and `notice` says why.

`Answerer.stream(question)` yields the answer's text as it is produced; its `result` holds the final
`AnswerResult` once the iteration is over. `Answerer.answer(question)` does both at once.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from typing import Literal, Protocol, runtime_checkable

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from interviewer.config import ReplyTokens
from interviewer.errors import FALLBACK_WORDS, LLMError
from interviewer.llm.prompts import PromptLibrary
from interviewer.llm.protocol import ChatModel, Message
from interviewer.notes.chunking import Chunk
from interviewer.notes.citations import CitationFilter
from interviewer.notes.concepts import absent_concepts
from interviewer.notes.coverage import Coverage, assess
from interviewer.notes.embeddings import Embedder
from interviewer.notes.extract import Unit, continued, passage, render, restates, result_after, units_of
from interviewer.notes.lexical import bm25_scores, lexical_tokens
from interviewer.notes.markup import plain_text, readable
from interviewer.notes.premise import contradiction, denial, premise_of, reversal, warning
from interviewer.notes.results import Hit

log = logging.getLogger(__name__)

AnswerEngine = Literal["llm", "offline"]
ABSTAIN = "The notes don't cover this."
EXTRACT_NOTICE = "This is an extract from your notes, not a generated answer."
_ABSTAIN_PATTERN = re.compile(
    r"\bnotes (?:do not|don't|don’t|does not|doesn't) (?:cover|contain|say|mention)", re.I
)
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
    challenged_premise: str | None = Field(
        default=None, description="the question's premise, when the cited passage contradicts it (offline)"
    )


class Retriever(Protocol):
    """What the answerer needs from the index (`NotesIndex` provides it)."""

    def retrieve(self, query: str, k: int = 5) -> list[Hit]: ...

    def document_frequencies(self, terms: Sequence[str]) -> tuple[dict[str, int], int]: ...


@runtime_checkable
class ReadsOn(Protocol):
    """A retriever that can give the next chunk of a section (`NotesIndex` can), for a passage cut at a lead-in."""

    def following(self, chunk: Chunk) -> Chunk | None: ...


@runtime_checkable
class NamesConcepts(Protocol):
    """A retriever that can tell which spellings of a concept its notes hold (`NotesIndex` can)."""

    def mentions(self, spellings: Sequence[str]) -> set[str]: ...


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

    Offline, each sentence of the retrieved chunks scores its similarity to the question plus
    `rank_prior` times its chunk's place in the ranking (1 for the first of k chunks, down to 1/k), and
    the answer is quoted from the chunk of the best sentence. Search ranks sections better than a
    sentence's similarity does: on the tuning questions (bench/retrieval.py), trusting the ranking this
    much quoted a labelled section for 131 of 168 questions, against 114 with a weight of 0.05.
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
        max_units: int = 5,
        see_also: int = 2,
        rank_prior: float = 1.0,
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
        self.max_tokens = max_tokens or ReplyTokens().answer
        self.max_units = max_units
        self.see_also = see_also
        self.rank_prior = rank_prior
        self.temperature = temperature

    def answer(self, question: str) -> AnswerResult:
        return self.stream(question).result

    def stream(self, question: str) -> AnswerStream:
        return AnswerStream(self._produce(question.strip()))

    # ---- the two strategies --------------------------------------------------------------------

    def _produce(self, question: str) -> Iterator[str | AnswerResult]:
        engine: AnswerEngine = "llm" if self.llm is not None else "offline"
        hits = self.index.retrieve(question, k=self.k) if question else []
        covered = self._relevant(question, hits) if self.llm is not None else self._covered(question, hits)
        if not covered:
            result = _abstention(hits, engine)
            yield result.answer
            yield result
            return
        if self.llm is None:
            yield from self._offline(question, hits)
            return
        yield from self._with_llm(question, hits)

    def coverage(self, question: str, hits: Sequence[Hit]) -> Coverage:
        """How well `hits` cover `question` (see `interviewer.notes.coverage`).

        Hits that only the lexical searches found carry no dense similarity; when none carries one, the
        question and the hits are embedded here, so a close match found by BM25 still counts.
        """
        if hits and all(h.similarity is None for h in hits):
            vectors = self.embedder.embed([question, *(h.chunk.dense_text for h in hits)])
            hits = [
                Hit(chunk=h.chunk, score=h.score, similarity=float(v @ vectors[0]), lexical=h.lexical)
                for h, v in zip(hits, vectors[1:], strict=True)
            ]
        frequencies, documents = self.index.document_frequencies(lexical_tokens(question))
        absent = (
            absent_concepts(question, self.index.mentions) if isinstance(self.index, NamesConcepts) else []
        )
        return assess(question, hits, frequencies, documents, absent)

    def _covered(self, question: str, hits: Sequence[Hit]) -> bool:
        """Whether the notes cover the question, judged by its salient terms and the evidence (offline)."""
        return bool(hits) and self.coverage(question, hits).covered

    def _relevant(self, question: str, hits: Sequence[Hit]) -> bool:
        """Whether retrieval found something to answer from.

        A close dense match is enough. A weaker one counts when the best chunks also contain most of
        the question's content words (short questions such as "sizing a Kafka topic" embed loosely). A
        question about a named concept the notes never name ("a feature store") is not answered from
        sections that only share its words, as offline.
        """
        if not hits:
            return False
        if isinstance(self.index, NamesConcepts) and absent_concepts(question, self.index.mentions):
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
        """The passage of the best section that answers, under its heading and file, cited, and said to be an extract."""
        found = self._best_passage(question, hits)
        if found is None:
            result = _abstention(hits, "offline")
            yield result.answer
            yield result
            return
        best, units, every = found
        chunk = hits[best].chunk
        if units and units[-1].text.rstrip().endswith(":") and units[-1] == every[-1]:
            units = [*units, *self._read_on(chunk, units)]
        elif units and units[-1].kind == "code" and units[-1] == every[-1]:
            units = [*units, *self._result_on(chunk, units[-1])]
        others = [i for i in _other_sections(hits, best)][: self.see_also]
        premise = premise_of(question)
        against = None
        if premise:
            against = (
                contradiction(premise, every) or denial(question, premise, every) or reversal(premise, every)
            )
        if against is not None and against not in units:
            units = sorted([*units, against], key=lambda unit: unit.position)
        elsewhere = None if against or not premise else self._contradiction_elsewhere(premise, hits, best)
        if elsewhere is not None:
            others = [elsewhere[0], *(i for i in others if i != elsewhere[0])][: self.see_also]
        lines = render(units)
        if lines[-1].endswith("```"):
            lines.append("[1]")  # after a code block's closing fence, never on it
        else:
            lines[-1] += " [1]"
        parts = [f"{warning(premise)} Here is what they say:\n\n"] if premise and against else []
        if premise and elsewhere is not None:
            place = hits[elsewhere[0]].chunk
            parts.append(
                f"{warning(premise)} “{place.heading}” in {place.source} says: {elsewhere[1].text} [2]\n\n"
            )
        parts.append(f"From your notes, “{chunk.heading}” in {chunk.source}:\n\n")
        parts += [line + "\n" for line in lines]
        if others:
            see = "; ".join(
                f"“{hits[i].chunk.heading}” in {hits[i].chunk.source} [{n}]" for n, i in enumerate(others, 2)
            )
            parts.append(f"\nSee also {see}.\n")
        parts.append(f"\n{EXTRACT_NOTICE}")
        yield from parts
        yield AnswerResult(
            answer="".join(parts).strip(),
            citations=[_citation(n, hits[i]) for n, i in enumerate([best, *others], 1)],
            grounded=True,
            engine="offline",
            challenged_premise=premise if against or elsewhere else None,
        )

    def _read_on(self, chunk: Chunk, units: list[Unit]) -> list[Unit]:
        """What the lead-in the passage and its chunk end on introduces, from the section's next chunk, when
        the index can give it."""
        lead = units[-1]
        if not isinstance(self.index, ReadsOn):
            return []
        following = self.index.following(chunk)
        if following is None:
            return []
        items = [u.depth for u in units if u.kind == "item"]
        depth = lead.depth + 1 if lead.kind == "item" else min(items, default=0)
        return continued(lead, units_of(following.text), self.max_units, depth)

    def _result_on(self, chunk: Chunk, code: Unit) -> list[Unit]:
        """The sentence saying what the code block the passage and its chunk end on gives, from the section's
        next chunk, when the index can give it."""
        following = self.index.following(chunk) if isinstance(self.index, ReadsOn) else None
        if following is None:
            return []
        after = units_of(following.text)
        start = next((i + 1 for i, u in enumerate(after) if u.text == code.text), 0)
        probe = [code, *after[start:]]
        found = result_after(probe, 0)
        if found is None:
            return []
        unit = probe[found]
        return [Unit(unit.text, unit.kind, code.block + 1, code.position + 1)]

    def _contradiction_elsewhere(self, premise: str, hits: list[Hit], best: int) -> tuple[int, Unit] | None:
        """A unit of another retrieved section that contradicts `premise` on two of its terms or more."""
        for i, hit in enumerate(hits):
            if i != best:
                units = units_of(hit.chunk.text)
                unit = contradiction(premise, units, min_shared=2) or reversal(premise, units)
                if unit is not None:
                    return i, unit
        return None

    def _best_passage(self, question: str, hits: list[Hit]) -> tuple[int, list[Unit], list[Unit]] | None:
        """The retrieved chunk whose units answer best (its index), the passage of it that answers, and all its units."""
        units = [(i, unit) for i, hit in enumerate(hits) for unit in units_of(hit.chunk.text)]
        if not units:
            return None
        texts = [unit.text for _, unit in units]
        vectors = self.embedder.embed([question, *texts])
        cosine = vectors[1:] @ vectors[0]
        lexical = bm25_scores(question, texts)
        top_lexical = float(lexical.max()) if lexical.size and lexical.max() > 0 else 1.0
        prior = np.array([self.rank_prior * (len(hits) - i) / len(hits) for i, _ in units])
        match = cosine + 0.3 * (lexical / top_lexical)
        score = match + prior
        # A unit that only restates the question does not choose the section unless nothing else can.
        ranked = sorted(range(len(units)), key=lambda j: (restates(units[j][1], question), -score[j]))
        best = units[ranked[0]][0]
        mine = [j for j, (i, _) in enumerate(units) if i == best]
        every = [units[j][1] for j in mine]
        # Within the chosen chunk, units are picked by how well they match, not by the chunk's rank.
        chosen = passage(every, [float(match[j]) for j in mine], question, max_units=self.max_units)
        return best, chosen, every


def _other_sections(hits: Sequence[Hit], best: int) -> Iterator[int]:
    """The other retrieved sections, best first, one hit per heading of a file and none of the answer's."""
    seen = {(hits[best].chunk.source, hits[best].chunk.heading_path)}
    for i, hit in enumerate(hits):
        key = (hit.chunk.source, hit.chunk.heading_path)
        if key not in seen:
            seen.add(key)
            yield i


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
    flat = " ".join(unit.text for unit in units_of(text) if unit.kind != "code") or readable(plain_text(text))
    if len(flat) <= _SNIPPET_CHARS:
        return flat
    return flat[:_SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"


def _abstention(hits: Sequence[Hit], engine: AnswerEngine) -> AnswerResult:
    answer = ABSTAIN
    nearest = list(dict.fromkeys(f"“{h.chunk.heading}” ({h.chunk.source})" for h in hits[:2]))
    if nearest:
        answer += " The closest sections are " + " and ".join(nearest) + "."
    return AnswerResult(answer=answer, citations=[], grounded=False, engine=engine)
