"""Stories from earlier jobs: what went wrong there is told, not claimed for this design.

"At my last company the profile was rebuilt nightly, so nothing they watched that evening counted. Here I'd
stream watch events into Redis." The first sentence recounts a past design; the second is the claim. A story
opens on a sentence that places it in an earlier job ("at my last company", "we once", "we got burned") and
runs, sentence by sentence in the past tense, until the answer comes back to the design at hand ("Here I'd",
"So this time", "we'd"). A story told as an endorsement ("what worked for us was ...", "it worked fine") and
the lesson drawn from it ("that taught me to ...") are the candidate's claims, and are read as such.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_PLACE = (
    r"(?:company|job|role|team|employer|place|startup|gig|shop|firm|workplace|org|organisation|organization)"
)
_OPENS = re.compile(
    rf"\b(?:(?:at|in|on)\s+(?:my|our)\s+(?:last|previous|prior|old|former|first)\s+(?:\w+\s+)?{_PLACE}|"
    r"at my previous\b|(?:at|in) a previous (?:\w+ )?" + _PLACE + r"|we once\b|once had\b|years ago\b|"
    r"back (?:then|when)\b|we got burned|got burned\b|burned us\b|bit us\b|bitten by\b|we used to\b|"
    r"(?:in|at) my last\b)",
    re.I,
)
# the answer is back at the design it is asked for
_PRESENT = re.compile(
    r"\b(?:here|this time|these days|for this (?:system|design|one|product|platform)|in this (?:design|system)|"
    r"(?:i|we)'d(?!\s+(?:already\s+|just\s+|never\s+|always\s+|all\s+)?(?:(?![a-z]*(?:eed|bed|shed)\b)[a-z]{2,}ed|"
    r"been|had|done|gone|built|made|seen|taken|kept|lost|left|spent|got|gotten|grown|known|thought|bought|"
    r"brought|sent)\b)|i'll|we'll|i would|we would|i will|we will|let's|i'm going to|we're going to|"
    r"i want|i'd want|we want|my plan|the plan|i propose|i'd propose|i suggest)\b",
    re.I,
)
_PAST = re.compile(
    r"\b(?:was|were|wasn't|weren't|had|hadn't|did|didn't|got|went|took|ran|read|built|made|sat|saw|lost|"
    r"found|kept|fell|grew|blew|broke|came|hit|paid|set|sent|led|left|began|thought|knew|spent|cut|put|shut|(?:i|we|they)'d|"
    r"[a-z]{3,}ed)\b",
    re.I,
)
_NOW = re.compile(r"\b(?:is|are|am|isn't|aren't|has|have|does|do|can|will|would|should|must|need)\b", re.I)
# told to recommend it, or the lesson drawn: the candidate's own claim
_ENDORSED = re.compile(
    r"\b(?:what worked|worked (?:well|fine|great|nicely|for us)|served us well|did the trick|paid off|"
    r"never (?:had|caused|gave us) (?:a |any )?(?:problem|trouble|issue)|no (?:problems|issues|trouble)|"
    r"was the right call|taught (?:me|us)|learned to|learnt to|lesson|so we|and we (?:now|still))\b",
    re.I,
)


def recounted(sentences: Sequence[str]) -> set[int]:
    """The indexes of the sentences that recount an earlier job's design rather than claim one for this one."""
    told: set[int] = set()
    open_story = False
    for i, sentence in enumerate(sentences):
        if _OPENS.search(sentence):
            open_story = True
        if not open_story:
            continue
        if _PRESENT.search(sentence):
            open_story = False  # back at the design at hand: claimed, and the story is over
            continue
        if _ENDORSED.search(sentence) or not _PAST.search(sentence) or _NOW.search(sentence):
            continue
        told.add(i)
    return told
