"""Numbers in what a candidate says: values with magnitudes and units, in digits or in words.

`quantities` finds "500 million daily users", "5 loads a day", "2.9M requests per second", "ten minutes",
"half a billion", "60%" and "200 ms" and reads each as a `Quantity`: a value, the thing counted, and the
time it is counted over. Spelled-out numbers are read by `text2num`; magnitudes (K, M, B, thousand,
million, billion) and units here. The arithmetic checker (`interviewer.grading.claims`) builds on it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from text_to_num import alpha2digit

from interviewer.grading.notation import TIME_AFTER, plain_powers

_MAGNITUDES = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mm": 1e6,
    "mn": 1e6,
    "million": 1e6,
    "millions": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
    "billions": 1e9,
    "t": 1e12,
    "trillion": 1e12,
}
_SECONDS = {
    "ms": 1e-3,
    "millisecond": 1e-3,
    "milliseconds": 1e-3,
    "s": 1.0,
    "sec": 1.0,
    "secs": 1.0,
    "second": 1.0,
    "seconds": 1.0,
    "min": 60.0,
    "mins": 60.0,
    "minute": 60.0,
    "minutes": 60.0,
    "h": 3600.0,
    "hr": 3600.0,
    "hrs": 3600.0,
    "hour": 3600.0,
    "hours": 3600.0,
    "day": 86_400.0,
    "days": 86_400.0,
    "week": 604_800.0,
    "weeks": 604_800.0,
    "month": 2_592_000.0,
    "months": 2_592_000.0,
    "year": 31_536_000.0,
    "years": 31_536_000.0,
    # as typed: "$112k/mo", "2.7B/yr", "10k/wk"
    "mo": 2_592_000.0,
    "wk": 604_800.0,
    "wks": 604_800.0,
    "yr": 31_536_000.0,
    "yrs": 31_536_000.0,
}
_BYTES = {"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12, "pb": 1e15}
for _prefix, _size in (("kilo", 1e3), ("mega", 1e6), ("giga", 1e9), ("tera", 1e12), ("peta", 1e15)):
    _BYTES[f"{_prefix}bytes"] = _BYTES[f"{_prefix}byte"] = _size
_BYTES.update(
    {
        "byte": 1.0,
        "bytes": 1.0,
        "gig": 1e9,
        "gigs": 1e9,
        "meg": 1e6,
        "megs": 1e6,
        "gib": 2**30,
        "mib": 2**20,
        "tib": 2**40,
    }
)
_RATE_WORDS = {"qps": 1.0, "rps": 1.0, "tps": 1.0}
_PART_OF = {"half": "0.5", "a quarter of": "0.25", "a tenth of": "0.1"}
_PART_OF_PERCENT = {
    "half": "0.5",
    "a half": "0.5",
    "a quarter of": "0.25",
    "a tenth of": "0.1",
    "a hundredth of": "0.01",
}
_PARTS = {"tenth": 10, "hundredth": 100, "thousandth": 1000}
_QUARTERS = {"a": 0.25, "one": 0.25, "two": 0.5, "three": 0.75}
_FRACTIONS = {"half": 0.5, "a half": 0.5, "a third": 1 / 3, "a quarter": 0.25, "quarter": 0.25}

# A number in digits, possibly with thousands separators, a decimal point, a magnitude and a unit.
_NUMBER = re.compile(
    r"(?<![\w.])(?P<cur>\$)?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<mag>k|mm|mn|m|bn|b|t|thousand|millions?|billions?|trillion)\b)?"
    r"(?:\s?(?P<mag2>thousand|millions?|billions?))?"
    r"(?P<pct>\s?%|\s?percent\b)?",
    re.I,
)
_PER = re.compile(
    r"^\s*(?:times\s+(?=(?:per|a|an|each|every)\b))?(?:(?!times\b|is\b|at\b|so\b)[A-Za-z][A-Za-z'-]*(?:\s+|(?=/))){0,3}?(?:(?:per|a|an|each|every|in(?=\s+(?:day|week|month|year)\b))\s+|/\s*|per(?=ms\b|s\b))(?:(?:gpu|node|machine|core|cpu|instance|server|replica|worker)-)?(?P<unit>ms|milliseconds?|s|secs?|seconds?|mins?|minutes?|"
    r"hours?|hrs?|h|days?|weeks?|wks?|months?|mo|years?|yrs?)\b",
    re.I,
)
_MONEY_AFTER = re.compile(r"^\s*(?:of an? )?(?:dollars?|usd|euros?|eur|cents?|bucks)\b", re.I)
_BITS = {"bit": 1.0, "kilobit": 1e3, "megabit": 1e6, "gigabit": 1e9, "terabit": 1e12, "gbit": 1e9}
_BITS |= {f"{k}s": v for k, v in list(_BITS.items())} | {"kbps": 1e3, "mbps": 1e6, "gbps": 1e9, "tbps": 1e12}
_LINK = re.compile(
    r"^[\s-]*(?:per sec\w*|a sec\w*|/\s?s\b|links?|connections?|network|nics?|ethernet|pipe|uplink)", re.I
)
_UNIT_AFTER = re.compile(
    # "44 core-hours", "160 thousand GPU-seconds": machine time, a duration
    # "60 free gigabytes": a size with a word on how much of it is usable
    r"^[\s-]*(?:(?:free|spare|usable|available)\s+(?=(?:kilo|mega|giga|tera)?bytes|gigs?|gb|mb|tb)\b)?"
    r"(?:(?:gpu|node|machine|core|cpu|instance|server|replica|worker)[\s-])?"
    r"(?P<unit>ms|milliseconds?|secs?|seconds?|s|mins?|minutes?|hours?|hrs?|h|days?|weeks?|months?|years?|"
    r"(?:kilo|mega|giga|tera|peta)?bytes?|gigs?|megs?|gib|mib|tib|kb|mb|gb|tb|pb|qps|rps|tps|"
    r"(?:kilo|mega|giga|tera)?bits?|[kmgt]bps|gbit)\b",
    re.I,
)


@dataclass(frozen=True)
class Quantity:
    """A number as said: its value, its unit kind and, for a rate, the seconds it is counted over."""

    value: float
    start: int  # span of the number in the text it was found in
    end: int
    kind: str = "count"  # count, duration (value in seconds), bytes, percent, money
    per_seconds: float | None = None  # "a day" -> 86,400; a count per that many seconds
    said: float | None = None  # the number as said, before its unit ("8 hours" -> 8); None: same as value
    per: float = (
        1.0  # a price said per thousand or per million ("$2.3 per million"): the value is per one unit
    )

    @property
    def spoken(self) -> float:
        return self.value if self.said is None else self.said

    @property
    def time_power(self) -> int:
        """1 for a duration, -1 for a rate, 0 otherwise: what multiplying by it does to time."""
        return 1 if self.kind == "duration" else -1 if self.per_seconds else 0

    @property
    def si(self) -> float:
        """The value in seconds (durations) or per second (rates)."""
        return self.value / self.per_seconds if self.per_seconds else self.value

    @property
    def per_second(self) -> float | None:
        """The rate per second, for a count per some time; None otherwise."""
        if self.per_seconds is None:
            return None
        return self.value / self.per_seconds


@lru_cache(maxsize=4096)
def words_to_digits(text: str) -> str:
    """`text` with numbers in digits: "ten minutes" -> "10 minutes", "5 × 10^8" -> "500,000,000" (`notation`)."""
    text = plain_powers(text)
    # "one percent", "one byte": text2num leaves a lone "one" in words ("thirty one KB" it reads whole)
    text = re.sub(
        rf"\b((?:{_TENS}|hundred|thousand)[ -])?one "
        r"(percent|per cent|bytes?|kb|mb|gb|tb|dollars?|cents?|seconds?|minutes?|hours?|days?)\b",
        lambda m: m.group(0) if m.group(1) else f"1 {m.group(2)}",
        text,
        flags=re.I,
    )
    # "six hundredths of a cent": a fraction said in words (text2num reads "six hundred" and "ths")
    text = re.sub(
        rf"\b({_UNITS}|{_TEENS}) (tenth|hundredth|thousandth)s\b(?: of an? (cent|dollar|percent)\b)?",
        lambda m: (
            f"{_word_value(m.group(1)) / _PARTS[m.group(2).lower()]:g}"
            + (f" {m.group(3)}{'' if m.group(3).lower() == 'percent' else 's'}" if m.group(3) else "")
        ),
        text,
        flags=re.I,
    )
    # "a cent and a quarter a turn", "half a cent", "a dollar and a half": money said as a fraction of a unit
    text = re.sub(
        r"\b(?:an?|one) (cent|dollar) and a (half|quarter)\b",
        lambda m: f"{1.5 if m.group(2).lower() == 'half' else 1.25} {m.group(1)}s",
        text,
        flags=re.I,
    )
    text = re.sub(r"\bhalf an? (cent|dollar)\b", r"0.5 \1s", text, flags=re.I)
    # "is a cent", "about a dollar a turn"
    text = re.sub(r"\b(?<!of )an? (cent|dollar)\b(?! and a)", r"1 \1", text, flags=re.I)
    # "three quarters of a cent", "a quarter of a dollar"
    text = re.sub(
        r"\b(a|one|two|three) quarters? of an? (cent|dollar)\b",
        lambda m: f"{_QUARTERS[m.group(1).lower()]} {m.group(2)}s",
        text,
        flags=re.I,
    )
    # "$2.50 a million" is a price per million tokens, not two and a half million dollars
    text = re.sub(
        r"(\$\s?\d[\d,]*(?:\.\d+)?|\b\d[\d,]*(?:\.\d+)?\s+(?:cents?|dollars?))\s+a\s+(thousand|million|billion)\b",
        r"\1 per \2",
        text,
        flags=re.I,
    )
    # "two and a half thousand" is 2.5 thousand (text2num reads "half thousand" as 500), "one and a half
    # percent" 1.5 percent (text2num leaves a lone "one" in words)
    text = re.sub(
        rf"\b((?:{_TENS}) (?:{_UNITS})|{_NUMBER_WORD}|\d+) and a half\b",
        lambda m: f"{_digits(m.group(1))}.5",
        text,
        flags=re.I,
    )
    # "one and a quarter cents"
    text = re.sub(
        rf"\b({_NUMBER_WORD}|\d+) and a quarter\b",
        lambda m: f"{_digits(m.group(1))}.25",
        text,
        flags=re.I,
    )
    for phrase, value in _FRACTIONS.items():
        text = re.sub(
            rf"\b{phrase}\s+(?:a\s+)?(thousand|million|billion)\b", f"{value:g} \\1", text, flags=re.I
        )
    # "second" is a unit here, never the ordinal text2num would read it as.
    text = re.sub(r"\bsecond(s?)\b", r"sec\1", text, flags=re.I)
    # "half a second", "a quarter of an hour", "a tenth of a second", "every half hour"
    text = re.sub(
        r"\b(half|a quarter of|a tenth of)(?: an?)? (sec|minute|hour|day|week|month|year)\b",
        lambda m: f"{_PART_OF[m.group(1).lower()]} {m.group(2)}",
        text,
        flags=re.I,
    )
    # "nearly a minute", "about an hour": one of the unit, said as a bound or a guess ("about a second" is
    # a manner of speaking: "a page that loads in about a second")
    text = re.sub(
        r"\b(about|roughly|around|nearly|almost|under|just under|well under) an? "
        r"(minute|hour|day|week|month|year)\b",
        r"\1 1 \2",
        text,
        flags=re.I,
    )
    # "a tenth of a percent", "half a percent", "a quarter of a percent"
    text = re.sub(
        r"\b(half|a half|a quarter of|a tenth of|a hundredth of)(?: an?| one)? (percent|per cent|%)",
        lambda m: f"{_PART_OF_PERCENT[m.group(1).lower()]} {m.group(2)}",
        text,
        flags=re.I,
    )
    # "thirty-odd milliseconds", "20-odd calls": about that many
    text = re.sub(rf"\b({_NUMBER_WORD}|\d+)[- ]odd\b", r"\1", text, flags=re.I)
    # "sampling one frame a second" is a rate of 1
    text = re.sub(r"\bone ([a-z]+) (a|per|every) (sec|minute|hour|day)\b", r"1 \1 \2 \3", text, flags=re.I)
    # "a hundred and twenty thousand" is one number, as "one hundred and twenty thousand" is
    text = re.sub(r"\ban? (hundred|thousand|million|billion)\b", r"one \1", text, flags=re.I)
    # "eighty six four hundred" is said for the 86,400 seconds of a day
    text = _SAID_IN_THOUSANDS.sub(_thousands, text)
    # "seventeen fifty tokens" is said for 1,750
    text = _SAID_IN_HUNDREDS.sub(_hundreds, text)
    # "eight-hour shifts", "thirty-day month": the number before its unit
    text = re.sub(rf"\b({_NUMBER_WORD})-(?={_UNIT_WORD}s?\b)", r"\1 ", text, flags=re.I)
    out = alpha2digit(text, "en", threshold=1.5)
    # "2 and a half gigabytes"
    out = re.sub(r"\b(\d+) and a half\b", lambda m: f"{m.group(1)}.5", out)
    # "point zero 1 percent": zeros said after the point
    out = re.sub(
        r"(?<![\d.] )(?<![\d.])\bpoint ((?:(?:zero|oh) )+)(\d+)\b",
        lambda m: "0." + "0" * len(m.group(1).split()) + m.group(2),
        out,
        flags=re.I,
    )
    # "point 4 percent" said without its leading zero
    out = re.sub(r"(?<![\d.] )(?<![\d.])\bpoint (\d+)\b", r"0.\1", out, flags=re.I)
    # "2.9 1000000" (digits followed by a spelled magnitude that text2num wrote as digits)
    out = re.sub(r"\b(\d+(?:\.\d+)?) (1000|1000000|1000000000)\b", lambda m: _join(m), out)
    # "$2.5/M", "$0.15/1M tok", "$3/k": a price per million or per thousand, as typed
    out = _PER_SCALE.sub(lambda m: f" per {_SCALE[m.group(1)]}", out)
    # "3 10ths" (three tenths) is a fraction, not two numbers
    return re.sub(r"\b(\d+) (2|3|4|5|8|10|100|1000)(?:nd|rd|th)s?\b", _fraction, out)


_PER_SCALE = re.compile(r"(?<=\d)\s*/\s*(?:1\s*)?(M|K|k|B)\b")
_SCALE = {"M": 1_000_000, "K": 1000, "k": 1000, "B": 1_000_000_000}


_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_TEENS = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_TEENS_AND_TENS = f"{_TEENS}|(?:{_TENS})(?:-(?:{_UNITS}))?"
_NUMBER_WORD = f"{_UNITS}|{_TEENS_AND_TENS}|hundred|thousand"
_UNIT_WORD = (
    "(?:second|sec|minute|min|hour|day|week|month|year|gigabyte|megabyte|byte|gigabit|megabit|dollar)"
)
_WORD_VALUES = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        ]
    )
} | {w: 10 * (i + 2) for i, w in enumerate(_TENS.split("|"))}


_SAID_IN_HUNDREDS = re.compile(
    rf"\b({_TEENS_AND_TENS}) ((?:{_TENS})(?:-(?:{_UNITS}))?|{_TEENS})\b(?!-| (?:and|or|to)\b)", re.I
)


_SAID_IN_THOUSANDS = re.compile(
    rf"\b((?:{_TENS})[- ](?:{_UNITS})|{_TEENS}) ({_UNITS}) hundred\b(?! (?:thousand|million|billion)\b)", re.I
)


def _thousands(match: re.Match[str]) -> str:
    """ "eighty six four hundred" -> "86400": thousands and hundreds said as two numbers."""
    return str(_word_value(match.group(1)) * 1000 + _word_value(match.group(2)) * 100)


def _digits(number: str) -> str:
    """A whole number said in one word or in digits, in digits ("twelve" -> "12")."""
    return number if number.isdigit() else str(_word_value(number))


def _word_value(words: str) -> int:
    return sum(_WORD_VALUES[w] for w in re.split(r"[- ]", words.lower()))


def _hundreds(match: re.Match[str]) -> str:
    """ "seventeen fifty" -> "1750": a number said in hundreds, as years and sizes often are."""
    high, low = _word_value(match.group(1)), _word_value(match.group(2))
    if high < 10 or low < 10:
        return match.group(0)
    return str(high * 100 + low)


def _fraction(match: re.Match[str]) -> str:
    value = float(match.group(1)) / float(match.group(2))
    return format(value, "f").rstrip("0").rstrip(".")


def _join(match: re.Match[str]) -> str:
    value = float(match.group(1)) * float(match.group(2))
    return format(value, "f").rstrip("0").rstrip(".")


_ONE_IN = re.compile(r"\b(one|\d+(?:\.\d+)?)\s+in\s+(?:every\s+)?$", re.I)  # "one in 20", "9 in 10"


def quantities(text: str) -> list[Quantity]:
    """Every number in `text` (already in digits: see `words_to_digits`) with its magnitude and unit."""
    found: list[Quantity] = []
    for m in _NUMBER.finditer(text):
        raw = m.group("num").replace(",", "")
        try:
            value = float(raw)
        except ValueError:
            continue
        for mag in (m.group("mag"), m.group("mag2")):
            if mag:
                value *= _MAGNITUDES[mag.lower()]
        rest = text[m.end() : m.end() + 60]
        one_in = _ONE_IN.search(text[max(0, m.start() - 20) : m.start()])
        share = 1.0 if one_in is None or one_in.group(1).lower() == "one" else float(one_in.group(1))
        if one_in and value >= 2 and share < value and not m.group("pct") and not TIME_AFTER.match(rest):
            # "about one in a thousand", "nine in ten of them": a share, 1/1000 or 9/10
            start = m.start() - (len(text[max(0, m.start() - 20) : m.start()]) - one_in.start())
            if found and found[-1].start >= start:
                found.pop()  # the "1" of "1 in 1000"
            found.append(Quantity(share / value, start, m.end(), "percent"))
            continue
        if m.group("pct"):
            found.append(Quantity(value / 100.0, m.start(), m.end(), "percent"))
            continue
        money = _MONEY_AFTER.match(rest)
        if m.group("cur") or money:
            if money and money.group(0).strip().lower().endswith(("cent", "cents")):
                value /= 100.0
            after = rest[money.end() :] if money else rest
            per = _PER.match(after)
            per_money = _SECONDS[per.group("unit").lower()] if per else _period_before(text, m.start())
            found.append(Quantity(value, m.start(), m.end(), "money", per_seconds=per_money))
            continue
        unit = _UNIT_AFTER.match(rest)
        if unit:
            name = unit.group("unit").lower()
            if name in _BYTES:
                per = _PER.match(rest[unit.end() :])  # "50 GB a month"
                per_bytes = _SECONDS[per.group("unit").lower()] if per else None
                found.append(
                    Quantity(value * _BYTES[name], m.start(), m.end(), "bytes", per_bytes, said=value)
                )
                continue
            if name in _BITS:
                # "a ten-gigabit link", "25 Gbps": a link's rate in bytes a second; "560 gigabits": a size
                rate = name.endswith("ps") or bool(_LINK.match(rest[unit.end() :]))
                size = value * _BITS[name] / 8
                found.append(Quantity(size, m.start(), m.end(), "bytes", 1.0 if rate else None, said=value))
                continue
            if name in _RATE_WORDS:
                found.append(Quantity(value, m.start(), m.end(), "count", per_seconds=1.0))
                continue
            if name in _SECONDS:
                found.append(Quantity(value * _SECONDS[name], m.start(), m.end(), "duration", said=value))
                continue
        per = _PER.match(rest)
        per_seconds = _SECONDS[per.group("unit").lower()] if per else _period_before(text, m.start())
        found.append(Quantity(value, m.start(), m.end(), "count", per_seconds=per_seconds))
    return found


# "7.5 million a day, which over a year is about 2.7 billion": the period a result is counted over, said first
_PERIOD_BEFORE = re.compile(
    r"\b(?:over|in|across|for)\s+(?:a|one|the)\s+(?:(?:whole|full|entire)\s+)?(?P<unit>year|month|week|day)\s*,?\s*"
    r"(?:(?:which|that|this|it)\s+)?(?:is|'s|comes to|gives|works out to|would be|adds up to|becomes|totals?)\s+"
    r"(?:(?:about|roughly|around|nearly|almost|maybe|some|close to|call it|only|just)\s+)?[$~]?\s*$",
    re.I,
)


def _period_before(text: str, start: int) -> float | None:
    said = _PERIOD_BEFORE.search(text[max(0, start - 60) : start])
    return _SECONDS[said.group("unit").lower()] if said else None


_PERIOD_WORDS = {
    "hourly": 3600.0,
    "daily": 86_400.0,
    "nightly": 86_400.0,
    "overnight": 86_400.0,
    "weekly": 604_800.0,
    "monthly": 2_592_000.0,
}
_PERIOD = re.compile(
    r"\b(?P<word>hourly|daily|nightly|overnight|weekly|monthly)\b|"
    r"\b(?:for|every|within|after|over|once|once a|once an|once every|each|up to|lives?|lasts?|ttl of)\s+"
    r"(?:(?:about|around|roughly|nearly)\s+)?(?:an?\s+|one\s+)?"
    r"(?P<unit>second|minute|hour|day|night|week|month)\b|"
    r"\b(?:by|until|till|on|in)\s+the\s+(?:next|following)\s+(?P<next>day|morning|night|week|month)\b|"
    r"\b(?P<tomorrow>tomorrow|the next morning|the morning after|the next day|next morning's|next morning)\b|"
    r"\b(?:a\s+)?(?P<few>couple of|few)\s+(?P<funit>minute|hour|day|week)s\b",
    re.I,
)
# "by the next morning" is at least the night between.
_NEXT = {"day": 86_400.0, "morning": 28_800.0, "night": 43_200.0, "week": 604_800.0, "month": 2_592_000.0}


def periods(text: str) -> list[tuple[float, int, int]]:
    """How often or how long ago, in seconds, with its span: "daily", "for an hour", "every 5 minutes"."""
    found = [(q.value, q.start, q.end) for q in quantities(text) if q.kind == "duration"]
    for m in _PERIOD.finditer(text):
        if m.group("word"):
            found.append((_PERIOD_WORDS[m.group("word").lower()], m.start(), m.end()))
        elif m.group("next"):
            found.append((_NEXT[m.group("next").lower()], m.start(), m.end()))
        elif m.group("tomorrow"):
            found.append((28_800.0, m.start(), m.end()))
        elif m.group("few"):
            n = 2.0 if m.group("few").lower() == "couple of" else 3.0
            found.append((n * _SECONDS[m.group("funit").lower()], m.start(), m.end()))
        else:
            unit = m.group("unit").lower()
            found.append((86_400.0 if unit == "night" else _SECONDS[unit], m.start(), m.end()))
    return sorted(found, key=lambda f: f[1])


_TIME_FACTORS = frozenset({60.0, 3600.0, 24.0, 86400.0, 7.0, 1000.0})


def unit_change(inputs: Sequence[Quantity], result: Quantity, divide: Sequence[bool]) -> bool:
    """A duration divided by the size of a unit and said as a duration again: a change of unit, not a calculation
    ("160 thousand core-seconds, divided by 3,600, about 44 core-hours")."""
    return (
        inputs[0].kind == result.kind == "duration"
        and len(inputs) > 1
        and all(q.kind == "count" and q.value in _TIME_FACTORS for q in inputs[1:])
        and all(divide[1 : len(inputs)])
    )
