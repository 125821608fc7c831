"""Downtime said in one sentence against the availability target said in another.

"Quoting is four nines, so the budget is 0.01 percent of a thirty-day month. A month is 43,200 minutes, so
that gives us roughly seven hours of downtime." The target and the downtime sit in different sentences, so
the one-clause derivations of `arithmetic` never pair them. `downtime_error` keeps the last availability
target an answer states ("four nines", "99.95% uptime", "a budget of 0.01 percent") and checks a later
sentence's downtime against it over the period that sentence (or the one before) names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from interviewer.grading.amounts import amount
from interviewer.grading.quantities import Quantity, quantities, words_to_digits
from interviewer.grading.readings import PERIODS

_NINES = {
    "two": 0.99,
    "three": 0.999,
    "four": 0.9999,
    "five": 0.99999,
    "2": 0.99,
    "3": 0.999,
    "4": 0.9999,
    "5": 0.99999,
}
_NINES_SAID = re.compile(r"\b(two|three|four|five|[2-5])(?: and a half)? nines\b", re.I)
_AVAILABILITY = re.compile(r"\b(?:availab\w*|uptime|up time|sla|slo|nines)\b", re.I)
_BUDGET = re.compile(r"\b(?:downtime|down time|error budget|budget|allowed to be down|outage)\b", re.I)
_DOWNTIME = re.compile(
    r"\b(?:downtime|down time|of outage|to be down|down for|offline for|error budget)\b", re.I
)
_PERIOD_WORD = re.compile(r"\b(?:a|per|each|every|one|(\d+)[- ]day)\s+(day|week|month|year)\b", re.I)
TOLERANCE = 2.0


@dataclass(frozen=True)
class DowntimeError:
    sentence: str
    allowed: float  # seconds of downtime the target allows over the period
    stated: float  # seconds the sentence says
    period: float

    @property
    def factor(self) -> float:
        return max(self.allowed / self.stated, self.stated / self.allowed)


def availability_target(sentence: str) -> float | None:
    """The availability a sentence states, as a fraction ("four nines" -> 0.9999), or None."""
    said = _NINES_SAID.search(sentence)
    if said:
        value = _NINES[said.group(1).lower()]
        return 1 - (1 - value) / 2 if "half" in said.group(0).lower() else value
    text = words_to_digits(sentence)
    for q in quantities(text):
        if q.kind != "percent":
            continue
        if 0.9 <= q.value < 1 and _AVAILABILITY.search(text):
            return q.value
        if q.value <= 0.01 and _BUDGET.search(text):
            return 1 - q.value  # "the budget is 0.01 percent"
    return None


def _period(text: str, durations: list[Quantity]) -> float | None:
    match = _PERIOD_WORD.search(text)
    if match:
        days = match.group(1)
        return float(days) * 86_400.0 if days else PERIODS[match.group(2).lower()]
    long = [q.value for q in durations if q.value >= 86_400.0]
    return max(long) if long else None


def downtime_error(sentence: str, target: float, before: str = "") -> DowntimeError | None:
    """The downtime `sentence` states, checked against `target` over its period, when off by over 2x."""
    if not _DOWNTIME.search(sentence) or availability_target(sentence) is not None:
        return None  # a sentence that states its own target is checked by the one-clause derivations
    text = words_to_digits(sentence)
    durations = [q for q in quantities(text) if q.kind == "duration"]
    earlier = words_to_digits(before)
    period = _period(text, durations) or _period(
        earlier, [q for q in quantities(earlier) if q.kind == "duration"]
    )
    stated = [q for q in durations if period is not None and q.value < period / 2]
    if period is None or not stated:
        return None
    allowed = (1 - target) * period
    said = stated[-1].value
    if allowed <= 0 or said <= 0:
        return None
    error = DowntimeError(sentence, allowed, said, period)
    return error if error.factor > TOLERANCE else None


DOWNTIME_CHALLENGE = "How much downtime does that availability target leave you? Walk me through it."


def downtime_slip(sentence: str, target: float, before: str, serious: float) -> tuple[str, bool] | None:
    """Why `sentence` is wrong, and whether seriously, when it states a downtime that does not fit the
    availability `target` an earlier sentence stated; `serious` is the factor from which it is serious."""
    error = downtime_error(sentence, target, before)
    if error is None:
        return None
    like = Quantity(error.stated, 0, 0, "duration")
    why = (
        f"At {target * 100:g}% availability, {amount(error.period, like)} allow about "
        f"{amount(error.allowed, like)} of downtime, not {amount(error.stated, like)}."
    )
    return why, error.factor >= serious
