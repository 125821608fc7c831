"""A short second-person echo of what the candidate said: "I'd cache candidates in Redis" is acknowledged as
"you'd cache candidates in Redis". A choice made by its place among options weighed just before ("We could keep
full logs for a month, or keep them short. I'd do the second.") is echoed in the option's own words, never as
"you'd do the second". A story from an earlier job is not echoed: it is not the design at hand, and neither
are words taken back ("I'd autoscale on CPU, wait, no, on queue depth" is echoed as "you'd autoscale on queue
depth").
"""

from __future__ import annotations

import re

from interviewer.grading.counterfactuals import unclaimed
from interviewer.grading.options import chosen_option, weighed_options
from interviewer.grading.stories import recounted
from interviewer.interview.reading import sentences

_FIRST_PERSON = (
    (r"\bI'm\b", "you're"),
    (r"\bI am\b", "you're"),
    (r"\bI'd\b", "you'd"),
    (r"\bI'll\b", "you'll"),
    (r"\bI've\b", "you've"),
    (r"\bI\b", "you"),
    (r"\bmy\b", "your"),
    (r"\bme\b", "you"),
    (r"\bmyself\b", "yourself"),
)
_LEADING = re.compile(
    r"^(?:(?:um+|uh+|er+|so|okay|ok|well|yeah|right|and|but|like|i think|basically),?\s+)+", re.I
)
# "the second", "the latter one": a choice a listener cannot follow without the options
_BY_PLACE = re.compile(r"\bthe\s+(?:first|second|former|latter)\b(?!\s+(?:time|step|thing|of)\b)", re.I)


def echo_of(sentence: str, max_words: int = 12) -> str | None:
    """A short second-person echo of what the candidate said, or None when it would not read well."""
    clause = _LEADING.sub("", sentence.strip()).rstrip(".!?")
    clause = re.split(r",?\s+\b(?:because|since|so that|which means|as)\b", clause, maxsplit=1)[0]
    clause = re.sub(r"^we should\b", "you'd", clause, flags=re.I)
    if "," in clause and len(clause.split()) > max_words:
        clause = clause.split(",")[0]
    if not clause or len(clause.split()) > max_words or len(clause.split()) < 3 or "?" in clause:
        return None
    if _BY_PLACE.search(clause):
        return None
    for pattern, repl in _FIRST_PERSON:
        clause = re.sub(pattern, repl, clause, flags=re.I)
    if not re.match(r"^(you|we|the|a|an|it|caching|using|use)\b", clause, re.I):
        return None
    return clause[0].lower() + clause[1:]


def echo_in(text: str, sentence: str) -> str | None:
    """The echo of `sentence`, one of `text`'s, with a choice by place said as the option chosen."""
    said = sentences(text)
    at = next((i for i, s in enumerate(said) if sentence.strip() in s or s in sentence), None)
    if at is not None and at in recounted(said):
        return None  # "we marked every quiet payment legitimate": a past job's story, not the design to echo
    if at and _BY_PLACE.search(sentence):
        option = chosen_option(sentence, weighed_options(said[at - 1]))
        return echo_of(f"I'd {option}") if option else None
    return echo_of(" ".join(unclaimed(sentence).split()))
