"""Amounts scaled by time, per item or by a factor, said far from what the candidate's own numbers give.

- Machine-hours a day read as machines: "about 83 GPU-hours a day, which means 83 GPUs busy around the clock"
  (about 3.5 GPUs).
- A day's amount said again as a longer period's: "so forty-five thousand. Over a month that's still around
  forty-five thousand" (thirty times that).
- One item's price far from the price per thousand or million said: "At ten cents per thousand, ... a full cent,
  which is what each email costs" (a hundredth of a cent).
- An amount grown by a factor said in words: "about four GPUs ... If uploads triple, that's about twelve hundred
  GPUs" (twelve).
- A period multiplied in: "each pinging once every four seconds" ... "five hundred thousand couriers times four is
  two million pings a second" (a hundred and twenty-five thousand).

Each is a slip only when the stated amount is more than twice off (`TOLERANCE`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from interviewer.grading.delivery import strip_fillers
from interviewer.grading.quantities import Quantity, quantities, words_to_digits

TOLERANCE = 2.0


@lru_cache(maxsize=8192)
def _plain(text: str) -> str:
    """`text` as the readers here read it: fillers out, numbers in digits."""
    return words_to_digits(strip_fillers(text))


_UNIT_WORD = re.compile(r"\s*([a-z]+(?:-[a-z]+)?)", re.I)


def unit_word(text: str, q: Quantity) -> str:
    """The unit said right after an amount ("4 GPUs" -> "gpus")."""
    m = _UNIT_WORD.match(text, q.end)
    return m.group(1).lower() if m else ""


_MACHINE = r"(?:GPU|core|CPU|machine|server|instance|node|replica|worker)"
# "about 83 GPU-hours a day, which means 83 GPUs busy around the clock"
_CLOCK = re.compile(
    rf"\b(\d[\d,]*(?:\.\d+)?)\s*{_MACHINE}[- ]hours?\s+(?:a|per|each)\s+day\b[^.;]{{0,40}}?"
    rf"\b(?:means?|so|is|that's|which is|or|about|roughly|call it)\b[^.;\d]{{0,20}}?(\d[\d,]*(?:\.\d+)?)\s*"
    rf"(?:more\s+|extra\s+)?{_MACHINE}s?\b[^.;]{{0,30}}?\b(?:around the clock|all day|24/7|continuously|"
    rf"full[- ]time|non-?stop|day and night)",
    re.I,
)


@dataclass(frozen=True)
class ClockSlip:
    hours: float  # machine-hours a day
    machines: float  # the machines said to run all day

    challenge: str = "How many machines does a day's worth of machine-hours keep busy? Walk me through it."

    @property
    def why(self) -> str:
        return (
            f"{self.hours:g} machine-hours a day keep about {self.hours / 24:.1f} machines busy around the clock, "
            f"not {self.machines:g}: a machine running all day gives 24 hours."
        )


def clock_slip(sentence: str) -> ClockSlip | None:
    """Machine-hours a day taken as the number of machines running all day: "83 GPU-hours a day, which means 83
    GPUs busy around the clock" (about 3.5 GPUs)."""
    if "hour" not in sentence.lower():
        return None
    match = _CLOCK.search(_plain(sentence))
    if not match:
        return None
    hours, machines = (float(g.replace(",", "")) for g in match.groups())
    if hours <= 0 or machines <= 0 or 1 / TOLERANCE <= machines * 24 / hours <= TOLERANCE:
        return None
    return ClockSlip(hours, machines)


# "Over a month that's still around forty-five thousand": the amount said before, over a longer period
_OVER_LONGER = re.compile(
    r"^\W*(?:so\s+)?(?:over|across|for|in)\s+(?:a|the|one|each)\s+(week|month|quarter|year)\b,?\s*"
    r"(?:that's|that is|it's|it is|this is|we're at|we are at)\s+(?:still\s+)?"
    r"(?:about|around|roughly|only|just|some|call it|approximately)?\s*\$?(\d[\d,]*(?:\.\d+)?)",
    re.I,
)
_DAILY = re.compile(r"\b(?:a|per|each|every)\s+day\b|\bdaily\b", re.I)
_LONGER_AFTER = re.compile(r"\s*(?:[a-z]+\s+)?(?:a|per|each|every)\s+(?:week|month|quarter|year)\b", re.I)
_DAYS = {"week": 7, "month": 30, "quarter": 91, "year": 365}


@dataclass(frozen=True)
class OverSlip:
    daily: float  # the amount said a day
    period: str  # the longer period
    stated: float

    challenge: str = "That was a day's figure. What does it come to over the whole period?"

    @property
    def why(self) -> str:
        total = self.daily * _DAYS[self.period]
        return f"At {self.daily:,.0f} a day, a {self.period} comes to about {total:,.0f}, not {self.stated:,.0f}."


def over_slip(sentence: str, before: str) -> OverSlip | None:
    """A day's amount said again as a longer period's: "... so forty-five thousand. Over a month that's still
    around forty-five thousand" (a month is thirty times that)."""
    if not before or not re.match(r"\W*(?:so\s+)?(?:over|across|for|in)\s", sentence, re.I):
        return None
    match = _OVER_LONGER.match(_plain(sentence))
    if not match:
        return None
    said = _plain(before)
    amounts = [q for q in quantities(said) if q.kind == "count" and q.value > 0]
    if not amounts or not _DAILY.search(said) or _LONGER_AFTER.match(said, amounts[-1].end):
        return None
    stated, daily = float(match.group(2).replace(",", "")), amounts[-1].value
    days = _DAYS[match.group(1).lower()]
    if not 1 / TOLERANCE <= stated / daily <= TOLERANCE:
        return None  # a new amount, checked (if at all) as a derivation
    return OverSlip(daily, match.group(1).lower(), stated) if days > 2 * TOLERANCE else None


# "At ten cents per thousand, ..." / "$0.15 per million tokens": a price for a block of items
_BLOCK_PRICE = re.compile(
    r"(?:\$\s*(\d+(?:\.\d+)?)|(\d+(?:\.\d+)?)\s*cents?)\s+(?:per|a|for every|every)\s+(thousand|million|1,?000(?:,?000)?)\b",
    re.I,
)
# "... to beat a full cent, which is what each email costs", "each email costs about a cent"
_EACH_COSTS = re.compile(
    r"(?:(?:(?:a|one)\s+(half|tenth|hundredth|thousandth|\d+th)\s+of\s+)?(?:a|one)\s+(?:full\s+|whole\s+)?cent|"
    r"(\d+(?:\.\d+)?)\s*cents?|\$\s*(\d+(?:\.\d+)?))\W+"
    r"(?:which is |that's |that is |is )?what (?:each|every|one|a single) \w+ costs"
    r"|\b(?:each|every|one|a single) \w+ costs (?:us )?(?:about |roughly |around )?"
    r"(?:(?:(?:a|one)\s+(half|tenth|hundredth|thousandth|\d+th)\s+of\s+)?(?:a|one)\s+(?:full\s+)?cent|"
    r"(\d+(?:\.\d+)?)\s*cents?|\$\s*(\d+(?:\.\d+)?))",
    re.I,
)
_PART_OF_CENT = {"half": 0.5, "tenth": 0.1, "hundredth": 0.01, "thousandth": 0.001}


@dataclass(frozen=True)
class UnitPriceSlip:
    unit: float  # dollars per item, from the block price said
    stated: float  # dollars per item, as said

    challenge: str = "What does one item cost at that price per block? Walk me through it."

    @property
    def why(self) -> str:
        return (
            f"At the price per block you gave, one item costs about ${self.unit:.4g}, not ${self.stated:.4g}."
        )


def unit_price_slip(sentence: str, earlier: Sequence[str]) -> UnitPriceSlip | None:
    """The price of one item said far from the price per thousand or million said before it: "At ten cents per
    thousand, ... a full cent, which is what each email costs" (a hundredth of a cent)."""
    if "cost" not in sentence.lower():
        return None
    each = _EACH_COSTS.search(_plain(sentence))
    if not each:
        return None
    blocks = list(_BLOCK_PRICE.finditer(_plain(" ".join([*earlier[-2:], sentence]))))
    if not blocks:
        return None
    block = blocks[-1]
    dollars = float(block.group(1)) if block.group(1) else float(block.group(2)) / 100
    size = 1e6 if block.group(3).lower().replace(",", "") in ("million", "1000000") else 1e3
    part = next((g for g in (each.group(1), each.group(4)) if g), None)
    cents = next((g for g in (each.group(2), each.group(5)) if g), None)
    usd = next((g for g in (each.group(3), each.group(6)) if g), None)
    share = _PART_OF_CENT.get(
        str(part).lower(), 1 / float(part[:-2]) if part and part[:-2].isdigit() else 1.0
    )
    stated = float(cents) / 100 if cents else float(usd) if usd else 0.01 * share
    unit = dollars / size
    if unit <= 0 or 1 / TOLERANCE <= stated / unit <= TOLERANCE:
        return None
    return UnitPriceSlip(unit, stated)


_GROWTH_WORD = re.compile(r"\b(?:doubles?|triples?|quadruples?|grows?|rises?|goes up|jumps?)\b", re.I)
_TIMES_WORD = re.compile(r"\b(?:times|multiplied by)\b|[x×]", re.I)
_FACTOR_WORDS = {
    "double": 2.0,
    "doubles": 2.0,
    "triple": 3.0,
    "triples": 3.0,
    "quadruple": 4.0,
    "quadruples": 4.0,
}
# "If uploads triple during a major event, that's about twelve hundred GPUs' worth of frames"
_GROWN = re.compile(
    r"\b(?:(double|doubles|triple|triples|quadruple|quadruples)|(?:grows?|rises?|goes up|jumps?)\s+(\d+(?:\.\d+)?)\s*"
    r"(?:x|times|-fold))\b[^.;]{0,60}?\b(?:that's|that is|it's|it is|we need|we'd need|means|gives)\s+"
    r"(?:about |roughly |around |some |nearly )?(\d[\d,]*(?:\.\d+)?)\s+([A-Za-z]+)",
    re.I,
)


@dataclass(frozen=True)
class GrowthSlip:
    before: float  # the amount said before
    factor: float
    stated: float
    noun: str

    challenge: str = "If the load grows by that factor, how many do you need? Walk me through it."

    @property
    def why(self) -> str:
        return (
            f"{self.factor:g} times the {self.before:g} {self.noun} said before is about "
            f"{self.before * self.factor:g}, not {self.stated:g}."
        )


def growth_slip(sentence: str, earlier: Sequence[str]) -> GrowthSlip | None:
    """An amount grown by a factor said in words, far from that factor times the same amount said just before:
    "about four GPUs ... If uploads triple, that's about twelve hundred GPUs" (twelve)."""
    if not earlier or not _GROWTH_WORD.search(sentence):
        return None
    match = _GROWN.search(_plain(sentence))
    if not match:
        return None
    factor = _FACTOR_WORDS[match.group(1).lower()] if match.group(1) else float(match.group(2))
    stated, noun = float(match.group(3).replace(",", "")), match.group(4).lower().rstrip("'")
    said = _plain(earlier[-1])
    same = [
        q.value
        for q in quantities(said)
        if q.kind == "count" and unit_word(said, q).rstrip("'") == noun and q.value > 0
    ]
    if not same or factor <= 1:
        return None
    expected = same[-1] * factor
    return (
        None
        if 1 / TOLERANCE <= stated / expected <= TOLERANCE
        else GrowthSlip(same[-1], factor, stated, noun)
    )


# "each pinging once every four seconds" ... "five hundred thousand couriers times four is two million a second"
_EVERY = re.compile(r"\bevery\s+(\d+(?:\.\d+)?)\s*(?:s|secs?|seconds)\b", re.I)
_TIMES_PERIOD = re.compile(
    r"(\d[\d,]*(?:\.\d+)?)\s+[a-z-]+\s+(?:times|multiplied by|x|×)\s+(\d+(?:\.\d+)?)\s+(?:is|gives|makes|=|that's)\s+"
    r"(?:about\s+|roughly\s+|around\s+)?(\d[\d,]*(?:\.\d+)?)\s+[a-z-]+\s+(?:a|per)\s+(?:s|sec|second)\b",
    re.I,
)


@dataclass(frozen=True)
class PeriodFactorSlip:
    count: float
    period: float
    stated: float

    challenge: str = "Each one sends once every few seconds. How many a second is that from the whole fleet?"

    @property
    def why(self) -> str:
        return (
            f"Once every {self.period:g} seconds divides by {self.period:g}: {self.count:,.0f} senders give about "
            f"{self.count / self.period:,.0f} a second, not {self.stated:,.0f}."
        )


def period_factor_slip(sentence: str, earlier: Sequence[str]) -> PeriodFactorSlip | None:
    """A period said as "every N seconds" multiplied in instead of divided: "each pinging once every four seconds"
    then "five hundred thousand couriers times four is two million pings a second" (125 thousand)."""
    if "every" not in " ".join([*earlier[-3:], sentence]).lower() or not _TIMES_WORD.search(sentence):
        return None
    said = _plain(" ".join([*earlier, sentence]))
    periods = {float(m.group(1)) for m in _EVERY.finditer(said)}
    match = _TIMES_PERIOD.search(_plain(sentence))
    if not match or not periods:
        return None
    count, factor, stated = (float(g.replace(",", "")) for g in match.groups())
    if factor not in periods or factor <= 1 or not math.isclose(stated, count * factor, rel_tol=0.5):
        return None
    return PeriodFactorSlip(count, factor, stated)
