"""Wrong objectives, and serious wrong claims, are wrong in every phase: the key points whose wrong claims say
what a system optimises or would do real harm (an LLM called on every request, a check run after the event).

A candidate who says in a deep dive that the ranker's weights are tuned "with experiments on time spent" names a
wrong objective as surely as one who says it when the requirements are set, so a drill of any phase also looks
for the objective's wrong claims; an LLM put on the request path while the architecture is drawn is as costly as
one put there while optimising.
"""

from __future__ import annotations

from interviewer.content.claims import GOAL_TERMS
from interviewer.content.questions import KeyPoint, Question
from interviewer.phases import PHASES, Phase


def phase_points(question: Question, phase: Phase | None) -> list[KeyPoint]:
    """The key points of `phase`, or of every phase when it is None."""
    phases = PHASES if phase is None else (phase,)
    return [k for p in phases for k in question.phase(p).key_points]


def goal_points(question: Question, phase: Phase | None) -> list[KeyPoint]:
    """The other phases' key points with only their wrong claims about what the system optimises, and their
    serious ones: "tune the weights with experiments on time spent" names a wrong objective in a deep dive as much
    as at the start."""
    if phase is None:
        return []
    found = []
    for other in PHASES:
        for point in question.phase(other).key_points if other != phase else ():
            aims = [
                w for w in point.wrong if w.serious or any(set(GOAL_TERMS) <= set(group) for group in w.cues)
            ]
            if aims:
                found.append(point.model_copy(update={"wrong": aims}))
    return found
