"""A question's premise, and whether the cited passage contradicts it.

"Since bigger batches always reduce latency, how big should they be?" takes a claim for granted. When the
notes' passage says otherwise ("batching adds queue delay"), the offline answer should say so before
quoting it. Kept conservative: a premise is only read from a question that states one outright, opening
with "since", "because", "given that", "as" or "now that", or that makes an absolute claim ("always",
"never", "guarantees", "at all", "the moment", "no need"). A passage unit contradicts it when it shares at
least one of the premise's terms and negates or qualifies it ("not", "no", "cannot", "but", "however",
"instead", "until", "slower", "bigger", "cost", "downside", ...).
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


def premise_of(question: str) -> str | None:
    """The claim `question` takes for granted, if it states one outright (see the module docstring).

    An absolute word counts only in a statement ("Batching always cuts latency, so ..."), never in the
    question itself ("How do I make sure X never happens?" asks for a guarantee; it does not assume one).
    """
    opener = _OPENER.match(question)
    if opener:
        return opener.group("premise").strip()
    for sentence in _SENTENCE.split(question.strip()):
        for clause in _CLAUSE.split(sentence):
            clause = clause.strip()
            if _ABSOLUTE.search(clause) and not clause.endswith("?") and not _ASKING.match(clause):
                return clause.rstrip(".")
    return None


def contradiction(premise: str, units: Sequence[Unit], *, min_shared: int = 1) -> Unit | None:
    """The unit that negates or qualifies `premise`, sharing the most of its terms (at least `min_shared`)."""
    terms = set(lexical_tokens(premise)) - _GENERIC
    best: tuple[int, Unit] | None = None
    for unit in units:
        if not _CONTRAST.search(unit.text):
            continue
        shared = len(terms & set(lexical_tokens(unit.text)))
        if shared >= min_shared and (best is None or shared > best[0]):
            best = (shared, unit)
    return best[1] if best else None


def warning(premise: str) -> str:
    return f"Careful: the notes do not support the premise “{premise}”."
