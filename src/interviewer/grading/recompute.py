"""A stated derivation recomputed from the candidate's own numbers, every plausible way they may have meant it.

A result is consistent when some reading of the inputs (every way of multiplying and dividing them, with units
and as bare numbers, with a factor of ten stated earlier and left unsaid) comes within 2x of it; when every
operation between two bare numbers is said ("sixty over 0.23"), only that reading counts. The factors of ten a
reading may multiply in are the powers of ten said before the step (`scale_context`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import replace

from interviewer.grading.operands import scale_word
from interviewer.grading.quantities import Quantity, unit_change
from interviewer.grading.readings import Derivation, period_slip, periods_said


def best_recomputation(d: Derivation) -> float | None:
    """The recomputed result closest to the stated one, over the plausible readings of the inputs.

    Candidates say "10K QPS and a replica handles 500, that's 20 replicas" as often as "100 at 500 each is
    50K", so every way of multiplying or dividing the inputs is tried. Each is read two ways: with units
    (durations in seconds and rates per second multiply out, "8 hours times 150 an hour" is 1,200), and
    as the bare numbers said. The result is wrong only if no reading comes near; the reading returned is
    in the result's own terms (per its period for a rate, seconds for a duration).
    """
    if d.instead:  # a number said before: whichever of the candidates comes nearest
        found = [
            r
            for alt in (d.inputs[0], *d.instead)
            if (r := best_recomputation(replace(d, inputs=(alt, *d.inputs[1:]), instead=()))) is not None
        ]
        return min(found, key=lambda r: abs(math.log(d.result.value / r))) if found else None
    if any(q.value == 0 or q.spoken == 0 for q in d.inputs):
        return None
    if unit_change(d.inputs, d.result, d.divide):
        # "160 thousand core-seconds, divided by 3,600, about 44 core-hours": the same time
        return d.inputs[0].si
    timeless = not any(q.time_power or q.per_seconds for q in (*d.inputs, d.result))
    if len(d.multiplied) == len(d.inputs) > 2 and all(d.multiplied[1:]) and timeless and not d.fanned:
        # "2 times 32 layers times 8 heads times 2 bytes": a product of amounts said step by step is read as
        # said, when its units work out that way
        product = best_recomputation(replace(d, multiplied=(), fanned=True))
        if product is not None:
            return product
    result = d.result
    readings: list[float] = []
    bare: list[float] = []  # the numbers as said, units ignored: only when no reading's units work out
    # some reading's time units come out as the result's ("a million every 4 seconds": per second)
    exact = False
    as_said: list[float] = []  # the readings of the operations the candidate said
    said_bare = math.nan
    for signs in itertools.product((False, True), repeat=len(d.inputs) - 1):
        if d.fanned and any(signs):
            continue
        count = len(readings)
        si, spoken, power = d.inputs[0].si, d.inputs[0].spoken, d.inputs[0].time_power
        money, size = int(d.inputs[0].kind == "money"), int(d.inputs[0].kind == "bytes")
        for q, div in zip(d.inputs[1:], signs, strict=True):
            si = si / q.si if div else si * q.si
            spoken = spoken / q.spoken if div else spoken * q.spoken
            power = power - q.time_power if div else power + q.time_power
            money += (-1 if div else 1) * (q.kind == "money")
            size += (-1 if div else 1) * (q.kind == "bytes")
        # Dollars come from a price times an amount (a result may leave its currency unsaid: "3,750 dollars
        # a day, which is about 112 thousand a month"), bytes from bytes.
        money_ok = (
            money == 1 if result.kind == "money" else money == 0 or (money == 1 and result.kind == "count")
        )
        if not money_ok or size != (result.kind == "bytes"):
            continue
        slip = period_slip(d, signs)
        if slip is not None and power + 1 == result.time_power and result.per_seconds:
            # "three billion a day, spread over the 3,600 seconds": a count per day spreads over a day's
            # seconds; over fewer it is the busy part only when the candidate says so
            readings.append(si * slip.si * result.per_seconds)
            exact = True
        elif power == result.time_power:
            readings.append(si * result.per_seconds if result.per_seconds else si)
            exact = True
        elif result.per_seconds and power == 0:
            readings.append(si)  # a total the candidate states per period ("2.4 million reviews a day")
        bare.append(spoken * (result.value / result.spoken))
        if signs == d.divide[1 : len(d.inputs)]:
            as_said += readings[count:]
            said_bare = bare[-1]
    if periods_said(d):
        readings, as_said = bare, [said_bare]  # the days are a factor said: the period is not converted again
    elif not exact or d.timed_count:
        # "thirty seconds times two frames": frames a second, the rate left unsaid
        readings += bare
        as_said.append(said_bare)
    if any(q.kind == "percent" and q.value >= 0.9 for q in d.inputs):
        # "99.95% availability is 22 minutes of downtime a month": the complement, over the result's period
        down = math.prod(1 - q.value if q.kind == "percent" and q.value >= 0.9 else q.si for q in d.inputs)
        readings += [down, down * (d.period or 1.0)]
        as_said += [down, down * (d.period or 1.0)]
    # "sixty over 0.23 is twenty-six": two bare numbers and the division said, so only that reading counts
    bare_pair = len(d.inputs) == 2 and all(
        q.kind == "count" and not q.time_power and not q.per_seconds for q in (*d.inputs, result)
    )
    if bare_pair and d.divide[1:2] == (True,) and not d.context and 0 < said_bare < math.inf:
        readings = [said_bare]
    used = {q.value for q in d.inputs}
    for factor in d.context:  # a factor stated earlier and left unsaid here, with the operations said
        if factor.value not in used:
            readings += [r * factor.value for r in as_said] + [r / factor.value for r in as_said]
    stated = result.value
    finite = [r for r in readings if r > 0 and math.isfinite(r)]
    if not finite:
        return None
    return min(finite, key=lambda r: abs(math.log(stated / r)))


def scale_context(said: Sequence[Quantity]) -> tuple[Quantity, ...]:
    """The powers of ten said before a step that it may leave unsaid: "a thousand", "a million", and the
    million a price was said per ("... at fifteen cents per million is $9K, and sixty billion output at sixty
    cents is $36K")."""
    return tuple(
        q if q.per == 1.0 else Quantity(q.per, q.start, q.end)
        for q in said
        if (q.kind == "count" and not q.per_seconds and scale_word(q.value)) or q.per > 1
    )
