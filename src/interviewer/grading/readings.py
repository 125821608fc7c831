"""A derivation stated in an answer, and the readings of it that need no search over its operations.

`Derivation` is what `interviewer.grading.arithmetic` reads from a clause: inputs, the operations said, the
result. The readings here are the result of the operations as said, the downtime an availability target
allows, and the two ways a count per period meets the seconds it is spread over.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from interviewer.grading.quantities import Quantity, unit_change


@dataclass(frozen=True)
class Derivation:
    inputs: tuple[Quantity, ...]
    divide: tuple[bool, ...]
    result: Quantity
    context: tuple[Quantity, ...] = ()
    period: float | None = None  # "22 minutes of downtime a month": the result counted per this many seconds
    # its first input said before its clause: others said before that could stand in ("25K a second", "20K of 50K")
    instead: tuple[Quantity, ...] = ()
    carried: bool = False  # its first input was said before its own clause
    busy: bool = False  # its clause names the busy part of a period ("over the 8 peak hours")
    # a time multiplied by a plain count ("thirty seconds times two frames"): the count is per unit of that time
    timed_count: bool = False
    fanned: bool = False  # a per-request count times a load said before: multiplied, never divided
    # per input: said after "times" or "×", so never read as a divisor ("times 32 layers, times 8 heads")
    multiplied: tuple[bool, ...] = ()


def periods_said(d: Derivation) -> bool:
    """Whether an input counts the periods itself: "45 thousand a day, times thirty, is 1.35 million a month",
    "400M a day, divided by 86,400, is 4.6K a second"."""
    if not d.result.per_seconds:
        return False
    ratios = [
        d.result.per_seconds / q.per_seconds
        for q in d.inputs
        if q.per_seconds and q.per_seconds < d.result.per_seconds
    ] + [
        # "400M a day. Divide by 86,400: about 4.6K a second": the seconds of the input's period, said bare
        q.per_seconds / d.result.per_seconds
        for q in d.inputs
        if q.per_seconds and q.per_seconds > d.result.per_seconds
    ]
    return any(
        q.kind == "count" and not q.per_seconds and any(abs(q.value - r) <= 0.05 * r for r in ratios)
        for q in d.inputs
    )


def period_slip(d: Derivation, signs: Sequence[bool]) -> Quantity | None:
    """The duration a count per period is divided by when it is much shorter than that period and no busy
    part of it is named: a day's requests spread over an hour's seconds."""
    if d.busy or len(d.inputs) != 2 or not signs[0]:
        return None
    rate, span = d.inputs
    if not (rate.per_seconds and rate.per_seconds >= 3600 and span.kind == "duration"):
        return None
    return span if span.si < rate.per_seconds / 2 else None


def downtime_reading(d: Derivation) -> float | None:
    """For "99.95% availability is 22 minutes a month": the downtime the target allows over the period."""
    targets = [q for q in d.inputs if q.kind == "percent" and q.value >= 0.9]
    if not targets or d.result.kind != "duration" or d.period is None:
        return None
    return (1 - targets[0].value) * d.period


def stated_reading(d: Derivation) -> float | None:
    """The result of the operators as stated (multiply unless "divided by"), in the result's terms."""
    if periods_said(d):
        return None  # "3 billion a day, divided by 86,400": the period is not converted again
    if unit_change(d.inputs, d.result, d.divide):
        # "160 thousand core-seconds, divided by sixty, 2,700 core-hours": a change of unit keeps the time
        return d.inputs[0].si
    si, power = d.inputs[0].si, d.inputs[0].time_power
    for q, div in zip(d.inputs[1:], d.divide[1:], strict=True):
        si, power = (si / q.si, power - q.time_power) if div else (si * q.si, power + q.time_power)
    if power != d.result.time_power or si <= 0:
        return None
    return si * d.result.per_seconds if d.result.per_seconds else si


_RESULT_PERIOD = re.compile(r"^\s*(?:[A-Za-z]+\s+){0,3}?(?:a|per|each|every)\s+(day|week|month|year)\b", re.I)
PERIODS = {"day": 86_400.0, "week": 604_800.0, "month": 2_592_000.0, "year": 31_536_000.0}


def period_after(clause: str, q: Quantity) -> float | None:
    """The period, in seconds, said right after an amount ("20 minutes a month"), or None."""
    per = _RESULT_PERIOD.match(clause[q.end : q.end + 40])
    return PERIODS[per.group(1).lower()] if per else None


def same_over_periods(clause: str, said: Quantity, result: Quantity) -> bool:
    """Whether `result` says `said` again over another period (within 25%): "21.6 minutes a month, roughly
    4.5 hours a year"."""
    a, b = period_after(clause, said), period_after(clause, result)
    if not (a and b and a != b and result.value):
        return False
    return abs(said.value / a / (result.value / b) - 1) <= 0.25


# "500 frames a second per GPU": a machine's throughput, not a rate per item
PER_MACHINE = re.compile(r"\s*[a-z-]+\s+(?:a|per|every|each)\s+\w+\s+(?:per|on (?:a|one|each)|each)\b", re.I)
_NOUN = re.compile(r"\s*(?:[a-z]+-)?([a-z]{3,}s)\b", re.I)


def noun_after(clause: str, q: Quantity) -> str:
    """The plural noun a number counts ("600 million frames" -> "frames"), or ""."""
    m = _NOUN.match(clause, q.end)
    return (
        m.group(1).lower() if m and m.group(1).lower() not in ("seconds", "hours", "minutes", "days") else ""
    )


def per_item(step: Derivation, clause: str, rates: dict[str, Quantity]) -> Derivation:
    """A step whose result counts what a rate said in the sentence before counts, and none of its own inputs
    does, multiplies by that rate: "I'll sample two frames a second. Ten million videos a day at 30 seconds is
    600 million frames"."""
    noun = noun_after(clause, step.result) if step.result.start or step.result.end else ""
    rate = rates.get(noun)
    if (
        rate is None
        or step.instead
        or step.carried
        or any(q.value == rate.value or noun_after(clause, q) == noun for q in step.inputs)
        or not any(q.kind == "duration" for q in step.inputs)
    ):
        return step
    period = next((q.per_seconds for q in step.inputs if q.per_seconds), None)
    return replace(
        step,
        # "600 million frames" from ten million videos a day: that day's frames
        result=step.result if step.result.per_seconds else replace(step.result, per_seconds=period),
        inputs=(*step.inputs, rate),
        divide=(*step.divide, False),
        multiplied=(*step.multiplied, False) if step.multiplied else (),
    )
