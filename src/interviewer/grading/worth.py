"""What a point of a rate is worth: "each extra point of recall is worth about $27 million a year".

A point of recall (or of any catch rate) is one percent of the amount at stake, which the candidate states
first ("$7.5 million attempted a day, about $2.7 billion a year"). The value they give a point is checked
against one percent of every amount of money said before it, over the point's own period; it is a slip only
when none of them comes within 2x. Amounts said as losses ("we still lose $250 million") are left out: a point
of recall is a share of what is attempted, not of what gets through.

A day's worth is 86,400 seconds of it: "One GPU-day = 30K × 3,600 ≈ 108M tokens" works out a day with an hour's
seconds (`day_slip`), unless the hour is named as one ("at the peak hour, ... divided by 3,600").

A peak factor multiplies the average said before it: "8.7K a second on average. Allowing a peak factor of 2.5,
the peak would be 3.5K a second" divides instead (`peak_slip`). `slip_in` looks for each of these slips, a
break-even threshold solved upside down, and the slips of amounts scaled by time, per item or by a factor
(`scaled.py`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from interviewer.grading.amounts import amount
from interviewer.grading.breakeven import Threshold, threshold_slip
from interviewer.grading.delivery import strip_fillers
from interviewer.grading.kvcache import LayerSlip, layer_slip
from interviewer.grading.quantities import Quantity, quantities, words_to_digits
from interviewer.grading.scaled import (
    ClockSlip,
    GrowthSlip,
    OverSlip,
    PeriodFactorSlip,
    UnitPriceSlip,
    clock_slip,
    growth_slip,
    over_slip,
    period_factor_slip,
    unit_price_slip,
    unit_word,
)

_POINT = re.compile(
    r"\b(?:each|every|one|a|an|per)\s+(?:(?:extra|additional|more|single)\s+)?(?:percentage\s+)?point\s+of\s+"
    r"(?:recall|catch rate|detection(?: rate)?|coverage)\b[^.;]{0,40}?\b(?:is|'s|are)?\s*"
    r"(?:worth|saves?|buys?|brings?|adds?|recovers?)\b",
    re.I,
)
_LOSS = re.compile(r"\b(?:lose|loses|losing|lost|losses|loss|leaks?|leaking|chargebacks?)\b", re.I)
TOLERANCE = 2.0


@dataclass(frozen=True)
class PointSlip:
    stated: Quantity  # the value given to a point
    nearest: float  # one percent of the closest amount said before, in the stated value's terms

    challenge: str = "What is one point of recall out of the amount at stake? Walk me through it."

    @property
    def why(self) -> str:
        return (
            f"One point is one percent of the amount at stake you stated: about ${amount(self.nearest, self.stated)}, "
            f"not ${amount(self.stated.value, self.stated)}."
        )


def point_slip(sentence: str, before: str) -> PointSlip | None:
    """The value `sentence` gives a point of recall when it is not one percent of any amount said `before`."""
    text = words_to_digits(strip_fillers(sentence))
    match = _POINT.search(text)
    if not match:
        return None
    stated = next((q for q in quantities(text[match.end() :]) if q.kind == "money"), None)
    if stated is None or stated.value <= 0:
        return None
    earlier = words_to_digits(strip_fillers(f"{before} {text[: match.start()]}"))
    bases = [
        q
        for q in quantities(earlier)
        if q.kind == "money" and q.value > stated.value and not _LOSS.search(_around(earlier, q))
    ]
    if not bases:
        return None
    points = [0.01 * _over(q, stated.per_seconds) for q in bases]
    nearest = min(points, key=lambda p: abs(math.log(stated.value / p)))
    factor = max(stated.value / nearest, nearest / stated.value)
    return PointSlip(stated, nearest) if factor > TOLERANCE else None


def _around(text: str, q: Quantity) -> str:
    """The three words either side of an amount."""
    left = text[: q.start].split()[-3:]
    right = text[q.end :].split()[:3]
    return " ".join([*left, *right])


def _over(q: Quantity, per_seconds: float | None) -> float:
    """An amount over another period: a day's $7.5 million is $2.7 billion a year; amounts without a period
    are taken as they are."""
    if not q.per_seconds or not per_seconds:
        return q.value
    return q.value * per_seconds / q.per_seconds


# "One GPU-day = 30K × 3,600 ≈ 108M tokens": a day's worth worked out with an hour's seconds
_DAY_NAMED = re.compile(
    r"\b(?:(?:gpu|machine|node|server|core|replica|instance)[\s-]days?|one day|a day|per day|each day|daily|"
    r"over the day|in a day|the whole day)\b",
    re.I,
)
_HOUR_SECONDS = re.compile(
    r"(?:[×x*÷/]|\btimes\b|\bdivided by\b|\bover\b)\s*3,?600\b|\b3,?600\s*(?:[×x*]|\btimes\b)", re.I
)
# "at the peak hour", "per hour": an hour meant as an hour
_AN_HOUR = re.compile(
    r"\b(?:peak|busiest|busy|prime|evening|single|one)\s+hour\b|\bper hour\b|\ban hour\b|\bhourly\b", re.I
)
_DAY_SECONDS = re.compile(r"86,?400|86\.4\s*k|\b24\s*(?:h|hours?)\b|[×x*]\s*24\b", re.I)


@dataclass(frozen=True)
class DaySlip:
    challenge: str = "How many seconds are there in the day you are counting? Walk me through it."
    why: str = "A day has 86,400 seconds, not 3,600: multiplying by an hour's seconds gives an hour's worth, 24 times too little for a day."


def day_slip(sentence: str) -> DaySlip | None:
    """A day's amount (a GPU-day, a day's tokens) worked out with the 3,600 seconds of an hour."""
    text = words_to_digits(strip_fillers(sentence))
    if _DAY_NAMED.search(text) and _HOUR_SECONDS.search(text) and not _DAY_SECONDS.search(text):
        return None if _AN_HOUR.search(text) else DaySlip()
    return None


_PEAK_FACTOR = re.compile(
    r"\bpeak(?:-to-average)?(?:\s+(?:factor|ratio|multiplier))?\s+of\s+(?:about\s+|roughly\s+|around\s+)?"
    r"(\d+(?:\.\d+)?)\b(?!\s*(?:%|percent|ms|s\b|seconds?))",
    re.I,
)
# "the afternoon peak runs about three times the mean", "if the peak is twice the average"
_TIMES_MEAN = re.compile(
    r"\b(?:(\d+(?:\.\d+)?)\s*(?:times|x|×)|(twice|double))\s+(?:the\s+|our\s+|that\s+|its\s+)?"
    r"(?:daily\s+)?(?:mean|average)\b(?!\s+(?:of|for)\b)",
    re.I,
)


@dataclass(frozen=True)
class PeakSlip:
    average: Quantity  # the average rate said before
    factor: float
    stated: Quantity  # the peak the candidate gave

    challenge: str = "Walk me through the peak: which way does the peak factor move the average?"

    @property
    def why(self) -> str:
        peak = self.average.value * self.factor
        return (
            f"A peak factor of {self.factor:g} on an average of {self.average.value:,.0f} a second gives about "
            f"{peak:,.0f} a second at peak, not {self.stated.value:,.0f}."
        )


def peak_slip(sentence: str, before: str) -> PeakSlip | None:
    """The peak `sentence` states from a peak factor applied to the average rate said in `before` (or earlier in
    the sentence), when it is off by more than twice: "8.7K a second on average. Allowing a peak factor of 2.5,
    the evening peak would be 3.5K a second" divided where it should multiply."""
    if "peak" not in sentence.lower():
        return None
    text = words_to_digits(strip_fillers(sentence))
    match = _PEAK_FACTOR.search(text) or _TIMES_MEAN.search(text)
    if not match or (factor := float(match.group(1) or 2)) <= 1:
        return None
    stated = next((q for q in quantities(text[match.end() :]) if q.kind == "count" and q.per_seconds), None)
    said = [q for q in quantities(f"{words_to_digits(strip_fillers(before))} {text[: match.start()]}")]
    average = next((q for q in reversed(said) if q.kind == "count" and q.per_seconds == 1.0), None)
    if stated is None or average is None or stated.per_seconds != average.per_seconds or average.value <= 0:
        return None
    ratio = stated.value / (average.value * factor)
    return PeakSlip(average, factor, stated) if not 0.5 <= ratio <= 2.0 else None


_RECAP = re.compile(r"^\W*(?:so,?\s+)?(?:to recap|in short|to sum (?:it )?up|bottom line|in sum)\b", re.I)


@dataclass(frozen=True)
class RecapSlip:
    said: Quantity  # the amount worked out earlier in the answer
    stated: Quantity  # the same amount as the recap gives it
    noun: str

    challenge: str = "Your recap and your working give different numbers. Which one holds, and why?"

    @property
    def why(self) -> str:
        return (
            f"The recap says about {_as_said(self.stated)} {self.noun}, but the answer worked out about "
            f"{_as_said(self.said)} {self.noun} before."
        )


def _as_said(q: Quantity) -> str:
    return f"{q.spoken:,.0f}" if q.spoken >= 100 else f"{q.spoken:g}"


def recap_slip(sentence: str, earlier: Sequence[str]) -> RecapSlip | None:
    """A closing recap that gives an amount worked out earlier with another value, more than twice off: "... about
    1,250 core-hours ... So, to recap: about 125 core-hours a night"."""
    if not _RECAP.match(sentence) or not earlier:
        return None
    text, before = words_to_digits(strip_fillers(sentence)), words_to_digits(strip_fillers(" ".join(earlier)))
    said = [(q, unit_word(before, q)) for q in quantities(before) if q.kind in ("duration", "bytes")]
    for q in quantities(text):
        noun = unit_word(text, q)
        same = [s for s, n in said if n == noun and s.kind == q.kind] if noun else []
        if same and q.value > 0 and all(not 0.5 <= q.value / s.value <= 2.0 for s in same if s.value > 0):
            return RecapSlip(same[-1], q, noun)
    return None


Slip = (
    Threshold
    | PointSlip
    | DaySlip
    | PeakSlip
    | LayerSlip
    | RecapSlip
    | ClockSlip
    | OverSlip
    | UnitPriceSlip
    | GrowthSlip
    | PeriodFactorSlip
)


def slip_in(sentence: str, earlier: Sequence[str]) -> Slip | None:
    """A slip `sentence` makes in a calculation of a known shape, given the sentences said before it: a
    break-even threshold, a point of recall's worth, a day's seconds, a peak factor, a KV cache's layers, a
    recap that gives an amount worked out before with another value, machine-hours a day read as machines, a
    day's amount said again as a longer period's, one item's price far from the price per block said, or an amount
    grown by a factor said in words far from that factor times the amount said before."""
    return (
        threshold_slip(sentence)
        or point_slip(sentence, " ".join(earlier))
        or day_slip(sentence)
        or peak_slip(sentence, earlier[-1] if earlier else "")
        or layer_slip(sentence, earlier)
        or recap_slip(sentence, earlier)
        or clock_slip(sentence)
        or over_slip(sentence, earlier[-1] if earlier else "")
        or unit_price_slip(sentence, earlier)
        or growth_slip(sentence, earlier)
        or period_factor_slip(sentence, earlier)
    )
