"""Shares of a load: what a cache lets through, and a load said as "of N, only M reach ranking".

A hit rate taken as the share that gets past a cache is the commonest slip in cache arithmetic; a result said as
the part of a load that still gets through is checked against the share said before it in the sentence.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import replace

from interviewer.grading.quantities import Quantity


def missed_share(clause: str, inputs: list[Quantity], result: Quantity) -> list[Quantity]:
    """A cache's hit rate taken as the share that gets past it, when the result is what still gets through.

    "A cache hits seventy percent of the fifty thousand requests, so fifteen thousand reach the models": the
    models see the thirty percent the cache misses.
    """
    out = []
    for q in inputs:
        hit = q.kind == "percent" and bool(_HIT.search(clause[max(0, q.start - 40) : q.end + 12]))
        through = hit and bool(_THROUGH.search(clause[q.end : result.end + 40]))
        out.append(replace(q, value=1.0 - q.value) if through and 0 < q.value < 1 else q)
    return out


_HIT = re.compile(r"\b(?:hits?|hit rate|hit ratio|served from (?:the )?cache|cached)\b", re.I)
_THROUGH = re.compile(
    r"\b(?:reach(?:es)?|get(?:s)? (?:past|through)|fall(?:s)? through|go(?:es)? through|pass(?:es)? (?:on|through)|"
    r"miss(?:es)?|left over|remain(?:s|ing)?|still (?:hit|go|reach)|make it (?:to|through))\b",
    re.I,
)


_OF_BEFORE = re.compile(r"\bof\s+(?:the\s+|about\s+|roughly\s+|around\s+)?$", re.I)
_ONLY_ABOUT = re.compile(
    r"^[^.;:]*?,\s*(?:only\s+|just\s+)?(?:about\s+|around\s+|roughly\s+|some\s+)?$", re.I
)


def passed_share(clause: str, qs: Sequence[Quantity], i: int) -> Quantity | None:
    """The share of the load `qs[i - 1]` that the result `qs[i]` is, when said as "34 percent of traffic is
    served from cache, so of 20,000 queries a second, only about 700 still reach ranking": the share that
    gets through (the hit rate's complement), or None when the step is not said that way."""
    load, result = qs[i - 1], qs[i]
    if i < 2 or load.kind != "count" or result.kind != "count":
        return None
    if not _OF_BEFORE.search(clause[: load.start]) or not _ONLY_ABOUT.match(clause[load.end : result.start]):
        return None
    if not _THROUGH.search(clause[result.end : result.end + 40]):
        return None
    share = next((q for q in reversed(qs[: i - 1]) if q.kind == "percent" and 0 < q.value < 1), None)
    if share is None:
        return None
    hit = bool(_HIT.search(clause[share.end : share.end + 40]))
    return replace(share, value=1.0 - share.value) if hit else share


_HEDGED = re.compile(r"^\s*,\s*(?:only\s+|just\s+)?(?:about\s+|around\s+|roughly\s+|some\s+|~\s*)?$", re.I)


def cached_through(
    clause: str, qs: Sequence[Quantity], i: int, earlier: Sequence[Quantity]
) -> tuple[Quantity, Quantity] | None:
    """The load and the share of it the result `qs[i]` is, when said right after a hit rate: "peak traffic is
    50,000 a second; with a hit rate of 70 percent, about 15,000 a second reach the models" (the share that gets
    through is the hit rate's complement). The load is the latest rate said before, over the result's period."""
    share, result = qs[i - 1], qs[i]
    if share.kind != "percent" or not 0 < share.value < 1 or result.kind != "count" or not result.per_seconds:
        return None
    if not _HIT.search(clause[max(0, share.start - 40) : share.end + 12]):
        return None
    if not _HEDGED.match(clause[share.end : result.start]) or not _THROUGH.search(
        clause[result.end : result.end + 40]
    ):
        return None
    load = next(
        (
            q
            for q in reversed([*earlier, *qs[: i - 1]])
            if q.kind == "count" and q.per_seconds == result.per_seconds and q.value > result.value
        ),
        None,
    )
    return (load, replace(share, value=1.0 - share.value)) if load else None


def share_step(
    clause: str, qs: Sequence[Quantity], i: int, earlier: Sequence[Quantity]
) -> tuple[Quantity, Quantity] | None:
    """The load and the share of it that the result `qs[i]` is, when the step is said as a share (see
    `passed_share` and `cached_through`), else None."""
    if (share := passed_share(clause, qs, i)) is not None:
        return qs[i - 1], share
    return cached_through(clause, qs, i, earlier)


_EXPLICIT = re.compile(r"(?:\btimes\b|\bmultiplied by\b|\bdivided by\b|\bover\b|[×x*/÷])\s*[~$]?\s*$", re.I)


def share_worked(clause: str, said: Sequence[Quantity], result: Quantity) -> bool:
    """Whether a share is worked out with every operation said: "forty percent times twelve over sixty, about
    eight percent of generated tokens"."""
    return (
        result.kind == "percent"
        and len(said) >= 2
        and any(q.kind == "percent" for q in said)
        and all(_EXPLICIT.search(clause[a.end : b.start]) for a, b in itertools.pairwise(said))
    )


def percent_unsaid(inputs: list[Quantity], result: Quantity) -> list[Quantity]:
    """`inputs` with a bare number read as the percent it stands for, when the others and the result are
    percents: "forty times eighty percent is thirty-two percent" multiplies 40% by 80%."""
    if result.kind != "percent" or not any(q.kind == "percent" for q in inputs):
        return inputs
    bare = [q for q in inputs if q.kind != "percent"]
    if len(bare) != 1 or bare[0].kind != "count" or bare[0].per_seconds or not 1 <= bare[0].value <= 100:
        return inputs
    return [replace(q, kind="percent", value=q.value / 100) if q is bare[0] else q for q in inputs]


_SHARE_OF = re.compile(r"\s*of\b", re.I)


def share_of_total(clause: str, qs: Sequence[Quantity], i: int) -> bool:
    """Whether the share said before `qs[i]` is worked out on it: "At most 0.3% of legitimate transactions can
    be declined, and we see fifty million a day, so that's fifteen hundred a day" takes 0.3% of the fifty
    million, though ", and" starts a new thought. A result near the rest of the total (the 99.7%) reads the
    share the other way round and is not taken."""
    share, total = qs[i - 1], qs[i]
    if share.kind != "percent" or not 0 < share.value < 0.5 or not _SHARE_OF.match(clause, share.end):
        return False
    if i + 1 >= len(qs) or total.kind != "count" or (result := qs[i + 1]).kind != "count":
        return False
    if result.si >= total.si or total.per_seconds != result.per_seconds:
        return False
    rest = (1.0 - share.value) * total.si
    return not rest / 2 <= result.si <= rest * 2
