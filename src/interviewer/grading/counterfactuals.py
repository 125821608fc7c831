"""Branches a speaker names only to rule them out ("Were the budget larger, I'd send everything to the LLM, but
here it only takes the hard requests").

Planning aloud, candidates often say what they would do under other facts before saying what the facts they
were given call for. A counterfactual condition ("Were ...", "Had we ...", "If we had ...", "If the budget
were ...") with a consequence in the conditional ("I'd", "would", "could") and a "but" after it in the same
sentence names a design the speaker does not choose: only what follows the "but" is claimed. The branch is
blanked out with the text's length kept, as words taken back are (`retractions.taken_back`), so quotes map
back onto the answer as written. A present-tense plan ("If the scorer times out, we approve") is a branch the
design takes, and is read as said. An option named as the tempting mistake ("It's tempting to ..., but",
"You might think you need ..., but") is set aside the same way, and so is the interviewer's idea or question
said back ("You suggested ..., but I'd push back", "You asked whether ..."), and an option given low odds before
the speaker turns from it ("maybe a ten percent chance that ..., so I wouldn't ...").
"""

from __future__ import annotations

import re
from functools import lru_cache

from interviewer.grading.retractions import taken_back
from interviewer.grading.status_quo import status_quo_told

# "If the scorer was down, we'd approve the payment, but flag it": a "but" going on with the same plan's next step
_SAME_PLAN = (
    r"(?!\s+(?:also\s+|still\s+)?(?:flag|send|queue|log|fall|serve|return|retry|route|hold|review|keep|mark|show|use|"
    r"approve|decline|drop|skip|cache|alert|page|block|only|not|never|with|without)\b)"
)
_RULED_OUT = re.compile(
    r"(?:^|(?<=[.!?]\s)|(?<=[.!?]\s\s))(?:(?:and|but|so|now|sure|honestly),?\s+)?"
    r"(?:were\s|had\s+(?:we|i|the|our|it|they|there|this|that)\b|"
    r"if\b[^,.;!?]{0,80}?\b(?:had|were|was|could|weren't|wasn't|didn't|did not)\b)"
    r"[^.;!?]*?(?:\b(?:would|could|might)\b|\b(?:i|we|it|that|this|they)'d\b)[^.;!?]*?[,;]\s*but\b"
    + _SAME_PLAN,
    re.I,
)

# "It's tempting to cache the scores for an hour, but ...", "You might think you need a GPU, but ...": an option
# named as the tempting mistake before the speaker turns from it
_TEMPTED = re.compile(
    r"(?:^|(?<=[.!?]\s)|(?<=[.!?]\s\s))(?:(?:and|but|so|now|sure|honestly|of course),?\s+)?"
    r"(?:(?:it's|it is|it'd be|it would be|it can be|it might be)\s+(?:very\s+|so\s+|really\s+)?tempting\s+to|"
    r"(?:you|people|teams|a lot of people|many teams)\s+(?:might|may|could|will|would|often)\s+"
    r"(?:be\s+tempted\s+to|think|assume|expect|reach\s+for)|"
    r"the\s+(?:obvious|tempting|naive|easy)\s+(?:move|choice|answer|approach|option|thing)\s+is)\b"
    r"[^.;!?]*?(?:[,;]|\s[-\u2013\u2014])\s*but\b(?!\s+(?:only|also|still)\b)",
    re.I,
)

# "Suppose we assumed days were independent and shuffled them; they aren't, and the model would learn from next
# week": an assumption named to be rejected, with what it would cost; only a "so we ..." after it is claimed
_ASSUMED_WRONG = re.compile(
    r"(?:^|(?<=[.!?]\s)|(?<=[.!?]\s\s))(?:suppose|say|imagine|if)\s+(?:we|you|i|someone)\s+"
    r"(?:assumed|assume|thought|took it|decided)\b[^.!?]*?[;,:\u2014\u2013-]\s*(?:but\s+)?"
    r"(?:it|they|that|this|those|these|he|she)\s*(?:isn't|aren't|doesn't|don't|wasn't|weren't|won't|wouldn't|"
    r"is not|are not|does not|do not|was not|will not|would not|'s (?:not|wrong|false)|is (?:wrong|false))\b[^.!?]*",
    re.I,
)
# "You suggested clicks as the label, but I'd push back: ...": the interviewer's idea said back to be declined; "You
# asked whether we could rerun the job", "Good question about whether the large model can take every turn": the
# interviewer's question said back, up to where the answer starts
_ATTRIBUTED = re.compile(
    r"(?:^|(?<=[.!?]\s)|(?<=[.!?]\s\s))(?:(?:and|so|now),?\s+)?(?:"
    r"(?:you|the interviewer)(?:\s+also)?\s+(?:suggested|proposed|floated|hinted|pushed for|wanted|were suggesting)\b"
    r"[^.;!?]*?(?:[,;:]|\s[-\u2013\u2014])\s*but\b(?!\s+(?:only|also|still)\b)|"
    r"(?:(?:you|the interviewer)\s+(?:asked|wondered|were asking)(?:\s+me)?|(?:good|great|fair)\s+question,?\s+(?:about|on|of))"
    r"\s+(?:whether|if|what|how|why|where|which|when)\b[^.;:!?]*?(?=[.;:!?]|,\s*(?:so|and|but|which|yes|no|well)\b|$))",
    re.I,
)
# "I'd give maybe a ten percent chance that time spent is the right target, so I wouldn't optimise it": an option
# given low odds to be set aside, up to the "so" that turns from it
_LOW_ODDS = re.compile(
    r"(?:^|(?<=[.!?,;:]\s)|(?<=[.!?]\s\s))[^.;:,!?]*?\b(?:(?:one|two|three|five|ten|fifteen|twenty|[1-9]|[12]\d)\s*"
    r"(?:percent|%)|one[- ]in[- ](?:a[- ])?\w+|(?:small|slim|low|tiny|little)\s+(?:chance|odds))\s+"
    r"(?:chance|odds|likely|sure)\b[^.;:,!?]*?(?:(?=,?\s*(?:so|which is why|and so)\b)|,\s*and\b\s*|,\s*|(?=[.;:!?]|$))",
    re.I,
)
_SO_WE = re.compile(r"[,;:]?\s*\b(?:so|instead|which is why|that's why)\s+(?:we|i|you)\b", re.I)


def ruled_out(text: str) -> str:
    """`text` with each branch named only to be ruled out blanked, up to and including its "but"."""
    out = list(text)
    ruled = (
        *_RULED_OUT.finditer(text),
        *_TEMPTED.finditer(text),
        *_ATTRIBUTED.finditer(text),
        *_LOW_ODDS.finditer(text),
    )
    spans = [(m.start(), m.end()) for m in ruled]
    for m in _ASSUMED_WRONG.finditer(text):
        so = _SO_WE.search(text, m.start(), m.end())
        spans.append((m.start(), so.start() if so else m.end()))
    for start, end in spans:
        for k in range(start, end):
            if not out[k].isspace():
                out[k] = " "
    return "".join(out)


@lru_cache(maxsize=8192)
def unclaimed(text: str) -> str:
    """`text` with what it does not claim blanked out: words taken back, branches ruled out and the current
    system described before it is changed. Cached: coverage reads the same sentences again for every key point."""
    return status_quo_told(ruled_out(taken_back(text)))
