"""Which numbers a calculation uses, as people say them.

"A few hundred trees" describes and "the 8B model" names: neither is a factor. "768 dimensions in float32" holds
a size of 4 bytes no number says. A number said with its unit and then again bare ("fifty thousand rows a
second ..., 4.5 billion divided by 50K") is one input, and a bare number that restates a size, price or period
said before takes its unit back. A step whose own inputs lack what its result needs (a price, a size, a load, the
amount a window spreads) takes it from the numbers said before (`carried_from`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import replace

from interviewer.grading.prices import priced
from interviewer.grading.quantities import Quantity

_VAGUE = re.compile(r"\b(?:a few|several|many|dozens of|hundreds of)\s*$", re.I)


# "seventy percent go to the 8B model": a model's name, not a factor ("an 8B model in fp16" multiplies)
_THE = re.compile(r"\bthe\s*$", re.I)
_NAMED = re.compile(
    r"^\s*(?:b|bn|billion)?[\s-]*(?:parameter\s+)?(?:models?|pool|tier|variant|version|checkpoint)\b", re.I
)
_SIZE_RESULT = re.compile(
    r"\b(?:is|are|that's|comes? to|gives?|makes|so|about|roughly|which is|takes?)\b|=", re.I
)
# "a three-minute cache", "a 10-second timeout": a setting of the thing named, not a factor
_SETTING = re.compile(
    r"^[\s-]?(?:second|minute|hour|day|ms|millisecond)s?[\s-]+(?:\w+[\s-]+)?(?:cache|ttl|timeout|expiry|lock|hold)\b",
    re.I,
)
# "lists cached for five minutes hit ...", "profiles active in the last thirty days": a lifetime or a window
_LIFETIME = re.compile(
    r"\b(?:cached|cache[sd]?|lives?|expir\w*) for\s+(?:about\s+|roughly\s+|up to\s+)?$|\bttl (?:of\s+)?$|"
    r"\b(?:active|seen|engaged|visited|signed in|logged in) (?:in|within|over|during) the (?:last|past)\s+$",
    re.I,
)
_REJECTED = re.compile(r"\b(?:rather than|instead of)\s*(?:the\s+)?$", re.I)
_BITS = re.compile(r"^-?\s?bits?\b", re.I)
# "two tower retrieval": a kind of model, not a factor
_KIND_OF = re.compile(r"^[\s-]?towers?\b", re.I)
_PIECE = re.compile(
    r"\b(?:passages|chunks|pieces|segments|windows|blocks|snippets) of\s+(?:about |roughly |around |up to |~)?$",
    re.I,
)
_LOT = re.compile(r"\b(?:lots|batches|blocks|groups|bundles) of (?:a |an )?$", re.I)
_TEXT_UNIT = re.compile(r"^\s*(?:tokens|words|characters|chars|lines|sentences)\b", re.I)
_ORDINAL = re.compile(r"(?:st|nd|rd|th)\b", re.I)
_COUNTED = re.compile(r"\d[^,;]*,\s*(?:counting|including|covering|spanning)\s[^,;]*$", re.I)
_SIZED_EACH = re.compile(r"\b\w+ of (?:about |roughly |~)?$", re.I)
_DTYPE = re.compile(r"\b(?:(float|fp|f|bf|bfloat|int|uint)(64|32|16|8|4))\b", re.I)


def definite(clause: str, qs: Sequence[Quantity]) -> list[Quantity]:
    """The numbers a calculation can use: "a few hundred trees" describes, it is not a factor. A number
    type names its size when no size is said ("768 dimensions in float32": 4 bytes each)."""
    found = [
        q
        for q in qs
        if not _VAGUE.search(clause[max(0, q.start - 12) : q.start])
        and not (
            _THE.search(clause[max(0, q.start - 5) : q.start]) and _NAMED.match(clause[q.end : q.end + 20])
        )
        and not _BITS.match(clause[q.end : q.end + 8])  # "8-bit quantisation" names a type
        and not _ORDINAL.match(clause[q.end : q.end + 3])  # "the 90th percentile" names a place
        and not _COUNTED.search(clause[: q.start])  # "300 GPUs, counting copies across regions": included
        # "400 requests of a thousand candidates each": the size of each
        and not (_SIZED_EACH.search(clause[max(0, q.start - 30) : q.start]) and _EACH.match(clause[q.end :]))
        and not (q.kind == "count" and q.value == 2 and _KIND_OF.match(clause[q.end : q.end + 8]))
        and not (q.kind == "duration" and _SETTING.match(clause[q.end : q.end + 30]))
        and not (q.kind == "duration" and _LIFETIME.search(clause[max(0, q.start - 25) : q.start]))
        and not _REJECTED.search(clause[max(0, q.start - 16) : q.start])  # "fifty tokens rather than sixty"
        # "chunked into passages of about 400 tokens": the size of each piece, not a factor of how many
        and not (_PIECE.search(clause[max(0, q.start - 40) : q.start]) and _TEXT_UNIT.match(clause[q.end :]))
        and not _LOT.search(clause[max(0, q.start - 20) : q.start])  # "51 thousand lots of a thousand"
    ]
    found = priced(clause, found)
    for m in _DTYPE.finditer(clause):
        if any(
            q.kind == "bytes"
            and abs(q.start - m.end()) < 30
            and not _SIZE_RESULT.search(clause[m.end() : q.start])
            for q in found
        ):
            continue  # "float32, four bytes each": the size is said
        size = Quantity(int(m.group(2)) / 8, m.start(), m.end(), "bytes", said=int(m.group(2)) / 8)
        found = sorted(
            [*(q for q in found if not (q.start < m.end() and m.start() < q.end)), size],
            key=lambda q: q.start,
        )
    return found


def with_units(inputs: list[Quantity], result: Quantity, earlier: Sequence[Quantity]) -> list[Quantity]:
    """A bare number that restates a number said before takes its unit back: a size or price ("... at sixteen
    bytes each. Eighty million times twelve times sixteen is 15 GB"), or the period of a rate ("each pinging
    every four seconds, works out to a million times four")."""
    if result.kind == "count" and not result.per_seconds and (stock := _little(inputs, earlier)):
        return stock
    # "leaves 0.01 percent of a month, that's 43,200 minutes times 0.01": the share said bare is that percent
    shares = [x for x in earlier if x.kind == "percent"]
    inputs = [
        next(
            (replace(x, start=q.start, end=q.end) for x in shares if math.isclose(x.value * 100, q.value)), q
        )
        if q.kind == "count" and not q.per_seconds and q.value < 1
        else q
        for q in inputs
    ]
    if result.kind == "count" and result.per_seconds and not any(q.time_power for q in inputs):
        pool = [q for q in reversed(earlier) if q.kind == "duration" and q.value <= 600]
    elif result.kind in ("money", "bytes") and not any(q.kind == result.kind for q in inputs):
        pool = [q for q in reversed(earlier) if q.kind == result.kind and not q.per_seconds]
    else:
        return inputs
    for j, q in enumerate(inputs):
        if q.kind != "count" or q.per_seconds:
            continue
        same = next((x for x in pool if x.spoken == q.value), None)
        if same is not None:
            return [*inputs[:j], replace(same, start=q.start, end=q.end), *inputs[j + 1 :]]
    return inputs


def _little(inputs: list[Quantity], earlier: Sequence[Quantity]) -> list[Quantity] | None:
    """Little's law said in bare numbers: "175 orders a second, each lasting about 40 minutes, so 175 times 40,
    some 7,000 in flight" multiplies a rate by a time said before, so both take their units back (420,000).
    The rate may be a peak said after its rate without a unit ("58 a second, say 175 at peak"). Only when
    both bare numbers restate numbers said before; else None."""
    if len(inputs) != 2 or any(q.kind != "count" or q.per_seconds for q in inputs):
        return None
    time = next((x for x in reversed(earlier) if x.kind == "duration" and x.spoken == inputs[1].value), None)
    k = next(
        (
            k
            for k in reversed(range(len(earlier)))
            if earlier[k].kind == "count" and earlier[k].value == inputs[0].value
        ),
        None,
    )
    if time is None or k is None:
        return None
    period = earlier[k].per_seconds or next(
        (x.per_seconds for x in reversed(earlier[:k]) if x.kind == "count" and x.per_seconds), None
    )
    if not period:
        return None
    rate = replace(earlier[k], per_seconds=period, start=inputs[0].start, end=inputs[0].end)
    return [rate, replace(time, start=inputs[1].start, end=inputs[1].end)]


def restated(inputs: list[Quantity]) -> list[Quantity]:
    """A number said with its unit and then again bare is one input, where the bare one stands, with its
    unit: "fifty thousand rows a second per core, 4.5 billion divided by 50K"."""
    out: list[Quantity | None] = list(inputs)
    for j, q in enumerate(inputs):
        if q.per_seconds is not None or q.kind != "count":
            continue
        # "a six-minute standard deviation, ... 1.28 times six": a time said again bare, too
        k = next(
            (
                k
                for k in range(j)
                if (o := out[k]) is not None
                and ((o.per_seconds and o.value == q.value) or (o.kind == "duration" and o.said == q.value))
            ),
            None,
        )
        if k is not None:
            unit = out[k]
            assert unit is not None
            out[j], out[k] = replace(unit, start=q.start, end=q.end), None
    # "15 thousand tokens a second per GPU does about 1.3 billion a day": one rate said over two periods
    for j, q in enumerate(inputs):
        o = out[j - 1] if j else None
        if o is not None and out[j] is not None and _same_rate(o, q):
            out[j - 1] = None
        # "20 million, spread over its four-hour window, 14,400 seconds": one time said in two units
        elif len(inputs) > 2 and o is not None and out[j] is not None and o.kind == q.kind == "duration":
            out[j] = None if math.isclose(o.si, q.si) else out[j]
    return [q for q in out if q is not None]


def _same_rate(a: Quantity, b: Quantity) -> bool:
    """Whether `b` says `a` again over another period (within 10%)."""
    if not (a.per_seconds and b.per_seconds and a.per_seconds != b.per_seconds and a.kind == b.kind):
        return False
    return abs(a.value / a.per_seconds / (b.value / b.per_seconds) - 1) <= 0.1


_OPERATION = re.compile(r"\btimes\b|\bmultiplied by\b|\bdivided by\b|[×*/÷]|\bover\b", re.I)


def operated_again(clause: str, inputs: list[Quantity]) -> list[Quantity]:
    """A count or a time said in passing and then again inside an explicit operation is one input, the operated
    one: "a light model keeps 500 of those, then 70,000 times 500 is ..." multiplies by 500 once, and "inside a
    four-hour window, 20 million over 14,400 seconds" divides by the window once."""

    def operated(j: int) -> bool:
        gaps = [clause[inputs[j - 1].end : inputs[j].start] if j else ""]
        gaps.append(clause[inputs[j].end : inputs[j + 1].start] if j + 1 < len(inputs) else "")
        return any(_OPERATION.search(gap) for gap in gaps)

    drop = {
        k
        for j, q in enumerate(inputs)
        if q.kind in ("count", "duration") and not q.per_seconds and operated(j)
        for k in range(j)
        if inputs[k].value == q.value
        and inputs[k].kind == q.kind
        and not inputs[k].per_seconds
        and not operated(k)
    }
    return [q for k, q in enumerate(inputs) if k not in drop]


def unqualified(clause: str, inputs: list[Quantity], result: Quantity) -> list[Quantity]:
    """`inputs` without the plain counts a lone rate is divided "over" when the result is a plain count.

    "One instance handles 250 requests a second over a thousand candidates (or "with a thousand candidates
    each"), that's 80 rankers": a rate over a count is still a rate and cannot give a number of machines, so the
    thousand qualifies the work each request does, and the load the fleet serves was said before.
    """
    rates = [q for q in inputs if q.time_power == -1]
    if len(rates) != 1 or result.kind != "count" or result.time_power != 0 or result.per_seconds:
        return inputs
    at = inputs.index(rates[0])
    kept = list(inputs[: at + 1])
    for q in inputs[at + 1 :]:
        plain = q.kind == "count" and q.time_power == 0 and not q.per_seconds
        before, after = clause[kept[-1].end : q.start], clause[q.end : q.end + 30]
        qualifies = _QUALIFIER.search(before) or (_WITH.search(before) and _EACH.match(after))
        if not (plain and qualifies):
            return inputs
    return kept if len(kept) < len(inputs) else inputs


# "200 requests a second with a thousand candidates each"
_WITH = re.compile(r"\bwith\s+(?:a|an|about|roughly|up to)?\s*$", re.I)
_EACH = re.compile(r"^\s*(?:[\w-]+\s+)?(?:each|apiece|per request|per query)\b", re.I)
_QUALIFIER = re.compile(r"\b(?:over|across|on)\s+(?:a|an|the|some|about|roughly|up to)?\s*$", re.I)


_HEDGE = (
    r"(?:(?:only |just )?(?:about|around|roughly|approximately|nearly|almost)|call it|so about|so roughly)"
)
_PER_UNIT = re.compile(r"\bper (?!sec|second|minute|hour|day|week|month|year)[a-z]+|\beach\b", re.I)
_ENDS_COMMA = re.compile(r",\s*[~$]?\s*$")
_RATE_AGAIN = re.compile(rf"^\s*(?:[A-Za-z-]+\s+){{1,5}}[A-Za-z-]+\s*,\s*{_HEDGE}\s*[~$]?\s*$", re.I)


def rate_again(clause: str, qs: Sequence[Quantity], i: int, starts: bool) -> bool:
    """Whether `qs[i]`, set off by a comma and a hedge, says the rate just before it again over another period:
    "..., 6.25 billion a day, around 72 thousand a second". That rate must start the calculation (`starts`) or
    be a result itself, set off by a comma, not one factor of a product ("4 GPUs at 3 dollars an hour")."""
    between = clause[qs[i - 1].end : qs[i].start]
    if not _RATE_AGAIN.match(between) or _PER_UNIT.search(between):
        return False  # "5 loads per user a day, about 50K QPS": a factor per user, not a total
    return starts or bool(_ENDS_COMMA.search(clause[: qs[i - 1].start]))


_SAY = re.compile(r"(?:^|,)\s*say\s+(?:about\s+|roughly\s+|around\s+)?$", re.I)
_EACH_AFTER = re.compile(
    r"^\s*(?:[\w-]+\s+){0,2}(?:each|apiece|per (?!sec|second|minute|hour|day|week|month|year)\w+)\b", re.I
)


def per_unit_factor(clause: str, between: str, q: Quantity) -> bool:
    """Whether "say N ... each" assumes a factor per unit of what was said before, so the calculation goes on:
    "30 million sessions a day, say five list loads each with twenty restaurants, is 3 billion"."""
    return bool(_SAY.search(between) and _EACH_AFTER.match(clause[q.end : q.end + 40]))


def share_of(clause: str, a: Quantity, b: Quantity) -> bool:
    """Whether `b` is worked out from `a` without an operator between them: a percentage taken of the amount after
    it ("0.1% of fifty million"), or a price per thousand or million put on it ("900 million tokens at $2.50 a
    million", see `priced`)."""
    if b.kind == "money" and b.per > 1:
        return True
    return a.kind == "percent" and bool(
        re.match(r"\s*of\s+(?:the\s+|our\s+|about\s+|roughly\s+)?$", clause[a.end : b.start], re.I)
    )


def scale_word(value: float) -> bool:
    """A power of ten from a hundred up: the "per thousand" or "per million" a formula may leave unsaid."""
    return value >= 100 and math.isclose(math.log10(value), round(math.log10(value)), abs_tol=1e-9)


# "0.3 percent of the good ones": a share of an amount named, not said again
_OF_THE = re.compile(r"\s*(?:percent\s+)?of\s+(?:the|our|all|those|these|its|their)\s+(?![\d~$])", re.I)


def carried_from(
    inputs: Sequence[Quantity], result: Quantity, earlier: Sequence[Quantity], clause: str = ""
) -> list[Quantity]:
    """The numbers said before that could supply what a step's result needs and its own inputs lack,
    latest first: the price a cost multiplies ("10 cents per thousand emails, and we send 51 million a day,
    so about $5,000 a day"), the size a total multiplies ("about 130 KB per token. 1,750 tokens is roughly
    230 MB"), the load a per-replica rate divides into a fleet smaller than it ("25K a second reach the
    models. At 300 a second a replica, that's 85")."""
    kinds = {q.kind for q in inputs}
    if (
        len(inputs) == 1
        and inputs[0].kind == "percent"
        and result.kind in ("count", "money")
        and _OF_THE.match(clause, inputs[0].end)
    ):
        # "50 million a day, and we may decline 0.3 percent of the good ones, about 150 thousand a day": a share
        # of an amount of the result's kind said before, any of them
        return [
            q
            for q in reversed(earlier)
            if q.kind == result.kind and (q.per_seconds is None) == (result.per_seconds is None)
        ]
    if (
        # "input 0.15 dollar per million gives 9K": the total may leave its currency unsaid
        (result.kind == "money" or (result.kind == "count" and not result.per_seconds))
        and kinds == {"money", "count"}
        and all(q.kind == "money" or scale_word(q.value) for q in inputs)
    ):
        # "at ten cents per thousand that comes to $1,500 a day": a price per thousand needs the volume said
        # before it
        # (a volume per period may be a round number: "a billion tokens a day")
        return [
            q for q in reversed(earlier) if q.kind == "count" and (q.per_seconds or not scale_word(q.value))
        ]
    if (
        result.kind == "bytes"
        and result.per_seconds
        and kinds == {"bytes"}
        and not any(q.per_seconds for q in inputs)
    ):
        # "125 thousand events a second, and at about 100 bytes each that is 12.5 MB a second": the rate said before
        return [q for q in reversed(earlier) if q.kind == "count" and q.per_seconds][:1]
    if result.kind in ("money", "bytes") and result.kind not in kinds:
        # the latest: "..., a quarter of a cent: about 1.25 cents a turn. 300 thousand turns is ..." costs the
        # total, not a part of it
        return [q for q in reversed(earlier) if q.kind == result.kind and not q.per_seconds][:1]
    if result.kind == "duration" and "duration" not in kinds:
        # "20 thousand rows a second per core is 160 thousand core-seconds": the rows said before, over the
        # rate; "on 32 cores that's 14 hours": the machine time said before, over the cores
        over_rate = any(q.time_power == -1 for q in inputs)
        if not over_rate and (len(inputs) != 1 or inputs[0].kind != "count"):
            return []  # "on 32 cores": machine time over one count of machines
        return [
            q
            for q in reversed(earlier)
            if (
                # the rows to process, or a day's (week's...) worth of them
                (q.kind == "count" and (q.per_seconds or 3_600) >= 3_600 and q.value > 1_000)
                if over_rate
                else q.kind == "duration"
            )
        ]
    if (
        result.kind == "count"
        and not result.per_seconds
        and len(inputs) == 1
        and inputs[0].kind == "duration"
    ):
        # "250 thousand events a second. If a consumer stalls for two minutes, the backlog is 30 million": the
        # rate said before, over the time
        flow = [q for q in reversed(earlier) if q.kind == "count" and q.per_seconds][:1]
        # a backlog holds at least a second's worth; "300 thousand GPU-seconds, so 4 GPUs" counts machines
        return flow if flow and result.value >= flow[0].si else []
    if result.kind == "count" and result.per_seconds and len(inputs) == 1 and inputs[0].kind == "duration":
        # "20 million emails inside a 4-hour window, which is 14,400 seconds, so about 1,400 a second": the
        # amount said before, spread over the window just restated in seconds
        last = next((q for q in reversed(earlier) if q.kind == "count"), None)
        # or a count per the period just spelled out: "3 billion a day. A day has 86,400 seconds, so ..."
        over = last is not None and last.per_seconds in (None, inputs[0].value)
        # "refreshing each every 30 seconds": each of them once per that time, the count even if not smaller
        each = re.search(r"\beach\b[\w\s]*\bevery\s+$", clause[: inputs[0].start], re.I)
        return (
            [replace(last, per_seconds=None)] if last and over and (each or last.value > result.value) else []
        )
    one = inputs[0]
    if (
        len(inputs) == 1
        and one.kind == "money"
        and one.per_seconds
        and one.per_seconds <= 3_600  # a price per machine-hour, not a day's spend said again per month
        and result.kind in ("money", "count")
        and result.per_seconds
        and result.per_seconds > one.per_seconds
    ):
        # "around 300 GPUs; at 2 dollars an hour that's about 440 thousand a month": the machines said before
        return [q for q in reversed(earlier) if q.kind == "count" and not q.per_seconds][:1]
    if not (
        result.kind == "count"
        and result.time_power == 0
        and len(inputs) == 1
        and one.kind == "count"
        and one.time_power == -1
    ):
        return []
    rate = one.si
    loads = [
        q
        for q in reversed(earlier)
        if q.kind == "count" and (q.si if q.per_seconds else q.value) > max(rate, result.value)
    ]
    return loads if any(q.per_seconds for q in loads) else []


def restated_durations(
    inputs: Sequence[Quantity], before: Sequence[Quantity], result: Quantity
) -> list[Quantity]:
    """Inputs said as a bare number that is a time said before in other units: "17 million in a 4-hour window.
    That's 17 million over 240, roughly 70 thousand a second" divides by the window's minutes, so 240 is read as
    the 4 hours it stands for, and a rate per second checks it in seconds."""
    if not result.per_seconds:
        return list(inputs)
    durations = [q for q in before if q.kind == "duration" and q.said is not None and q.value >= 3_600]
    out: list[Quantity] = []
    for q in inputs:
        if q.kind == "count" and not q.per_seconds and q.value >= 2:
            for d in reversed(durations):
                if any(math.isclose(q.value, d.value / unit, rel_tol=0.01) for unit in (60, 3_600)) and not (
                    math.isclose(q.value, d.spoken, rel_tol=0.01)
                ):
                    q = replace(d, start=q.start, end=q.end)
                    break
        out.append(q)
    return out


def over_inputs_period(result: Quantity, inputs: Sequence[Quantity], divide: Sequence[bool] = ()) -> Quantity:
    """A result said without a period is over its inputs' one period: "51 million emails a day at 10 cents per
    thousand is 5,100 dollars" is 5,100 dollars a day, so "..., so 5,000 a month" restates it over a month."""
    periods = {q.per_seconds for q in inputs if q.per_seconds}
    if result.per_seconds or result.kind not in ("money", "count") or len(periods) != 1:
        return result
    if result.kind == "count" and (any(divide) or any(q.kind != "count" for q in inputs)):
        return result
    if any(q.kind == "duration" for q in inputs):
        return result
    return replace(result, per_seconds=periods.pop())


def items_in(
    said: Sequence[Quantity], result: Quantity, earlier: Sequence[Quantity]
) -> tuple[list[Quantity], list[Quantity]] | None:
    """A count of items that fit in a size: "roughly 230 MB a sequence. With 60 GB free on an 80 GB card,
    that's 260 sequences" is the free size over the item's size said before; the card's own size is where
    it sits, not a factor. Returns the inputs and the divisor (none if no item size was said), or None when
    the step is not a count from sizes."""
    if result.kind != "count" or not said or any(q.kind != "bytes" for q in said):
        return None
    total = said[0]
    sizes = [q for q in earlier if q.kind == "bytes" and not q.per_seconds and q.si < total.si]
    # of the sizes said before (the weights, a sequence), the one whose count comes nearest the stated one
    item = sorted(sizes, key=lambda q: abs(math.log(total.si / q.si / result.value)))[:1]
    return [total], item  # with no item size said, one size alone derives no count


def divisor(
    inputs: Sequence[Quantity], result: Quantity, earlier: Sequence[Quantity], fleet: bool = False
) -> list[Quantity]:
    """A number said before that a step divides by, when no `carried_from` applies: the period of an event
    ("each driver pings every four seconds, and with a million drivers that's 250 thousand a second") or
    the rate one unit serves ("each GPU does 10 thousand tokens a second, and we need 2 million a second,
    so 200 GPUs")."""
    if result.kind != "count" or any(q.kind != "count" for q in inputs):
        return []
    if result.per_seconds == 1.0 and all(q.time_power == 0 for q in inputs):
        return [q for q in reversed(earlier) if q.kind == "duration" and q.value <= 600][:1]
    if fleet and result.time_power == 0 and len(inputs) == 1 and inputs[0].time_power == -1:
        rate = inputs[0].si
        return [q for q in reversed(earlier) if q.per_seconds and q.si < rate][:1]
    return []


def once(clause: str, inputs: list[Quantity]) -> list[Quantity]:
    """A count said and at once said again after a comma is one input: "at 4,000 input tokens a turn, 4,000 at
    $2.50 per million is a cent"."""
    out = list(inputs)
    for j in range(len(inputs) - 1, 0, -1):
        a, b = inputs[j - 1], inputs[j]
        # "0.2 percent per send, 0.002 × 51 million": a share said again as a fraction
        same = a.kind == b.kind == "count" or {a.kind, b.kind} == {"count", "percent"}
        if same and math.isclose(a.value, b.value) and _SAID_AGAIN.match(clause[a.end : b.start]):
            del out[j - 1]
    return out


_SAID_AGAIN = re.compile(r"^[^\d,;]*,\s*$")
