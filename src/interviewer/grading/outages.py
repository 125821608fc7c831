"""Designs that pass a dependency's outage on to the user, against an availability target.

"Uploads are held as pending until the classifiers come back", "on a miss it declines the payment until scoring
recovers" and "if one shard misses it we return an error and let the client retry" each make the product fail
whenever one of its parts does, where a fallback (rules, a cached list, partial results) would have answered.
"""

from __future__ import annotations

import re

from interviewer.grading.stance import is_asserted

# "uploads are held as pending until the classifiers come back", "it parks the authorisation until the model is
# back": what users wait for is held while a dependency is down, so the product is down with it
_RECOVERY = (
    r"[^.;]{0,60}?\b(?:comes? back|returns?\b(?!\s+(?:a|an|the|its|their|some|with|\d))|(?:is|are|'s|'re) back|back up|back online|recover\w*|"
    r"(?:is|are|gets?) restored|up again|healthy again|(?:lands?|finish(?:es)?|complet(?:es)?|succeeds?)|(?:fresh|new) (?:data|counts|features|scores) (?:arrives?|comes? in)|"
    r"(?:a|the) (?:next )?(?:track|song|result|answer|response|score|reply|estimate) (?:arrives?|comes? in)|"
    r"(?:the|a) (?:model|scorer|ranker|service|classifier|estimator) (?:answers|responds|replies))\b"
)
_HELD_TILL_BACK = re.compile(
    r"\b(?:(?:hold|held|holding|holds)(?!\s+(?:against|up\b|steady|true|firm))|park(?:s|ed|ing)?|waits?|waiting|pending|only (?:be )?(?:published|posted|"
    r"released|approved|served|sent|shown)|"
    # "the client pauses and shows a retry prompt until the ranker recovers", "returns no price until ..."
    r"paus(?:e|es|ed|ing)|returns? (?:no|nothing|an error|errors)|"
    r"shows? (?:a |an )?(?:[\w-]+ ){0,2}?'?(?:retry|error|try again)|"
    r"declin(?:e|es|ed|ing)|reject(?:s|ed|ing)?|refus(?:e|es|ed|ing))"
    r"\b[^.;]{0,140}?\b(?:until|till|once|when)\b" + _RECOVERY,
    re.I,
)
# "if one shard misses it we return an error and let the client retry": a part's failure passed to the user
_ERRORS_OUT = re.compile(
    r"\b(?:return|returns|returning|show|shows|showing|serve|serves|surface|surfaces|throw|throws)\s+"
    r"(?:an?\s+|the\s+)?(?:(?:short|small|friendly|generic|simple|plain|polite)\s+)?(?:error|errors|5\d\d|error page)\b",
    re.I,
)
# "we hold requests for the heavy ranker and fail the ones that still time out"
_FAILED_OUT = re.compile(
    r"\bfail(?:s|ing)? (?:the ones|them|those|the requests|the queries|the rest|the calls)\b"
    r"(?= (?:that|which) (?:still )?(?:time out|times out|miss|misses|don't answer|exceed))",
    re.I,
)
_PART_FAILS = re.compile(
    r"\b(?:if|when|whenever|once)\b[^.;]{0,60}?\b(?:miss(?:es|ed)?|times? out|timed out|down|unavailable|"
    r"unreachable|fails?|failing|lags?|slow|trips|falls over|crash(?:es)?|breaks)\b",
    re.I,
)
# the rest of a hold cut off from its verb: "... holding the order button / until an estimate comes back"
_BACK = re.compile(r"^\s*(?:until|till|once)\b" + _RECOVERY, re.I)


def resumes_hold(text: str) -> bool:
    """Whether `text` opens on the rest of a hold cut off from its verb ("until an estimate comes back")."""
    return bool(_BACK.match(text))


def outage_passed_on(clause: str) -> str | None:
    """Why `clause` lets a dependency's outage reach the user, if it asserts such a design."""
    held = _HELD_TILL_BACK.search(clause)
    if held and is_asserted(clause, held.start(), held.end()):
        return "That holds everything while a dependency is down, so the product is down with it."
    failed = _FAILED_OUT.search(clause)
    if failed and is_asserted(clause, failed.start(), failed.end()):
        return "That turns one part's failure into an error for the user, where a fallback would answer."
    fails = _PART_FAILS.search(clause)
    error = _ERRORS_OUT.search(clause, fails.end()) if fails else None
    if error and is_asserted(clause, error.start(), error.end()):
        return "That turns one part's failure into an error for the user, where a fallback would answer."
    return None


# "a circuit breaker that opens only if errors stay above half of all requests for fifteen minutes"
_SLOW_SWITCH = re.compile(
    r"\b(?:breaker|fallback|fall back|fails? over|failover|switch(?:es)?|kicks? in|opens?|trips?)\b[^.;]{0,80}?"
    r"\b(?:for|after|of|lasting)\s+(?:about\s+|roughly\s+|around\s+|a full\s+|at least\s+)?(\d+(?:\.\d+)?)\s*"
    r"(minutes?|mins?|hours?)\b",
    re.I,
)


def slow_switch(clause: str, availability: float) -> str | None:
    """Why a fallback that starts only after a long wait spends the availability budget, if `clause` says one.

    At 99.95% a month allows about 22 minutes of outage; a breaker that waits fifteen minutes of errors before
    it opens spends most of that before anyone is served the fallback."""
    budget = (100.0 - availability) / 100.0 * 30 * 24 * 60
    for m in _SLOW_SWITCH.finditer(clause):
        wait = float(m.group(1)) * (60.0 if m.group(2).lower().startswith("h") else 1.0)
        if budget > 0 and wait >= budget / 2 and is_asserted(clause, m.start(), m.end()):
            return (
                f"Waiting {wait:g} minutes before the fallback starts spends most of the {budget:.0f} minutes of "
                "outage a month the target allows."
            )
    return None
