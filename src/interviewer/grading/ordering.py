"""The order of an event and its check, said in words the constraint's subject list need not hold: "we approve
the payment first and score it afterwards", "once it's published, the classifier checks it", "the switch approves
the payment and puts it to Kafka, and the fraud service reads from Kafka and scores it"."""

from __future__ import annotations

import re
from collections.abc import Sequence

from interviewer.content.claims import Constraint
from interviewer.grading.stance import mentions

# "We approve the payment first and score it afterwards", "once it's published, the classifier checks it":
# the event comes first in the sentence and the check follows, in words the subject list need not hold.
_FIRST = re.compile(r"\b(?:first|straight away|right away|immediately|up front|upfront)\b", re.I)
THEN_LATER = re.compile(
    r"\b(?:afterwards?|after that|after(?=[\s.!]*$)|later|then|subsequently|eventually|asynchronously|async|"
    r"in the background|out of band)\b",
    re.I,
)
_EVENT_DONE = re.compile(r"^\s*(?:(?:and|so|but)\s+)?(?:only\s+)?(?:after|once)\b", re.I)
_CHECK_VERBS = re.compile(
    r"\b(?:scor\w*|check\w*|scan\w*|classif\w*|moderat\w*|screen\w*|review\w*|match\w*|"
    r"run (?:it|them) through|runs? the (?:model|classifier|check)|look(?:s|ed)? at (?:it|them)|"
    r"(?:publish|send|pass|hand|forward)\w* (?:it |them )?(?:off |on |over )?to (?:the |our |a )?\w*\s?"
    r"(?:fraud|risk|moderation|safety|model|classifier|scor\w*|check\w*|review\w*))",
    re.I,
)


def after_event_first(parts: Sequence[str], constraint: Constraint) -> bool:
    """Whether a clause lets the event happen first and runs the check after it, in either order of
    words: "we approve the payment first and score it afterwards", "after it goes live we scan it"."""
    events = list(constraint.before)
    for i, part in enumerate(parts):
        said = [m for m in mentions(part, events) if m.asserted]
        if not said or re.search(r"\bbefore\b", part, re.I):
            continue
        rest = parts[i + 1 : i + 3]
        if _EVENT_DONE.match(part) and any(
            _CHECK_VERBS.search(r) and not re.search(r"\bbefore\b", r, re.I) for r in rest
        ):
            return True
        if _FIRST.search(part) and any(
            _CHECK_VERBS.search(r) and THEN_LATER.search(r) and not re.search(r"\bbefore\b", r, re.I)
            for r in rest
        ):
            return True
        # "the switch approves the payment and puts it to Kafka, and the fraud service reads from Kafka and
        # scores it": the check reads what the event already let through off a queue
        later = parts[i + 1 : i + 4]
        if any(_FROM_QUEUE.search(r) for r in later) and any(_CHECK_VERBS.search(r) for r in later):
            return True
        # "the switch approves and publishes the payment to Kafka, and the scoring service consumes it"
        if any(_TO_QUEUE.search(r) for r in parts[i : i + 2]) and any(
            _CONSUMES.search(r) and _CHECK_VERBS.search(r) for r in later
        ):
            return True
    return False


_TO_QUEUE = re.compile(
    r"\b(?:publish\w*|puts?|writes?|emits?|sends?|pushes?)\b[^,;]{0,40}\b(?:to|on|onto|into)\s+(?:the\s+|a\s+)?"
    r"(?:kafka|queue|topic|stream)\b",
    re.I,
)
_CONSUMES = re.compile(r"\b(?:consum\w*|picks? (?:it|them) up|reads? (?:it|them)\b)", re.I)
_FROM_QUEUE = re.compile(
    r"\b(?:reads?|reading|consum\w*|pulls?|pulling|picks? (?:it|them) up)\s+(?:it\s+|them\s+)?(?:from|off)\s+"
    r"(?:the\s+)?(?:kafka|queue|topic|stream)\b",
    re.I,
)
