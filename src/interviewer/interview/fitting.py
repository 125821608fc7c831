"""Fitting a question to the candidate: not asking for what they just said, and not about what they didn't use.

- `just_said`: whether the candidate's last turn already addressed a key point or a probe, so the
  interviewer does not ask for latency targets right after hearing "200 ms".
- `fit_to_design`: a bank probe that names a technology the candidate did not choose ("Redis is
  unreachable") is reworded for their design ("Postgres is unreachable"), or for a generic part ("the
  cache") when they named nothing of that kind.
- `ask_parts`: a clarifying question in several parts ("Who are the users and how much traffic?") split
  into its parts, so each is answered or named as unanswerable.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from interviewer.content.questions import HiddenFact, KeyPoint, PhaseSpec, Question
from interviewer.interview.depth import Component, Kind
from interviewer.interview.reading import content_words, facts_for

Similarity = Callable[[str, str], float]
# How close in meaning (MiniLM cosine) a part with no keyword must be to a fact to be answered by it; chosen on
# the tuning questions of bench/data/question_parts.yaml (bench/question_parts.py).
PART_THRESHOLD = 0.28

# What a question asks about, and what a value of it looks like in an answer.
_CONCEPTS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = tuple(
    (re.compile(ask, re.I), re.compile(value, re.I))
    for ask, value in (
        (r"\blatenc|millisecond|\bms\b|response time|how fast", r"\b\d+\s?(?:ms|milliseconds?)\b"),
        (
            r"requests per second|\bqps\b|traffic|how many (?:users|requests)|daily active|\bscale\b|\bpeak\b",
            r"\b\d[\d,.]*\s?(?:k|m|b|million|billion|thousand)?\s?(?:qps|rps|requests|users|dau|daily)",
        ),
        (r"availability|uptime|downtime|nines", r"\b\d{2}(?:\.\d+)?\s?%|\bnines\b"),
        (r"\bcost|budget|spend", r"\$\s?\d|\b\d[\d,.]*\s?(?:k|m)?\s?(?:dollars|a month|per month)"),
    )
)

# Brand names a bank probe may use, with the kind of part each is and a generic name for it.
_BRAND_NAMES: tuple[tuple[str, Kind], ...] = (
    ("redis", "cache"),
    ("memcached?", "cache"),
    ("postgres(?:ql)?", "store"),
    ("mysql", "store"),
    ("cassandra", "store"),
    ("dynamo ?db", "store"),
    ("bigtable", "store"),
    ("kafka", "queue"),
    ("kinesis", "queue"),
    ("flink", "pipeline"),
    ("spark", "pipeline"),
    ("airflow", "pipeline"),
    ("faiss", "index"),
    ("elasticsearch", "index"),
)
_BRANDS = tuple((re.compile(rf"\b{p}\b", re.I), kind) for p, kind in _BRAND_NAMES)
_GENERIC: dict[Kind, str] = {
    "cache": "the cache",
    "store": "the database",
    "queue": "the event stream",
    "pipeline": "the data pipeline",
    "index": "the index",
}
# Kinds that can stand in for each other: a profile cache and a profile store play the same part.
_SAME_PART: dict[Kind, tuple[Kind, ...]] = {
    "cache": ("cache", "store"),
    "store": ("store", "cache"),
    "queue": ("queue",),
    "pipeline": ("pipeline",),
    "index": ("index",),
}


def just_said(text: str, last_turn: str, point: KeyPoint | None = None, recent: Sequence[str] = ()) -> bool:
    """Whether `last_turn` already answered what `text` (a probe) asks, or it or one of the `recent`
    answers spoke to `point` in its own words (even if the grader did not count it covered)."""
    if not last_turn and not recent:
        return False
    for ask, value in _CONCEPTS:
        if ask.search(text) and value.search(last_turn):
            return True
    if point is not None:
        wanted = content_words(" ".join([point.point, *point.alternatives]))
        return any(len(wanted & content_words(said)) >= 4 for said in (last_turn, *recent))
    return False


def owner(spec: PhaseSpec, probe: str) -> str | None:
    """The key point a bank probe is really about: the one sharing the most words with it."""
    asked = content_words(probe)
    scored = [
        (len(asked & content_words(" ".join([k.point, *k.alternatives]))), k.id) for k in spec.key_points
    ]
    best = max(scored, default=(0, None))
    return best[1] if best[0] else None


def fit_to_design(probe: str, design: Sequence[Component]) -> str:
    """`probe` with any technology the candidate did not use replaced by theirs, or by a generic name."""
    used = " ".join(c.said for c in design).lower()
    fitted = probe
    for pattern, kind in _BRANDS:
        match = pattern.search(fitted)
        if match is None or pattern.search(used):
            continue
        theirs = next((c for c in reversed(design) if c.kind in _SAME_PART.get(kind, (kind,))), None)
        name = theirs.said if theirs is not None else _GENERIC.get(kind, "that component")
        if name[:1].islower() and match.start() == 0:
            name = name[0].upper() + name[1:]
        fitted = fitted[: match.start()] + name + fitted[match.end() :]
    return fitted


_PART_SPLIT = re.compile(
    r",?\s+(?:and|also|plus)\s+(?=(?:what|what's|how|who|which|when|where|why|is|are|do|does|can|should|"
    r"would|will)\b)|;\s*|\?\s+",
    re.I,
)


def ask_parts(asked: Sequence[str]) -> list[str]:
    """The separate things a clarifying question asks for, each with at least two content words."""
    parts: list[str] = []
    for sentence in asked:
        for part in _PART_SPLIT.split(sentence):
            part = part.strip(" ,?.")
            if len(content_words(part)) >= 1 and len(part.split()) >= 2:
                parts.append(part)
    return parts


# A part that asks who someone is wants a description; a count of them answers another part.
_WHO = re.compile(r"^(?:who\b|which (?:users|customers|people)|what (?:kind|sort|type)s? of)", re.I)
_NUMBER = re.compile(
    r"^(?:how (?:many|much|fast|quickly|long|often|big)|what(?:'s| is| are)? (?:the |our )?"
    r"(?:\w+ )?(?:latency|budget|volume|scale|traffic|rate|target|number|size|qps|load))",
    re.I,
)


def answer_parts(
    question: Question,
    asked: Sequence[str],
    similar: Similarity | None = None,
    threshold: float = PART_THRESHOLD,
) -> list[tuple[str, HiddenFact | None]]:
    """Each part of a question in several parts with the hidden fact that answers it, or None.

    A part's facts are those its words ask for (`facts_for`), or, when none of its words is a fact's
    keyword, the fact closest to it in meaning if at least `threshold` close with `similar`; a fact two parts ask for goes to the part it
    fits best (more of its keywords, then closer in meaning with `similar`), and is shared only by parts
    that both ask for an amount or a target ("how many users and how much traffic?"). So "Who are the
    users and how much traffic?" gets the traffic fact for its second part and none for "who are the
    users", which the interviewer then leaves to the candidate. Fewer than two parts: an empty list.
    """
    parts = ask_parts(asked)
    if len(parts) < 2:
        return []
    options = {part: [f for f in facts_for(question, [part]) if _about(part, f)] for part in parts}
    if similar is not None:  # a part none of whose words is a keyword: the fact closest in meaning, if close
        # ("who ..." is never answered by meaning alone: the facts close to it are counts and budgets)
        for part in (p for p in parts if not options[p] and not _WHO.match(p)):
            close = max(question.hidden_facts, key=lambda f: similar(part, f.fact), default=None)
            if close is not None and similar(part, close.fact) >= threshold:
                options[part] = [close]

    def fit(part: str, fact: HiddenFact) -> tuple[int, int, float]:
        hits = sum(
            bool(re.search(rf"(?<!\w){re.escape(k.lower())}(?!\w)", part.lower())) for k in fact.keywords
        )
        return (not _WHO.match(part), hits, similar(part, fact.fact) if similar else 0.0)

    owners: dict[int, str] = {}
    for part in parts:
        for fact in options[part]:
            key = id(fact)
            if key not in owners or fit(part, fact) > fit(owners[key], fact):
                owners[key] = part
    answered: list[tuple[str, HiddenFact | None]] = []
    for part in parts:
        mine = [
            f
            for f in options[part]
            if owners[id(f)] == part or (_NUMBER.match(part) and _NUMBER.match(owners[id(f)]))
        ]
        answered.append((part, mine[0] if mine else None))
    return answered


_GENERIC_ASKS = frozenset({"how many", "how much", "how fast", "how big", "how long", "how often"})


def _hits(part: str, fact: HiddenFact) -> set[str]:
    low = part.lower()
    return {k.lower() for k in fact.keywords if re.search(rf"(?<!\w){re.escape(k.lower())}(?!\w)", low)}


def _about(part: str, fact: HiddenFact) -> bool:
    """Whether `part` asks about `fact`: a keyword of it beyond "how many", or nothing else to ask about
    ("how many engineers?" is not about the traffic fact that "how many" is a keyword of)."""
    hits = _hits(part, fact)
    if hits - _GENERIC_ASKS:
        return True
    own = content_words(" ".join([fact.fact, *fact.keywords]))
    return bool(hits) and not (content_words(part) - own)


def unanswered_text(part: str) -> str:
    """What the interviewer says about a part of a question that no fact answers."""
    part = part.strip(" ?.").rstrip()
    if _WHO.match(part):
        return f"\u201c{part[0].upper()}{part[1:]}\u201d is for you to decide; tell me who you have in mind."
    if _NUMBER.match(part):
        topic = re.sub(r"^(?:how (?:many|much)|what(?:'s| is| are)? (?:the |our )?)\s*", "", part, flags=re.I)
        topic = re.sub(
            r"\s+(?:(?:do|does|is|are|will|should|can)\s+(?:we|it|they|you)|are there|is there)\b.*$",
            "",
            topic,
            flags=re.I,
        )
        return f"I don't have a number for {topic or 'that'}; make an assumption and state it."
    return f"On \u201c{part}\u201d, I don't have anything for you; that's for you to decide."
