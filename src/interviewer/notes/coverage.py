"""Do the notes cover a question? Decided from the question's salient terms and the retrieved evidence.

Word overlap alone cannot tell: "consistent hashing" shares "hashing" with a section on locality-sensitive
hashing, and a learner's paraphrase of a covered topic may share few words with its section. So a question
is judged by three things:

- `similarity`: the best cosine similarity (question to retrieved chunk) from the dense search;
- `coverage`: the share of the question's terms found in the top evidence, each term weighed by its rarity
  in the notes (IDF over the notes set), so that a rare term the evidence lacks costs much and a common
  one little. Terms match across morphology (stemming, then a shared stem of six letters: "quantise" and
  "quantize");
- `unknown`: the share of the question's terms the notes never use at all. A question whose subject the
  notes never name ("Flink", "HNSW", "federated") is about something else, however close its other words;
- `unknown_names`: how many of those are written as names (a capitalised word inside the sentence, an
  acronym, a word with digits: "Spark", "HNSW", "int8"). A learner who names a tool or a method the notes
  never mention is asking about that tool, and each such name counts heavily against coverage.

`support = similarity + 0.25 * coverage - 0.5 * unknown - 0.25 * unknown_names`; the notes cover the
question when it reaches `0.31`. The weights and the threshold were chosen on the `tune` half of the ML design patterns questions
and the project's own labelled sets (`bench/retrieval.py`), never on held-out questions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from interviewer.notes.lexical import lexical_tokens
from interviewer.notes.results import Hit

EVIDENCE_HITS = 3
COVERAGE_WEIGHT = 0.25
UNKNOWN_WEIGHT = 0.5
UNKNOWN_NAME_WEIGHT = 0.25
MIN_SUPPORT = 0.31
_STEM_PREFIX = 6
# Words that frame a question rather than name its subject; they are no evidence either way.
_FRAMING = frozenset(
    lexical_tokens(
        "since always never ever make makes made often usually really actually just even still already"
    )
)


@dataclass(frozen=True)
class Coverage:
    """How well the retrieved evidence covers a question, and which of its terms it lacks."""

    similarity: float
    coverage: float
    unknown: float
    missing: tuple[str, ...]  # question words whose terms the evidence lacks, rarest first
    unknown_terms: tuple[str, ...]  # question words whose terms the notes never use
    unknown_names: int = 0  # how many of those are written as names

    @property
    def support(self) -> float:
        return (
            self.similarity
            + COVERAGE_WEIGHT * self.coverage
            - UNKNOWN_WEIGHT * self.unknown
            - UNKNOWN_NAME_WEIGHT * self.unknown_names
        )

    @property
    def covered(self) -> bool:
        return self.support >= MIN_SUPPORT


def assess(
    question: str,
    hits: Sequence[Hit],
    document_frequency: Mapping[str, int],
    documents: int,
) -> Coverage:
    """How well `hits` cover `question`, given each term's document frequency over `documents` chunks."""
    question = _POSSESSIVE.sub("", question)
    terms = [t for t in dict.fromkeys(lexical_tokens(question)) if t not in _FRAMING]
    similarity = max((h.similarity for h in hits if h.similarity is not None), default=0.0)
    if not terms or not hits:
        return Coverage(similarity, 0.0, 0.0, tuple(terms), ())
    evidence = {t for h in hits[:EVIDENCE_HITS] for t in lexical_tokens(h.chunk.embed_text)}
    prefixes = {t[:_STEM_PREFIX] for t in evidence if len(t) >= _STEM_PREFIX}

    def rarity(term: str) -> float:
        return math.log(1 + documents / (document_frequency.get(term, 0) + 0.5))

    def found(term: str) -> bool:
        return term in evidence or (len(term) >= _STEM_PREFIX and term[:_STEM_PREFIX] in prefixes)

    weights = {t: rarity(t) for t in terms}
    total = sum(weights.values())
    missing = sorted((t for t in terms if not found(t)), key=lambda t: -weights[t])
    unknown = [t for t in terms if document_frequency.get(t, 0) == 0 and not found(t)]
    spelled = _as_written(question)
    names = _names(question)
    return Coverage(
        similarity=similarity,
        coverage=sum(w for t, w in weights.items() if found(t)) / total if total else 0.0,
        unknown=len(unknown) / len(terms),
        missing=tuple(spelled.get(t, t) for t in missing),
        unknown_terms=tuple(spelled.get(t, t) for t in unknown),
        unknown_names=sum(1 for t in unknown if t in names),
    )


_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b")
_WORD = re.compile(r"[A-Za-z0-9][\w.+#-]*")
_SENTENCE_START = re.compile(r"(?:^|[.?!:;]\s+)$")


def _names(question: str) -> set[str]:
    """The terms of the words in `question` written as names: capitalised inside a sentence, acronyms, digits."""
    found: set[str] = set()
    for match in _WORD.finditer(question):
        word = match.group(0).rstrip(".-")
        starts_sentence = bool(_SENTENCE_START.search(question[: match.start()]))
        capitalised = word[:1].isupper() and not starts_sentence and word.lower() != "i"
        acronym = sum(ch.isupper() for ch in word) >= 2
        if capitalised or acronym or (any(ch.isdigit() for ch in word) and any(ch.isalpha() for ch in word)):
            found.update(lexical_tokens(word))
    return found


def _as_written(question: str) -> dict[str, str]:
    """Each term of `question` mapped to the word it came from, as the learner wrote it."""
    words: dict[str, str] = {}
    for word in question.replace("?", " ").replace(",", " ").split():
        for term in lexical_tokens(word):
            words.setdefault(term, word.strip(".!;:\"'()"))
    return words
