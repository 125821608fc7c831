"""How a calculation carries from one sentence of an answer to the next.

"75 billion writes a day. Dividing by 86,400, that's ..." continues from the number the sentence before ended
on (`CONTINUES`, `last_quantity`); "Sixty billion over that is ..." names it (`THAT`); "So roughly 3.5 million a
second" opens on the result of an operation the sentence before left open (`OPENS_ON_RESULT`,
`opens_on_result`). `HARD_SENTENCE` splits an answer where a calculation may not run on; `repaired` drops a
result the speaker took back at once ("about 3,500 a second, no wait, 35,000").
"""

from __future__ import annotations

import re

from interviewer.grading.delivery import strip_fillers
from interviewer.grading.quantities import quantities, words_to_digits
from interviewer.grading.signals import ABBREVIATIONS

# "so that's... 3.75 billion": a spoken pause before a lower-case word or a digit ends no sentence
HARD_SENTENCE = re.compile(
    # typed "approx. 3k", "incl. peaks": an abbreviation's full stop ends no sentence before a lower-case word
    # nor does a list's number ("3. × 2.5 at dinner ≈ 70,000/s")
    r"(?<=[.!?])(?<!\.\.\.)(?<!^\d\.)(?<!\n\d\.)(?<!^\d\d\.)(?<!\n\d\d\.)(?:"
    + "".join(f"(?<!{a})" for a in ABBREVIATIONS)
    + r"\s+|\s+(?=[A-Z]))|(?<=\.\.\.)\s+(?![a-z0-9])|\n+"
)
CONTINUES = re.compile(
    # "- / 86.4k ≈ 1.2M writes/s": a typed line may open on the operation, after its bullet
    r"^\s*(?:[-*•]\s+)?(?:[/÷×](?=\s*[~$]?\d)|(?:and |so |then )?(?:divid\w*|times|multipl\w*|over|that over|that times|"
    r"spread (?:out )?(?:over|across)|averaged? (?:out )?over|on average over|"
    # "Per second, 37.5 billion over 86,400 ...": a sum of its own, not the number before continued
    r"per sec\w*(?![\s,]+[\d.,]+(?:\s+\w+)?\s+(?:over|divided by)\b))\b)",
    re.I,
)
# "Sixty billion over that is ...": "that" is the number the sentence before ended on
THAT = re.compile(r"\b(over|divided by|times|multiplied by)\s+(?:that|this)\b(?!\s+(?:many|much)\b)", re.I)
_PERIOD_NAMES = {1.0: "sec", 60.0: "minute", 3600.0: "hour", 86_400.0: "day", 604_800.0: "week"}


OPENS_ON_RESULT = re.compile(
    r"^\s*(?:so|that's|that is|which is|that gives|this gives|giving|call it|(?:that|which) works? out(?: to| at)?)\b,?\s*"
    r"(?:(?:about|around|roughly|approximately|nearly|maybe|call it|that's|it's)\b,?\s*)*[~$]?\d",
    re.I,
)


# "At ten thousand per GPU that's seven GPUs": a rate per unit that divides the number the sentence before ended on
_PER_UNIT = re.compile(
    r"^\s*(?:(?:and|so|then)\s+)?at\s+(?:about\s+|roughly\s+|around\s+)?[~$]?\d[\d.,]*\s*(?:k\b)?\s*"
    r"(?:[a-z-]+\s+){0,2}?(?:per|a|an|each)\s+(?:gpu|instance|node|server|core|machine|replica|pod|box|worker|host|"
    r"shard|container|card|accelerator)s?\b(?![^.]*\b(?:over|divided by|into)\s+[~$]?\d)",
    re.I,
)


def continues(sentence: str) -> bool:
    """Whether a sentence goes on from the number the one before ended on ("Divide by 86,400 ...")."""
    bare = strip_fillers(sentence)
    return bool(CONTINUES.match(bare) or _PER_UNIT.match(words_to_digits(bare)))


def opens_on_result(sentence: str) -> bool:
    return bool(OPENS_ON_RESULT.match(words_to_digits(strip_fillers(sentence))))


def last_quantity(sentence: str) -> str:
    """The last number of a sentence, written so a following "Dividing by..." can continue from it."""
    found = quantities(words_to_digits(strip_fillers(sentence)))
    if not found:
        return ""
    q = found[-1]
    number = format(q.spoken, "f").rstrip("0").rstrip(".")
    if q.kind == "duration":
        return f"{format(q.value, 'f').rstrip('0').rstrip('.')} secs"
    if q.per_seconds in _PERIOD_NAMES:
        return f"{number} per {_PERIOD_NAMES[q.per_seconds]}"
    if q.kind == "money":
        return f"${number}"
    if q.kind == "bytes":
        return f"{format(q.value, 'f').rstrip('0').rstrip('.')} bytes"
    return number if q.kind == "count" else ""


# a result said and taken back at once: "about 3500 a second, no wait, 35000 a second"
_SELF_REPAIR = re.compile(
    r"\b\d[\d.,]*\s*(?:%|percent|[kmb]\b)?(?P<unit>\s+(?:a|an|per)\s+[a-z]+)?,?\s+(?:(?:no|wait|well|sorry|i mean|"
    r"make that|scratch that|actually)\b,?\s+)+"
    r"(?P<new>(?:about\s+|roughly\s+|around\s+|more like\s+|closer to\s+|nearer\s+|call it\s+)?\d[\d.,]*"
    r"(?:\s*(?:%|percent|[kmb]\b))?)(?P<own>\s+(?:a|an|per|each|every)\s)?",
    re.I,
)


def repaired(text: str) -> str:
    """`text` with the results a speaker took back blanked out, its length kept; the result said instead keeps
    the unit of the one taken back when it has none of its own ("5000 a second, no, closer to 5800 on average")."""

    def _repair(m: re.Match[str]) -> str:
        taken_back = m.start("new") - m.start()
        if m.group("unit") and not m.group("own"):
            return f"{m.group('new')}{m.group('unit')}".ljust(len(m.group()))
        return " " * taken_back + m.group()[taken_back:]

    return _SELF_REPAIR.sub(_repair, text)


_ARROW = re.compile(r"\u2192|->|=>")
_OPERATOR_AHEAD = re.compile(
    r"[^;.\u2192]*?(?:\u00f7|\u00d7|\*|\s/\s|\d\s*/\s*\d|\btimes\b|\bdivided by\b)"
)  # "MB/seq" is a unit


def arrows(text: str) -> str:
    """An arrow starts a new step when a calculation follows it ("200 QPS an instance -> 25K / 200 = 125"); else
    it gives a result ("25K / 200 -> 125 rankers"). The text keeps its length."""
    return _ARROW.sub(
        lambda m: (
            ";".ljust(len(m.group())) if _OPERATOR_AHEAD.match(text, m.end()) else "=".ljust(len(m.group()))
        ),
        text,
    )


# "70 gigabytes, so roughly 56 seconds over a 10-gigabit link": the link a transfer time is taken over, said after it
_LINK_AFTER = re.compile(
    r"(?P<cue>,?\s*(?:so|that's|which is|which takes|it takes|takes)\s+(?:(?:roughly|about|around|only|just)\s+)*)"
    r"(?P<time>\d[\d.,]*\s*(?:ms|milliseconds?|seconds?|secs?|minutes?|mins?|hours?))(?P<gap>\s+)"
    r"(?P<link>(?:over|on|across|through)\s+(?:a|an|the|one)\s+\d[\d.,]*[\s-]*"
    r"(?:gigabit|gbit|gbps|megabit|mbps|terabit)s?(?:[\s-]+(?:link|network|nic|connection|pipe|uplink|ethernet))?)",
    re.I,
)


def link_first(text: str) -> str:
    """A link said after the time a transfer over it takes, moved before it ("70 GB over a 10-gigabit link, so
    roughly 56 seconds"), so the time reads as the result. The text keeps its length."""
    return _LINK_AFTER.sub(lambda m: f"{m['gap']}{m['link']}{m['cue']}{m['time']}", text)


# "20 thousand tokens a second, and a day's got 86,400 seconds, so ...": the seconds of a period said in passing,
# which neither start a new calculation nor count as one of its inputs
_PERIOD_ASIDE = re.compile(
    r",\s*and\s+(?:a|one)\s+(?:day|hour)(?:'s|\s+has|\s+is)(?:\s+got)?\s+(?:about\s+)?(?:86,?400|3,?600)\s+"
    r"sec(?:ond)?s\b",
    re.I,
)
# "200M profiles active in 30d", "users seen in the last 7 days": the window a count is taken over, not a factor
_WINDOW = re.compile(
    r"\b(?:in|within|over)\s+(?:the\s+)?(?:(?:last|past)\s+)?\d+\s*(?:d|days?|wks?|weeks?|months?)\b(?=\s*[×x*]|\s+times\b)",
    re.I,
)


# "a ranker handles 400 requests a second over its 1000 candidates": what each request covers, not a divisor
_OVER_ITS = re.compile(r"\bover\s+(?:its|their)\s+(?:~\s*)?\d[\d,.]*\s*[kmb]?\s+[a-z-]+", re.I)


def asides(clause: str) -> str:
    """`clause` with numbers said in passing blanked out, its length kept: the seconds of a period ("and a day's
    got 86,400 seconds") and the window a count is taken over ("200M profiles active in 30d × 15k titles")."""
    clause = _OVER_ITS.sub(
        lambda m: " " * len(m.group()), _PERIOD_ASIDE.sub(lambda m: " " * len(m.group()), clause)
    )
    return _WINDOW.sub(lambda m: " " * len(m.group()), clause)
