"""A latency budget split among the stages of a request whose parts add up to more than the whole.

"About ten milliseconds for the gateway, five for the profile read, under fifty for candidates, I'd give the
ranker a hundred and fifty, then ten for rules and twenty of network" is 245 ms against a 200 ms target. Each
part is read where a number is given to a stage ("N for ...", "N of network", "give the ranker N"); a part
said with another unit ("1,000 videos", "50 instances") is not one. A split is read only when one sentence
gives at least three parts and says the unit at least once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from interviewer.content.claims import Constraint
from interviewer.grading.quantities import words_to_digits

_MS = re.compile(r"\b(?:ms|milliseconds?|millis)\b|\d\s*ms\b", re.I)
_NUMBER = r"(\d+(?:\.\d+)?)(?!\s*(?:%|percent|x\b|times\b|k\b|m\b|gb\b|qps\b|,\d))"
_PART = re.compile(
    rf"(?<![\w.,]){_NUMBER}\s*(?:ms\b|milliseconds?\b|millis\b)?\s+(?:for|of|on|to)\s+(?:the\s+|our\s+)?[a-z]",
    re.I,
)
_GIVEN = re.compile(
    rf"\b(?:give|giving|gives|leave|leaving|leaves)\s+(?:the\s+)?[a-z][\w-]*(?:\s+[a-z][\w-]*)?\s+"
    rf"(?:about\s+|roughly\s+|around\s+|maybe\s+)?{_NUMBER}\s*(?:ms\b|milliseconds?\b|millis\b)?(?!\s+[a-z]+s\b)",
    re.I,
)
_HARD_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def overspent(answer: str, constraints: Sequence[Constraint]) -> list[tuple[str, str, str]]:
    """(quote, why, target) for each sentence whose stage budgets add up to over the request's latency target."""
    limits = [c for c in constraints if c.kind == "latency" and c.max and not c.subject]
    if not limits:
        return []
    limit = min(limits, key=lambda c: c.max or 0.0)
    assert limit.max is not None
    found: list[tuple[str, str, str]] = []
    for sentence in _HARD_SENTENCE.split(answer):
        total = _parts_total(words_to_digits(sentence), limit.max)
        if total is not None and total > limit.max * 1.05:
            why = (
                f"The stages' budgets add up to about {total:g} ms, more than the {limit.max:g} ms the whole "
                "request may take."
            )
            found.append((sentence.strip(), why, limit.says))
    return found


def _parts_total(text: str, limit_ms: float) -> float | None:
    if not _MS.search(text):
        return None
    parts: dict[int, float] = {}
    for pattern in (_PART, _GIVEN):
        for m in pattern.finditer(text):
            parts.setdefault(m.start(1), float(m.group(1)))
    values = list(parts.values())
    if len(values) < 3 or any(v <= 0 or v >= limit_ms for v in values):
        return None  # a part as large as the whole is not a share of it: some other number
    return sum(values)
