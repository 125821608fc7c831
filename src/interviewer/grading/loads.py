"""The loads a step takes from what was said before it, when a count per request or a fleet size alone cannot
give its result: "only the top hundred per request go to the heavy model, so 10 million scores a second"
multiplies the request rate said before (`fanned_out`); "across 200 ranking boxes, that's 100 thousand scores a
second per box" divides it (`spread_over_fleet`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from interviewer.grading.quantities import Quantity

_PER_ITEM = re.compile(
    # "the top hundred per request": not "250 tokens per request", whose load may not be the one said last;
    # "Each one scores about a thousand candidates": each of the requests just counted
    r"\btop\b|^\s*(?:and\s+|so\s+)?each\s+(?:one|request|query|call|of (?:them|those|these))\b",
    re.I,
)


def fanned_out(
    clause: str, said: Sequence[Quantity], result: Quantity, earlier: Sequence[Quantity]
) -> list[Quantity]:
    """The loads a per-request count multiplies: "100 thousand requests a second ... only the top hundred per
    request go to the heavy model, so about 10 million scores a second". Every rate said before is a
    candidate, latest first; the recomputation takes the nearest."""
    if not (
        result.kind == "count"
        and result.per_seconds
        and len(said) == 1
        and said[0].kind == "count"
        and not said[0].per_seconds
        and said[0].value >= 2
        and _PER_ITEM.search(clause[: result.start])
    ):
        return []
    return [q for q in reversed(earlier) if q.kind == "count" and q.per_seconds]


_ACROSS_FLEET = re.compile(
    r"^\s*(?:and\s+|so\s+)?(?:across|over|spread (?:over|across)|split (?:across|over|between)|"
    r"divided (?:among|between|across))\s+$",
    re.I,
)
_PER_MACHINE = re.compile(
    r"^[^,;.]*?\bper\s+(?:box|replica|gpu|node|server|machine|worker|shard|host|core|pod|instance|card)\b",
    re.I,
)


def spread_over_fleet(clause: str, inputs: Sequence[Quantity], result: Quantity) -> bool:
    """Whether a rate per machine comes from a fleet size alone: "Across 200 ranking boxes, that's 100 thousand
    scores a second per box" divides the load said before."""
    return (
        len(inputs) == 1
        and inputs[0].kind == "count"
        and not inputs[0].per_seconds
        and result.kind == "count"
        and bool(result.per_seconds)
        and bool(_ACROSS_FLEET.match(clause[: inputs[0].start]))
        and bool(_PER_MACHINE.match(clause[result.end :]))
    )


_PEAK = re.compile(r"\b(?:peak|busiest)\b", re.I)


def said_at_peak(text: str, first: Quantity, result: Quantity, carried: str = "") -> bool:
    """Whether a rate worked out in `text` is said to be the peak ("... gives about 70 thousand a second at
    peak"), which may be a few times the average its inputs give. A load already said to be the peak before the
    calculation ("peak traffic is 50K; ... 35K reach the models") is no average to scale up. `carried` is the
    number the calculation continues from, put before `text`; `first` is the calculation's first input."""
    shift = len(carried) + 1 if carried else 0
    return bool(result.per_seconds) and bool(_PEAK.search(text, max(0, first.end - shift)))


_DAILY = re.compile(r"\s*(?:daily|a day|per day|each day|every day)\b", re.I)


def daily_population(clause: str, said: Sequence[Quantity], result: Quantity) -> list[Quantity]:
    """`said` with a population counted per day made a count per day, when the result is a rate and no input
    names a period: "500 million daily users at about five loads each is roughly 29 thousand a second"."""
    if not result.per_seconds or any(q.per_seconds or q.kind == "duration" for q in said):
        return list(said)
    daily = [i for i, q in enumerate(said) if q.kind == "count" and _DAILY.match(clause, q.end)]
    if len(daily) != 1:
        return list(said)
    return [replace(q, per_seconds=86_400.0) if i == daily[0] else q for i, q in enumerate(said)]
