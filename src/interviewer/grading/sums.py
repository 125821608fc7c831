"""Sums said in a calculation: "10 million plus 9 million tracks", "40M daily plus 80M weekly over 7", "60 tokens
in and 60 out", and what is left of a budget once its parts are taken away ("100 ms, the network eats 60 and
parsing 10, so 30 ms to compute").
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import replace

from interviewer.grading.quantities import Quantity

_PLUS = re.compile(
    # "2.7B + lead-time quantiles ~0.5B": what is added may be named before its number
    r"^\s*(?:[A-Za-z][\w-]*,?\s+){0,2}?,?\s*(?:plus|\+|and another)\s*(?:[A-Za-z][\w-]*\s+){0,3}?"
    r"(?:about |around |roughly |another |some )?[~$]?\s*$",
    re.I,
)


_OWN_PERIOD_OVER = re.compile(
    r"^\s*(?:[\w-]+\s+)?(?:weekly|monthly|a week|a month|per week|per month|each week|each month)\s*"
    r"(?:over|divided by|/)\s*$",
    re.I,
)


_SPREAD = re.compile(r"\b(?:over|divided|spread|across)\b|/", re.I)
_OWN_DAYS = {"daily": 1, "day": 1, "weekly": 7, "week": 7, "monthly": 30, "month": 30}
_PERIOD_WORD = re.compile(
    r"^\s*(?:[\w-]+\s+)?(?:(daily|weekly|monthly)|(?:a|per|each)\s+(day|week|month))\b", re.I
)


def _own_days(after: str) -> int | None:
    """The days of the period the words after a number name ("weekly", "a week"), if they name one."""
    match = _PERIOD_WORD.match(after)
    return _OWN_DAYS[(match.group(1) or match.group(2)).lower()] if match else None


_IN_AND = re.compile(r"^\s*(?:[\w-]+\s+)?in\s+and\s+(?:about\s+|roughly\s+|around\s+|~)?$", re.I)
_OUT_AFTER = re.compile(r"^\s*(?:[\w-]+\s+)?out\b", re.I)
_EACH_SIDE = re.compile(r"\b(?:each|either|per|a) (?:side|way|direction)\b", re.I)


def added(clause: str, inputs: Sequence[Quantity]) -> list[Quantity]:
    """Inputs joined by "plus" are one input, their sum: "10 million plus 9 million tracks at 128 bytes"; so are
    "60 tokens in and 60 out", unless the result is for one side ("so 60 billion each side")."""
    out: list[Quantity] = []
    for q in inputs:
        prev = out[-1] if out else None
        in_and_out = (
            prev is not None
            and prev.kind == q.kind
            and _IN_AND.match(clause[prev.end : q.start]) is not None
            and _OUT_AFTER.match(clause[q.end : q.end + 20]) is not None
        )
        if prev is not None and in_and_out:
            if not _EACH_SIDE.search(clause):
                out[-1] = Quantity(prev.value + q.value, prev.start, q.end, prev.kind, prev.per_seconds)
            continue
        out.append(q)
    return _plus(clause, out)


_TIMES_AFTER = re.compile(r"\s*(?:[A-Za-z-]+\s+){0,2}?(?:×|x|\*|times)\s", re.I)
_TIMES_BEFORE = re.compile(r"(?:×|\bx|\*|\btimes)\s*[~$]?\s*$", re.I)


def _plus(clause: str, inputs: Sequence[Quantity]) -> list[Quantity]:
    out: list[Quantity] = []
    spread: Quantity | None = None  # "80M weekly over 7": an addend spread over its own period's days
    for k, q in enumerate(inputs):
        prev = out[-1] if out else None
        if q is spread:
            continue
        if (
            prev
            and prev.kind == q.kind
            and _PLUS.match(clause[prev.end : q.start])
            # "800 + 5 chunks × 400": a factor of a product is not an addend
            and not _TIMES_AFTER.match(clause, q.end)
            and not _TIMES_BEFORE.search(clause[: prev.start])
        ):
            after = inputs[k + 1] if k + 1 < len(inputs) else None
            if after is not None and _OWN_PERIOD_OVER.match(clause[q.end : after.start]) and after.value > 1:
                # "40M daily plus 80M weekly over 7, about 51M a day": the weekly part spread over the days
                spread = after
                q = replace(q, value=q.value / after.value, said=None)
            elif (
                (days := _own_days(clause[q.end : q.end + 24]))
                and _own_days(clause[prev.end : q.start]) == 1
                and not (after and _SPREAD.search(clause[q.end : after.start]))
            ):
                # "40M daily plus 80M weekly is about 51M a day": the weekly part is a seventh of it a day
                q = replace(q, value=q.value / days, said=None)
            said = prev.spoken + q.spoken if prev.said is not None or q.said is not None else None
            out[-1] = Quantity(prev.value + q.value, prev.start, q.end, prev.kind, prev.per_seconds, said)
        else:
            out.append(q)
    return out


def mixed_sum(clause: str, inputs: Sequence[Quantity]) -> bool:
    """Whether the inputs add a number to a product of others ("a cent, plus 250 tokens at $10 per million"),
    which the steps cannot be read from."""
    return len(inputs) > 2 and any(
        _PLUS.match(clause[a.end : b.start]) for a, b in itertools.pairwise(inputs)
    )


# "which eats ~50-60 ms, plus ~10 ms parse, so ~30 ms compute": what a budget leaves once parts are taken away
_LEFT = re.compile(
    r"\b(?:eats?|eaten|minus|leaves?|left|leaving|remaining|remains|including|includes|after)\b", re.I
)


def remainder_fits(clause: str, inputs: Sequence[Quantity], result: Quantity, tolerance: float) -> bool:
    """Whether the result is what the first amount leaves once some of the others are taken away, in a clause
    that says so; amounts of one kind only (times, sizes, money)."""
    # a bare number is the start of a range ("50-60 ms") or a count beside the amounts: not taken away
    amounts = [q for q in inputs if q.kind != "count"]
    if len(amounts) < 2 or not _LEFT.search(clause) or result.value <= 0 or result.kind == "count":
        return False
    if inputs[0] is not amounts[0] or any(q.kind != result.kind for q in amounts):
        return False
    first, rest = amounts[0].value, [q.value for q in amounts[1:]]
    for n in range(1, len(rest) + 1):
        for taken in itertools.combinations(rest, n):
            left = first - sum(taken)
            if left > 0 and max(left / result.value, result.value / left) <= tolerance:
                return True
    return False


_BLEND = re.compile(r"\b(?:blend(?:ed)?|weighted (?:average|mean|mix|cost|price))\b", re.I)


def blend(
    clause: str, inputs: Sequence[Quantity], result: Quantity, earlier: Sequence[Quantity] = ()
) -> Quantity | None:
    """The weighted mix `result` is said to be, when its clause names a blend of two amounts by a share: "$0.00075
    a small-model turn and $0.0125 a large one; with 80 percent routed to the small model, the blend is $0.0031"
    is 0.8 × 0.00075 + 0.2 × 0.0125, whichever amount the share goes to (the mix nearer the result). The amounts may
    be said in an `earlier` clause. None when no blend is said."""
    if not _BLEND.search(clause[: result.start]):
        return None
    shares = [q for q in inputs if q.kind == "percent" and 0 < q.value < 1]
    # amounts of the result's own kind and period: a price per turn is no blend of daily totals
    amounts = [
        q for q in (*earlier, *inputs) if q.kind == result.kind and q.per_seconds == result.per_seconds
    ]
    if len(shares) != 1 or len(amounts) < 2 or result.value <= 0:
        return None
    p, (a, b) = shares[0].value, amounts[-2:]
    mixes = [m for m in (p * a.value + (1 - p) * b.value, p * b.value + (1 - p) * a.value) if m > 0]
    if not mixes:
        return None
    nearest = min(mixes, key=lambda m: abs(math.log(m / result.value)))
    return Quantity(nearest, result.start, result.start, result.kind, result.per_seconds)


_HEADROOM = re.compile(
    r"^\s*(?:[a-z-]+\s+)?(?:with|for|including|incl\.|plus|to leave|leaving)\s+(?:some\s+|a bit of\s+|a little\s+|\d+\s*%\s+)?"
    r"(?:headroom|buffer|spare|margin|slack|redundancy|overhead|safety)\b",
    re.I,
)


def headroom_added(clause: str, before: Quantity, result: Quantity) -> bool:
    """Whether `result` is `before` with a margin chosen on top ("about 75 instances, so about 100 with
    headroom"): up to three times as much, said with what it is for; or a count regrouped into lots of a size
    ("51 million emails ... is 51 thousand lots of a thousand"), which restates rather than computes."""
    if _REGROUPED.match(clause[result.end : result.end + 30]):
        return True
    return (
        bool(_HEADROOM.match(clause[result.end : result.end + 40])) and 1 <= result.value / before.value <= 3
    )


_REGROUPED = re.compile(r"^\s*(?:lots|batches|blocks|groups|bundles|units) of\b", re.I)


PLUS_OVER = re.compile(
    r"\b(\d+(?:\.\d+)?(?:(?:\s+[a-z]+){0,2}?)\s+plus\s+)(\d+(?:\.\d+)?)((?:\s+[a-z]+){0,2}?)\s+"
    r"(?:(?:divided by|over)\s+(\d+(?:\.\d+)?)\b(?!\s*(?:%|percent|secs?|minutes?|hours?|days?|weeks?|months?|"
    r"years?)\b)|(?:spread|averaged) (?:over|across)\s+(\d+(?:\.\d+)?)(?:\s+days)?\b)",
    re.I,
)


def divided_first(m: re.Match[str]) -> str:
    """ "A plus B divided by N" (or "spread over N days") read as A plus (B/N)."""
    b, n = float(m.group(2)), float(m.group(4) or m.group(5))
    if n == 0:
        return m.group(0)
    return f"{m.group(1)}{b / n:.3f}{m.group(3)}"


def totals(stated: float, parts: Sequence[float]) -> bool:
    """Whether `stated` is the sum of the last two or more results stated before it (within 10%)."""
    for n in range(2, len(parts) + 1):
        total = sum(parts[-n:])
        if total > 0 and abs(math.log(stated / total)) <= math.log(1.1):
            return True
    return False
