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
  acronym, a word with digits: "Spark", "HNSW", "int8"; also a capitalised first word joined to such a name
  by "or", "and", "vs" or a comma: "Flink or Spark ..."). A learner who names a tool or a method the notes
  never mention is asking about that tool, and each such name counts heavily against coverage;
- the question's subject (`subject_words`): in "How does dropout reduce overfitting?" or "How is a two-tower
  model trained?" the words after the auxiliary name the concept asked about, and in "How should I pick a
  warmup schedule?" its object does. `unknown_subject` counts the subject's words of four letters or more
  that the notes never use (shorter ones are plain words such as "old"; names count above), and
  `absent_subject` the words of a "How does X ..." subject that the notes use in at most one place yet the
  evidence lacks: "product quantization" asked of notes that name quantization once, in a list, is not
  answered by a section that only shares "product".

- `absent_concepts`: the field's named concepts the question asks about ("feature store", "in-batch
  negatives", "A/B test"; `interviewer.notes.concepts`) that the notes never name in any spelling, even when
  each of their words is common in the notes.

`support = similarity + 0.25 * coverage - 0.5 * unknown - 0.25 * unknown_names - 0.15 * unknown_subject
- 0.3 * absent_subject - 0.25 * len(absent_concepts)`; the notes cover the question when it reaches `0.31`
and the best similarity is at least `0.2` (below that no passage is about the question, whatever words a
cover letter or a recipe shares with it). The weights and the threshold
were chosen on the `tune` half of the ML design patterns questions, the design-docs questions and the
project's own labelled sets (`bench/retrieval.py`), never on held-out questions.
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
UNKNOWN_SUBJECT_WEIGHT = 0.15
ABSENT_SUBJECT_WEIGHT = 0.3
ABSENT_CONCEPT_WEIGHT = 0.25
MIN_SIMILARITY = 0.2
"""Below this best dense similarity nothing in the notes is about the question, whatever words it shares."""
RARE_IN_NOTES = 1
"""A subject word the notes use in at most this many chunks is a passing mention: the evidence must hold it."""
_SUBJECT_MIN_LETTERS = 4
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
    unknown_subject: int = 0  # words of the question's subject the notes never use (names aside)
    absent_subject: int = 0  # words of its subject the notes use once at most and the evidence lacks
    absent_concepts: tuple[str, ...] = ()  # glossary concepts it names that the notes never name

    @property
    def support(self) -> float:
        return (
            self.similarity
            + COVERAGE_WEIGHT * self.coverage
            - UNKNOWN_WEIGHT * self.unknown
            - UNKNOWN_NAME_WEIGHT * self.unknown_names
            - UNKNOWN_SUBJECT_WEIGHT * self.unknown_subject
            - ABSENT_SUBJECT_WEIGHT * self.absent_subject
            - ABSENT_CONCEPT_WEIGHT * len(self.absent_concepts)
        )

    @property
    def covered(self) -> bool:
        return self.similarity >= MIN_SIMILARITY and self.support >= MIN_SUPPORT


def assess(
    question: str,
    hits: Sequence[Hit],
    document_frequency: Mapping[str, int],
    documents: int,
    absent_concepts: Sequence[str] = (),
) -> Coverage:
    """How well `hits` cover `question`, given each term's document frequency over `documents` chunks."""
    question = _POSSESSIVE.sub("", question)
    terms = [t for t in dict.fromkeys(lexical_tokens(question)) if t not in _FRAMING]
    similarity = max((h.similarity for h in hits if h.similarity is not None), default=0.0)
    if not terms or not hits:
        return Coverage(similarity, 0.0, 0.0, tuple(terms), (), absent_concepts=tuple(absent_concepts))
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
    subject = [t for word in subject_words(question, objects=True) for t in lexical_tokens(word)]
    proper = [t for word in subject_words(question) for t in lexical_tokens(word)]
    return Coverage(
        similarity=similarity,
        coverage=sum(w for t, w in weights.items() if found(t)) / total if total else 0.0,
        unknown=len(unknown) / len(terms),
        missing=tuple(spelled.get(t, t) for t in missing),
        unknown_terms=tuple(spelled.get(t, t) for t in unknown),
        unknown_names=sum(1 for t in unknown if t in names),
        unknown_subject=sum(
            1
            for t in dict.fromkeys(subject)
            if t in unknown and t not in names and len(t) >= _SUBJECT_MIN_LETTERS
        ),
        absent_subject=sum(
            1
            for t in dict.fromkeys(proper)
            if t not in unknown
            and not _spelled_alike(t) & evidence
            and document_frequency.get(t, 0) <= RARE_IN_NOTES
        ),
        absent_concepts=tuple(absent_concepts),
    )


_AUXILIARY = frozenset(
    [
        "does",
        "do",
        "did",
        "is",
        "are",
        "was",
        "were",
        "can",
        "could",
        "would",
        "will",
        "should",
        "might",
        "may",
        "must",
    ]
)
_DETERMINER = frozenset(
    [
        "a",
        "an",
        "the",
        "my",
        "our",
        "your",
        "its",
        "their",
        "this",
        "that",
        "these",
        "those",
        "each",
        "every",
        "any",
    ]
)
_PRONOUN = frozenset(["i", "we", "you", "they", "it", "he", "she", "one", "there"])
_SUBJECT_WORD = re.compile(r"[A-Za-z0-9][\w+#.-]*[A-Za-z0-9+#]|[A-Za-z0-9]")
_SUBJECT_WORDS = 2


def subject_words(question: str, *, objects: bool = False) -> list[str]:
    """The first words of the concept a "How does X ..." question asks about, as written (at most two).

    "How does product quantization compress vectors?" gives ["product", "quantization"]. With `objects`, a
    question whose subject is a pronoun gives its verb's object instead: "How should I pick a learning-rate
    warmup schedule?" gives ["learning-rate", "warmup"]. The words stop at the first stop word. Other
    questions ("What is ...", "Why ...") give none: their subject is not where the concept sits.
    """
    words = _SUBJECT_WORD.findall(question)
    low = [w.lower() for w in words]
    if len(low) < 3 or low[0] != "how" or low[1] not in _AUXILIARY:
        return []
    at = 2
    while at < len(low) and low[at] in _DETERMINER:
        at += 1
    if at < len(low) and low[at] in _PRONOUN:
        if not objects:
            return []
        at += 2  # the pronoun and its verb
        while at < len(low) and low[at] in _DETERMINER:
            at += 1
    found: list[str] = []
    while at < len(low) and len(found) < _SUBJECT_WORDS and not _is_stop_word(low[at]):
        found.append(words[at])
        at += 1
    return found


def _is_stop_word(word: str) -> bool:
    return not lexical_tokens(word) or word in _AUXILIARY


def _spelled_alike(term: str) -> set[str]:
    """`term` and its British or American spelling ("quantis" and "quantiz"), without looser prefix matches."""
    return {term, term.replace("is", "iz"), term.replace("iz", "is")}


_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b")
_WORD = re.compile(r"[A-Za-z0-9][\w.+#-]*")
_SENTENCE_START = re.compile(r"(?:^|[.?!:;]\s+)$")


_COORDINATED_NAME = re.compile(r"\s*([A-Z][\w+#.-]*)\s*(?:,|\bor\b|\band\b|\bvs\b\.?|\bversus\b)\s*[A-Z]")


def _names(question: str) -> set[str]:
    """The terms of the words in `question` written as names: capitalised inside a sentence, acronyms, digits.

    A capitalised first word counts too when a name follows it in a coordination ("Flink or Spark ...").
    """
    coordinated = _COORDINATED_NAME.match(question)
    found: set[str] = set(lexical_tokens(coordinated.group(1))) if coordinated else set()
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
