"""A cap a question's facts put on what the system may do by itself: "refunds under $100 only" is broken by a
bot that issues "refunds of up to five hundred dollars". An amount over the cap counts only when it is said as
what the system may do (a limit, "up to", "under"), not when what is over it is handed on ("anything over $500
goes to a human") or refused."""

from __future__ import annotations

import re

from interviewer.content.claims import Constraint
from interviewer.grading.quantities import quantities, words_to_digits
from interviewer.grading.stance import mentions

# "up to $500", "a limit of $250", "under five hundred dollars", "refunds of $300"
_AS_LIMIT = re.compile(
    r"\b(?:up to|under|below|less than|at most|no more than|as much as|limit(?:ed)? (?:of|to|at)|capped at|"
    r"cap of|max(?:imum)?(?: of)?|of|worth)\s+(?:about\s+|around\s+|roughly\s+)?\$?\s*$",
    re.I,
)
# what is over the cap goes elsewhere: "anything bigger goes to a human", "escalated", "needs an agent"
_HANDED_ON = re.compile(
    r"\b(?:human|agent|escalat\w*|hand(?:s|ed)? (?:it |them )?(?:off|over|on)|handoff|hand-off|person|manager|"
    r"supervisor|refuse[sd]?|declines?|never)\b",
    re.I,
)


def over_cap(clause: str, constraint: Constraint) -> str | None:
    """Why `clause` lets the system go past the `cap` constraint's `max`, or None."""
    assert constraint.max is not None
    clause = words_to_digits(clause)
    if not any(m.asserted for m in mentions(clause, constraint.subject)):
        return None
    for q in quantities(clause):
        # what is handed on is said before the amount or in its own phrase ("refunds up to $500 need an agent");
        # not in a later one ("up to $500 once the customer confirms, and only larger ones go to a human")
        own = clause[: q.end] + clause[q.end :].split(",", 1)[0]
        if (
            q.kind == "money"
            and q.value > constraint.max
            and _AS_LIMIT.search(clause[max(0, q.start - 30) : q.start])
            and not _HANDED_ON.search(own)
        ):
            return f"${q.value:,g} is past the ${constraint.max:,g} the system may handle by itself."
    return None
