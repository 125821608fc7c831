"""The current system described before the candidate changes it: the status quo is told, not claimed.

"Today the feed ranker is tuned to maximise time spent. I'd replace that target." A candidate who frames a design
as a migration says what the existing system does, often something the facts rule out, and then what they would
change. A sentence that opens on the present state ("Today ...", "Right now ...", "Currently ...", "At the
moment ...", "As it stands ...", "The existing ...", "The legacy ...", "The current system ...") describes it: it
is blanked, with the text's length kept (as words taken back are), up to the first place the candidate speaks
for their own design in it ("...; I'd replace that with ..."). A status quo the candidate keeps ("I'd keep that
as the north star", "..., which I'd keep", "that stays") is their claim, and is read as said.
"""

from __future__ import annotations

import re

from interviewer.grading.supposed import HARM

_NOW = re.compile(
    r"(?:^|(?<=[.!?]\s)|(?<=[.!?]\s\s))(?:(?:and|so|but|well|okay|ok),?\s+)?"
    r"(?:today(?!'s)|right now|currently|at the moment|as it stands|as things stand|at present|"
    r"(?:the|our) (?:existing|legacy|old)\b|"
    # "The current send decision emails ...", not "The current session's skips ..."
    r"(?:the|our) current (?!session|window|hour|day|week|month|context|user|page|request|state|time|location|"
    r"conversation|turn|query|order|trip|cell|zone|price|stock|value|feature|ping)(?:[a-z-]+\s+){1,2}"
    r"(?=(?:is|are|does|do|has|runs?|uses?|sends?|emails?|ranks?|scores?|trains?|takes?|builds?|reads?|writes?|"
    r"caches?|retries|serves?|calls?|checks?|treats?|counts?|keeps?|drops?|waits?)\b)|"
    r"(?:the|our) current (?:system|setup|set-up|pipeline|design|"
    r"implementation|version|stack|service|job|process|approach|one|policy|rule|model|ranker|scorer|cache|"
    r"bot|dashboard|target|objective|metric|team|fleet|index|schedule|routing|rollout)\b|"
    r"in the (?:current|existing|legacy) (?:system|setup|set-up|pipeline|design|stack))",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
# the candidate's own design starts here within the sentence
_OWN = re.compile(
    r"(?:[,;:]|\s[-\u2013\u2014])\s*(?P<own>(?:(?:so|and|but|then|instead|here),?\s+)?(?:i'd|we'd|i would|we would|"
    r"i'll|we'll|i will|we will|i want|i propose|my plan|the plan|let's)\b)",
    re.I,
)
# the status quo kept: "I'd keep that", "which I'd keep", "that stays", "I'd leave it as it is"
_KEPT = re.compile(
    r"\b(?:i'd|we'd|i would|we would|i'll|we'll|i will|we will|i)\s+(?:\w+\s+)?(?:keep|leave|retain|stick with|"
    r"hold on to|not touch)\b(?!\s+(?:\w+\s+)?(?:out|away|off)\b)|"
    r"\b(?:that|it|this|which)\s+(?:can\s+|should\s+|will\s+)?(?:stays?|remains?)\b|"
    r"\b(?:is|are|that's)\s+(?:fine|right|sound|correct|what we want)\s+(?:as it is|as is|already)\b|"
    r"\bno (?:need|reason) to change\b",
    re.I,
)
# what the kept sentence refers back to: "I'd keep that", "I'd keep the caps", "keep that hourly batch"
_KEEPS_IT = re.compile(
    r"^\W*(?:(?:so|and|but|honestly|frankly|here),?\s+)?(?:i'd|we'd|i would|we would|i'll|we'll|i will|we will)\s+"
    r"(?:\w+\s+)?(?:keep|leave|retain|stick with)\b|^\W*(?:that|it|this)\s+(?:can\s+|should\s+)?(?:stays?|remains?)\b",
    re.I,
)


# the reason the current system goes, said just after it: "That join is a leak: ...", "Straight-line distance misses
# rivers, so ...", "Taking the top thirty often gives one artist a third of the list, so I'd replace it ..."
_CHANGE = re.compile(
    r"(?:[,;:]|\s[-\u2013\u2014])\s*(?:so|and|which is why|that's why)\s+(?:i'd|we'd|i would|we would|i'll|we'll)\s+"
    r"(?:\w+\s+)?(?:replace|retire|switch|move|swap|drop|change|rebuild|redo)\b",
    re.I,
)
_THEN_SO = re.compile(r",\s*so\s+", re.I)


def status_quo_told(text: str) -> str:
    """`text` with the current system's description blanked wherever the candidate does not keep it, and the
    reason it goes when the sentence after it gives one."""
    out = list(text)

    def blank(start: int, stop: int) -> None:
        for k in range(start, stop):
            if not out[k].isspace():
                out[k] = " "

    for m in _NOW.finditer(text):
        end = _SENTENCE_END.search(text, m.end())
        stop = end.end() if end else len(text)
        sentence = text[m.start() : stop]
        following = text[stop : stop + 200].lstrip()
        if _KEPT.search(sentence) or _KEEPS_IT.match(following):
            continue  # "..., and I'd keep that", "Today X. I'd keep that as the north star": claimed
        own = _OWN.search(text, m.end(), stop)
        blank(m.start(), own.start("own") if own else stop)
        if own:
            continue
        start = stop + len(text[stop:]) - len(text[stop:].lstrip())
        after = _SENTENCE_END.search(text, start)
        close = after.end() if after else len(text)
        if _SHORT_CHANGE.match(text[start:close]):  # "I'd retire that." and then why
            start = close + len(text[close:]) - len(text[close:].lstrip())
            after = _SENTENCE_END.search(text, start)
            close = after.end() if after else len(text)
        said = text[start:close]
        if change := _CHANGE.search(said):
            blank(start, start + change.start())  # "..., so I'd replace it with ...": the reason it goes
        elif not _FIRST_PERSON.search(said) and HARM.search(said):
            cut = _THEN_SO.search(
                said
            )  # "... misses rivers, so both legs get routed times": what follows is claimed
            blank(start, start + cut.start() if cut else close)
    return "".join(out)


_FIRST_PERSON = re.compile(
    r"\b(?:i'd|we'd|i'll|we'll|i would|we would|i will|we will|let's|i want|we want|i propose|my plan)\b",
    re.I,
)
_SHORT_CHANGE = re.compile(
    r"^\W*(?:(?:so|and|but|then)\s+)?(?:(?:i'd|we'd|i would|we would|i'll|we'll)\s+(?:\w+\s+)?(?:replace|retire|change|"
    r"switch|drop|swap|rethink|redo|rework|move off|move away from)\s+(?:that|it|this|them|those|the \w+)(?:\s+\w+)?|"
    r"(?:that|this|it)\s+(?:goes|has to go|must go|changes|has to change))\W*$",
    re.I,
)


# "I'd keep that as the goal", "I'd keep that definition": the current system's metric kept as the candidate's goal
_AS_GOAL = re.compile(
    r"^\W*(?:(?:so|and|honestly),?\s+)?(?:i'd|we'd|i would|we would|i'll|we'll)\s+keep\s+(?:that|it|this)\s+"
    r"(?:as\s+(?:the|our)\s+(?:goal|target|objective|north star|headline|main metric|success metric)|"
    r"definition|target|objective|metric|headline|measure)\b",
    re.I,
)


def kept_as_goal(following: str) -> bool:
    """Whether the sentence after a description of the current system keeps its metric as the goal."""
    return bool(_AS_GOAL.match(following))
