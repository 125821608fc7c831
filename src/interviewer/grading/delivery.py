"""Delivery: filler words, pace and length of an answer, typed or spoken.

Filler words are counted here and stripped before the content of an answer is scored, so an "um" never
costs content points. Delivery weighs only on the communication rubric.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Pace = Literal["slow", "steady", "fast", "unknown"]

# Fillers that are never content words. Matched as whole words, case-insensitively.
_PURE_FILLERS = r"um+|umm+|uh+|uhm+|erm+|er|ah+|hmm+|mm+|uh-huh"
# Phrases that are fillers in speech.
_PHRASES = (
    r"you know,?",
    r"i mean,",
    r"sort of",
    r"kind of",
    r"basically,?",
    r"literally",
    r"you see,",
    r"so yeah,?",
)
# "like" only where it cannot be a verb, a comparison or "such as": followed by a comma ("it's, like, fast")
# or straight after another filler ("um like").
_LIKE = r"(?<![\w'-])like,|(?<=\bum )like(?![\w'-])|(?<=\buh )like(?![\w'-])"
_FILLER = re.compile(
    r"(?<![\w'-])(?:" + _PURE_FILLERS + "|" + "|".join(_PHRASES) + r")(?![\w'-]),?|" + _LIKE,
    re.IGNORECASE | re.MULTILINE,
)
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'%$.-]*")
_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)|\n+")

# Words per minute for spoken answers: a clear interview pace sits between these.
SLOW_WPM = 110.0
FAST_WPM = 180.0


class Delivery(BaseModel):
    """How an answer was delivered. Crosses boundaries inside a `Grade`, so it is a pydantic model."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    spoken: bool = False
    words: int = Field(ge=0)
    sentences: int = Field(ge=0)
    filler_count: int = Field(ge=0)
    filler_rate: float = Field(ge=0, description="filler words per 100 words")
    fillers: dict[str, int] = Field(default_factory=dict, description="each filler and how often it came")
    seconds: float | None = Field(default=None, ge=0)
    words_per_minute: float | None = Field(default=None, ge=0)
    pace: Pace = "unknown"

    @property
    def mean_sentence_words(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0


_PAUSE = re.compile(r"(\d)?[ \t]*(?:\.{3}|\u2026)(?=[ \t]*[a-z0-9])")


def strip_fillers(text: str) -> str:
    """The answer with filler words removed and the spacing tidied; content words are kept.

    The commas that set a filler off go with it ("I'd, um, add a cache" becomes "I'd add a cache"), so a
    spoken answer does not look like a list once its fillers are gone.
    """
    # a spoken pause inside a sentence is no sentence end: after a number it parts two phrases like a comma
    # ("divide by 86,400... roughly 1.2 million"), elsewhere it is only a breath ("so that's... 3.75 billion")
    stripped = _PAUSE.sub(lambda m: f"{m.group(1)}," if m.group(1) else " ", text)
    stripped = _FILLER.sub("\x00", stripped)
    stripped = re.sub(r"[ \t]*,?[ \t]*(?:\x00[ \t]*,?[ \t]*)+", " ", stripped)
    stripped = re.sub(r"[ \t]+([,.!?;:])", r"\1", stripped)
    stripped = re.sub(r"([,.!?;:])(?:\s*,)+", r"\1", stripped)
    stripped = re.sub(r"(?m)^[ \t]*,\s*", "", stripped)
    return re.sub(r"[ \t]{2,}", " ", stripped).strip()


def count_fillers(text: str) -> Counter[str]:
    """Each filler (lower-cased, without punctuation) and how many times it occurs."""
    found: Counter[str] = Counter()
    for match in _FILLER.finditer(text):
        key = re.sub(r"[^a-z' -]", "", match.group(0).lower()).strip()
        if key:
            found[key] += 1
    return found


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


def _pace(wpm: float | None) -> Pace:
    if wpm is None:
        return "unknown"
    if wpm < SLOW_WPM:
        return "slow"
    if wpm > FAST_WPM:
        return "fast"
    return "steady"


def measure(text: str, *, seconds: float | None = None, spoken: bool | None = None) -> Delivery:
    """Measure one answer. `seconds` is how long it took to say; giving it marks the answer as spoken."""
    words = count_words(text)
    fillers = count_fillers(text)
    total = sum(fillers.values())
    sentences = len([s for s in _SENTENCE_END.split(text) if count_words(s) > 0])
    wpm = words / seconds * 60.0 if seconds and seconds > 0 else None
    return Delivery(
        spoken=bool(spoken) if spoken is not None else seconds is not None,
        words=words,
        sentences=sentences,
        filler_count=total,
        filler_rate=round(100.0 * total / words, 2) if words else 0.0,
        fillers=dict(fillers.most_common()),
        seconds=seconds,
        words_per_minute=round(wpm, 1) if wpm is not None else None,
        pace=_pace(wpm),
    )


def combine(deliveries: Iterable[Delivery]) -> Delivery:
    """One delivery for several answers: counts add up, pace comes from the timed answers only."""
    items = list(deliveries)
    words = sum(d.words for d in items)
    fillers: Counter[str] = Counter()
    for d in items:
        fillers.update(d.fillers)
    timed = [d for d in items if d.seconds]
    seconds = sum(d.seconds or 0.0 for d in timed) or None
    timed_words = sum(d.words for d in timed)
    wpm = timed_words / seconds * 60.0 if seconds else None
    total = sum(fillers.values())
    return Delivery(
        spoken=any(d.spoken for d in items),
        words=words,
        sentences=sum(d.sentences for d in items),
        filler_count=total,
        filler_rate=round(100.0 * total / words, 2) if words else 0.0,
        fillers=dict(fillers.most_common()),
        seconds=seconds,
        words_per_minute=round(wpm, 1) if wpm is not None else None,
        pace=_pace(wpm),
    )


# What a browser's speech recogniser writes for the field's words: "cash" for cache, "pee ninety nine" for
# p99, "idem potency" for idempotency. Money said as cash ("pay in cash", "cash out") stays.
_MISHEARD = (
    (
        re.compile(
            r"(?<!\bin )(?<!\bpay )(?<!\bpaid )\bcash(?:e)?\b(?!\s*(?:out|flow|back|payments?|register)\b)",
            re.I,
        ),
        "cache",
    ),
    (re.compile(r"\b(?:pee|p) (?:ninety[ -]nine)\b", re.I), "p99"),
    (re.compile(r"\b(?:pee|p) (?:ninety[ -]five)\b", re.I), "p95"),
    (re.compile(r"\b(?:pee|p) fifty\b", re.I), "p50"),
    (re.compile(r"\bidem potency\b", re.I), "idempotency"),
    (re.compile(r"\bidem potent\b", re.I), "idempotent"),
)


def heard(text: str) -> str:
    """`text` with the field's words a speech recogniser mishears written as meant ("an in memory cash with a
    ten minute TTL" is a cache)."""
    for pattern, meant in _MISHEARD:
        text = pattern.sub(meant, text)
    return text
