"""A question's premise, and whether the cited passage contradicts it.

"Since bigger batches always reduce latency, how big should they be?" takes a claim for granted. When the
notes' passage says otherwise ("batching adds queue delay"), the offline answer should say so before
quoting it. Kept conservative: a premise is only read from a question that states one outright, opening
with "since", "because", "given that", "as" or "now that", that puts a statement for confirmation ("...,
right?", "..., do we?"), or that makes an absolute claim ("always", "never", "guarantees", "at all", "the
moment", "no need"). A passage unit contradicts it when it shares at
least one of the premise's terms and negates or qualifies it ("not", "no", "cannot", "but", "however",
"instead", "until", "slower", "bigger", "cost", "downside", ...), or states a different amount of the same
kind ("first token within one second" against "first token within 1 minute": `quantities`).

A premise can also be wrong about what the question goes on to ask for: "As the forecaster answers heavy
live traffic, how should its green-blue rollout be staged?" is answered by "there's no need for green-blue
deployment". `denial` finds a unit that says the step asked about is not needed or not done ("no need for",
"not required", "we don't perform") and names it with the question's own words.

A premise that ranks two things ("running out of stock is the cheaper mistake") is contradicted by a
comparison that ranks them the other way ("overstock is far less harmful than out-of-stock problems"):
`reversal` reads which side of a "than" the comparison favours and where the premise's subject stands.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from interviewer.notes.extract import Unit
from interviewer.notes.lexical import lexical_tokens

_OPENER = re.compile(
    r"^\s*(?:since|because|given that|as|now that)\s+(?P<premise>[^,?]{12,}),", re.IGNORECASE
)
_ABSOLUTE = re.compile(
    r"\b(?:always|never|guarantee[sd]?|at all|the moment|instantly|no need|no longer needs?|eliminates?"
    r"|completely|entirely|every time|cannot fail|can never)\b",
    re.IGNORECASE,
)
_CONTRAST = re.compile(
    r"\b(?:not|no|never|cannot|can't|won't|doesn't|don't|isn't|aren't|without|but|however|instead|although"
    r"|until|unless|only when|only if|slower|larger|bigger|longer|more expensive|cost|costs|downside"
    r"|drawback|risk|must wait|need to wait|does not|do not|is not|are not)\b|n't\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_CLAUSE = re.compile(
    r",\s*(?=(?:so|and so|then|what|how|why|which|when|should|do|does|is|are|can)\b)", re.IGNORECASE
)
_ASKING = re.compile(
    r"^(?:how|what|which|when|why|who|where|whom|whose|is|are|can|could|should|would|will|do|does|did|may|might"
    r"|must|shall|in what|to what)\b",
    re.IGNORECASE,
)
_GENERIC = frozenset(lexical_tokens("model data system thing way need make good time question"))
_DENIAL = re.compile(
    r"\b(?:no\s+(?:\w+\s+)?need\s+(?:for|to)|not\s+(?:\w+\s+)?(?:needed|necessary|required)"
    r"|(?:don't|don’t|do\s+not|doesn't|doesn’t|does\s+not)\s+(?:need|perform|require|use|do))\b"
    r"(?P<object>[^.;:,]*)",
    re.IGNORECASE,
)
_NUMBER_WORDS = {
    "a": 1.0, "an": 1.0, "one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0, "six": 6.0,
    "seven": 7.0, "eight": 8.0, "nine": 9.0, "ten": 10.0, "twelve": 12.0, "twenty": 20.0, "thirty": 30.0,
    "hundred": 100.0,
}  # fmt: skip
_UNITS: dict[str, tuple[str, float]] = {
    "ms": ("time", 0.001), "millisecond": ("time", 0.001), "s": ("time", 1.0), "sec": ("time", 1.0),
    "second": ("time", 1.0), "min": ("time", 60.0), "minute": ("time", 60.0), "h": ("time", 3600.0),
    "hr": ("time", 3600.0), "hour": ("time", 3600.0), "day": ("time", 86400.0), "week": ("time", 604800.0),
    "kb": ("size", 1e3), "mb": ("size", 1e6), "gb": ("size", 1e9), "tb": ("size", 1e12),
    "%": ("share", 0.01), "percent": ("share", 0.01),
}  # fmt: skip
_QUANTITY = re.compile(
    r"(?<![\w.])(?P<number>\d+(?:\.\d+)?|" + "|".join(_NUMBER_WORDS) + r")(?:\s*[-–]\s*\d+(?:\.\d+)?)?\s*"
    r"(?P<unit>" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")(?:e?s)?(?![\w])",
    re.IGNORECASE,
)


# "..., so we don't need a sysadmin, do we?", "... even one caused by a full disk, correct?": a statement put
# for confirmation is a premise, whatever its words
_TAG = re.compile(
    r"^(?P<premise>[^?]{12,}?),?\s*(?:right|correct|true|yes|no|isn't it|aren't they|doesn't it|don't they|"
    r"won't it|won't they|can't it|do we|don't we|does it|is it|should we|shouldn't we|shouldn't i|wouldn't it|"
    r"will it|can we|am i right|isn't that so|isn't that right|aren't we|haven't we|wouldn't they)\s*\?\s*$",
    re.IGNORECASE,
)


def premise_of(question: str) -> str | None:
    """The claim `question` takes for granted, if it states one outright (see the module docstring).

    An absolute word counts only in a statement ("Batching always cuts latency, so ..."), never in the
    question itself ("How do I make sure X never happens?" asks for a guarantee; it does not assume one).
    A statement put for confirmation ("..., right?", "..., do we?") is a premise too.
    """
    opener = _OPENER.match(question)
    if opener:
        return opener.group("premise").strip()
    last = _SENTENCE.split(question.strip())[-1]
    tag = _TAG.match(last)
    if tag and not _ASKING.match(tag.group("premise")):
        return tag.group("premise").strip()
    for sentence in _SENTENCE.split(question.strip()):
        for clause in _CLAUSE.split(sentence):
            clause = clause.strip()
            if _ABSOLUTE.search(clause) and not clause.endswith("?") and not _ASKING.match(clause):
                return clause.rstrip(".")
    return None


def quantities(text: str) -> list[tuple[str, float]]:
    """The amounts `text` states, each as its kind and its value in base units: "1 minute" is ("time", 60.0)."""
    found = []
    for match in _QUANTITY.finditer(text):
        number = match.group("number").lower()
        kind, scale = _UNITS[match.group("unit").lower()]
        value = _NUMBER_WORDS[number] if number in _NUMBER_WORDS else float(number)
        found.append((kind, value * scale))
    return found


def _other_amount(premise: str, text: str) -> bool:
    """Whether `text` states an amount of a kind `premise` states, and none of the premise's values for it."""
    stated = quantities(premise)
    theirs = quantities(text)
    kinds = {kind for kind, _ in stated}
    return any(kind in kinds for kind, _ in theirs) and not any(
        kind == other and abs(value - amount) <= 1e-9 * max(value, amount)
        for kind, value in stated
        for other, amount in theirs
    )


def contradiction(premise: str, units: Sequence[Unit], *, min_shared: int = 1) -> Unit | None:
    """The unit that negates, qualifies or states another amount than `premise`, sharing the most of its
    terms (at least `min_shared`)."""
    terms = set(lexical_tokens(_QUANTITY.sub(" ", premise))) - _GENERIC
    best: tuple[int, Unit] | None = None
    for unit in units:
        if not _CONTRAST.search(unit.text) and not _other_amount(premise, unit.text):
            continue
        shared = len(terms & set(lexical_tokens(unit.text)))
        if shared >= min_shared and (best is None or shared > best[0]):
            best = (shared, unit)
    return best[1] if best else None


def denial(question: str, premise: str, units: Sequence[Unit]) -> Unit | None:
    """The unit that says the step `question` asks about, beside its `premise`, is not needed or not done.

    The step is named by the question's words outside the premise; the unit's denied object must share one
    of the rarer of them (not the generic ones, such as "model" or "data").
    """
    asked = set(lexical_tokens(question.replace(premise, " "))) - set(lexical_tokens(premise)) - _GENERIC
    for unit in units:
        for match in _DENIAL.finditer(unit.text):
            if asked & set(lexical_tokens(match.group("object"))):
                return unit
    return None


_BETTER = (
    r"cheaper|better|safer|faster|easier|preferable|preferred|less\s+(?:harmful|costly|expensive|risky|severe"
    r"|damaging|painful|serious|bad)"
)
_WORSE = (
    r"worse|costlier|riskier|slower|harder|more\s+(?:harmful|costly|expensive|risky|severe|damaging|painful"
    r"|serious)"
)
_RANKING = re.compile(rf"\b(?:(?P<better>{_BETTER})|(?P<worse>{_WORSE}))\b", re.IGNORECASE)
_COPULA = re.compile(r"\b(?:is|are|was|were)\b", re.IGNORECASE)
_SIDE_WORDS = 4


def _head(text: str) -> str | None:
    """The last content term of `text`: the head of the noun phrase it ends with."""
    terms = [t for t in lexical_tokens(text) if t not in _GENERIC]
    return terms[-1] if terms else None


def reversal(premise: str, units: Sequence[Unit]) -> Unit | None:
    """The unit whose comparison ranks the premise's subject the other way (see the module docstring).

    The premise's subject is what comes before its verb ("running out of stock"), its head the last term
    ("stock"); the premise must rank it ("the cheaper mistake"). A unit "A is less harmful than B" ranks B
    below A; it contradicts when the head stands among B's first words and not among A's last ones.
    """
    copula = _COPULA.search(premise)
    ranking = _RANKING.search(premise, copula.end()) if copula else None
    subject = _head(premise[: copula.start()]) if copula else None
    if ranking is None or subject is None:
        return None
    premise_better = ranking.group("better") is not None
    for unit in units:
        for match in _RANKING.finditer(unit.text):
            than = re.match(r"\s+than\s+(?P<other>.*)", unit.text[match.end() :], re.IGNORECASE)
            if than is None:
                continue
            before = lexical_tokens(unit.text[: match.start()])[-_SIDE_WORDS:]
            after = lexical_tokens(than.group("other"))[:_SIDE_WORDS]
            first_better = match.group("better") is not None
            if subject in after and subject not in before and first_better == premise_better:
                return unit
            if subject in before and subject not in after and first_better != premise_better:
                return unit
    return None


def warning(premise: str) -> str:
    return f"Careful: the notes do not support the premise “{premise}”."
