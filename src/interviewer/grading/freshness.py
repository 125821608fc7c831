"""How fresh a design keeps its data: the bound it says its staleness stays within, a cache's lifetime, and
whether a period said is asserted or denied ("not once a day")."""

from __future__ import annotations

import re

# "Entries live about an hour, since stock changes are small": a lifetime said before what it keeps
CACHE_LIFE = re.compile(
    r"\b(?:entries|cache[sd]?|cached|results)\b[^,]*\b(?:live|lives|lasts?|expires?)\b|\bttl\b", re.I
)
_BOUND = re.compile(
    r"\b(?:within|under|at most|less than)\b(?:\s+(?:about|roughly|around|a|an|the|one|(\d+(?:\.\d+)?)))*\s*"
    r"(sec(?:ond)?|min(?:ute)?|hour|day|week)?",
    re.I,
)
_UNIT_SECONDS = {"sec": 1, "min": 60, "hou": 3600, "day": 86400, "wee": 604800}


def bounded_within(segment: str, limit: float) -> bool:
    """Whether the segment bounds its staleness inside `limit` ("fresh within five minutes, with an hourly
    backfill"); a bound past it excuses nothing ("shows up within the hour or so")."""
    for m in _BOUND.finditer(segment):
        if not m.group(2):
            return True  # a bound said without its time: give it the benefit of the doubt
        if float(m.group(1) or 1) * _UNIT_SECONDS[m.group(2)[:3].lower()] <= limit:
            return True
    return False


# A period is denied only by a plain negator before it in its segment ("not once a day", "never hourly"):
# "drops out by the next day" keeps the day, though "drop" rejects what it governs elsewhere.
_PLAIN_NEGATOR = re.compile(
    r"(?<![\w-])(?:not|no|never|without|instead of|rather than|\w+n't|cannot)\b", re.I
)


def period_asserted(text: str, start: int) -> bool:
    before = text[:start]
    cut = max((m.end() for m in re.finditer(r",|;|\bbut\b", before)), default=0)
    return not _PLAIN_NEGATOR.search(before[cut:])


# "an hourly batch job that aggregates ... / and turns the counts into a multiplier": a periodic job, and a piece of
# a sentence that goes on to say what it produces
GOES_ON_WITH_JOB = re.compile(
    r"^\s*(?:and|then|which|that)\s+(?:then\s+)?(?:turns|writes|computes|produces|folds|publishes|pushes|stores|emits)\b",
    re.I,
)
PERIODIC_JOB = re.compile(
    r"\b(?:hourly|nightly|daily|weekly)\s+(?:batch\s+)?(?:job|batch|run|spark job|etl|cron)\b(?=[^,;]{0,40}\b(?:that|which)\b)",
    re.I,
)


def spoken_duration(seconds: float) -> str:
    """ "1 hour", "3 days", "90 seconds": a period as it is said."""
    for size, name in ((86_400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            n = seconds / size
            return f"{n:g} {name}" + ("s" if n != 1 else "")
    return f"{seconds:g} seconds"
