"""Prices and shares said per thousand or per million: "is about $2.3 per million tokens" is a price of one token
worked out, "three per thousand products" a share. The thousand or million is what the number is per, not a number
of its own; a step may still leave it unsaid ("... at fifteen cents per million is $9K, and sixty billion output at
sixty cents is $36K"), so it stays at hand as context (`recompute.scale_context`)."""

from __future__ import annotations

import re
from dataclasses import replace

from interviewer.grading.quantities import Quantity

# a price worked out per thousand or per million ("... is about $2.3 per million"); a price given as an input keeps
# its thousand or million as a number of its own, which a step may multiply by or divide by
_AS_RESULT = re.compile(
    r"(?:\bis|\bare|\bworth|=|≈|\bcomes? to|\bworks? out (?:at|to)|\bgives?|\barrives? at)\s+(?:about |roughly |around |~)?\$?\s*$",
    re.I,
)
_PER_SCALE = re.compile(
    # "twenty dollars a thousand impressions" is read "20 dollars 1000 impressions"
    r"^\s*(?:(?:cents?|dollars?)\s+(?:(?:per|a|for every|every)\s+)?|(?:per|a|for every|every)\s+)"
    r"(?:1,?000,?000|1,?000)\b(?!\s*(?:seconds?|s\b|ms))"
)


def priced(clause: str, qs: list[Quantity]) -> list[Quantity]:
    """A price worked out per thousand or per million ("is about $2.3 per million") as the price of one unit, with
    what it is per kept, and a count per thousand ("three per thousand products") as a share; the thousand or
    million it is per is not a number of its own."""
    out: list[Quantity] = []
    skip: Quantity | None = None
    for k, q in enumerate(qs):
        after = qs[k + 1] if k + 1 < len(qs) else None
        scale = _PER_SCALE.match(clause[q.end :]) if after and after.value in (1e3, 1e6) else None
        if q is skip:
            continue
        if (
            after
            and scale
            and q.kind == "money"
            and _AS_RESULT.search(clause[max(0, q.start - 30) : q.start])
        ):
            out.append(replace(q, value=q.value / after.value, said=None, per=after.value, end=after.end))
        # "three per thousand products", "3 per 1,000 sessions": a share
        elif after and scale and q.kind == "count" and q.value < after.value and "per" in scale.group(0):
            out.append(Quantity(q.value / after.value, q.start, after.end, "percent"))
        else:
            out.append(q)
            continue
        skip = after
    return out
