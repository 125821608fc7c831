"""Whether a later sentence redoes an arithmetic slip soundly, so the slip counts as corrected.

A redo states a sound derivation that repeats a number of the slip: "Twenty-five million at 1,500 tokens is
37.5 billion a day, about 43 thousand a second. Let me redo that: 37.5 billion over 86,400 is 434 thousand."
A later sound sum of other numbers puts nothing right, and neither does the slip's wrong result carried on as
an input ("3.75 billion over 86,400 is 43 thousand" after "1,500 tokens each is 3.75 billion").
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

from interviewer.grading.arithmetic import Derivation, derivations
from interviewer.grading.delivery import strip_fillers
from interviewer.grading.quantities import words_to_digits
from interviewer.grading.recompute import best_recomputation
from interviewer.grading.signals import split_sentences
from interviewer.grading.stance import clauses, mentions


def redoes(slip: str, later: str, sound: Callable[[str], bool], tolerance: float) -> bool:
    """Whether a sentence of `later` redoes the derivation of `slip`: it derives soundly (`sound`) and repeats
    one of the slip's numbers other than a wrong result (one off by more than `tolerance`)."""
    slipped = _derived(slip)
    said = [q.value for d in slipped for q in (*d.inputs, d.result)]
    wrong = [d.result.value for d in slipped if _off(d, tolerance)]
    for sentence in split_sentences(later):
        found = _derived(sentence.text)
        redo = [q for d in found for q in (*d.inputs, d.result) if q == d.result or not _said(q.value, wrong)]
        if found and sound(sentence.text) and any(_said(q.value, said) for q in redo):
            return True
    return False


def _derived(sentence: str) -> list[Derivation]:
    return derivations(words_to_digits(strip_fillers(sentence)))


def _off(d: Derivation, tolerance: float) -> bool:
    computed = best_recomputation(d)
    return (
        computed is not None
        and computed > 0 < d.result.value
        and max(computed, d.result.value) / min(computed, d.result.value) > tolerance
    )


def _said(value: float, values: Sequence[float]) -> bool:
    return any(math.isclose(value, v, rel_tol=0.01) for v in values)


# "You're right, I'd split by time instead": a plain retraction that names what it redoes
RETRACTION = re.compile(
    r"\b(?:you're right|you are right|let me (?:redo|correct|fix|recompute|rethink)|i (?:was wrong|misspoke|got "
    r"that wrong)|correction(?=\s*[:,])|scratch that|on second thought)\b",
    re.I,
)


def mentions_any(sentence: str, cues: Sequence[Sequence[str]]) -> bool:
    return any(True for group in cues for c in clauses(sentence) for _ in mentions(c, list(group)))


def mentions_point(sentence: str, cues: Sequence[Sequence[str]]) -> bool:
    if not cues:
        return False
    terms = [t.lstrip("~").strip() for t in cues[0]]
    return any(True for c in clauses(sentence) for _ in mentions(c, terms))
