"""Which wrong claim the interviewer questions next, and when it lets the rest go.

A real interviewer's first job is to notice a wrong claim and ask about it: once per error, the newest
turn's first. A turn with several errors has the others questioned on the following turns, unless the
candidate puts them right first. One answer settles every error read in the same sentence, and after two
challenges in a row errors left over from earlier turns are dropped (they stay in the feedback): an
interviewer doesn't grill one sentence turn after turn. The state lives in the session's `data`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from interviewer.content.questions import Question
from interviewer.grading.claims import ClaimChecker
from interviewer.phases import Phase
from interviewer.store.sessions import Turn

MAX_CHALLENGE_STREAK = 2
"""Challenges in a row after which errors left over from earlier turns are no longer raised."""
MAX_PENDING = 3
RECENT_CHALLENGES = 3
"""A correction is heard as one when it comes within this many interviewer turns of the challenge."""

_CHECKER = ClaimChecker()
_CORRECTION = re.compile(
    r"\b(?:you're right|you are right|let me (?:redo|correct|fix|recompute|rethink)|i was wrong|correction|"
    r"let me (?:revisit|take (?:that|it) back)|take that back|actually|scratch that)\b",
    re.I,
)


@dataclass(frozen=True)
class Pick:
    """The error to question now (None: none), and whether the turn said anything wrong at all."""

    error: dict[str, Any] | None
    turn_has_error: bool


def _key(error: dict[str, Any]) -> str:
    return f"{error['kind']}:{error.get('key_point_id') or ''}:{error['quote']}"


def challenge_streak(turns: Sequence[Turn]) -> int:
    """How many of the interviewer's latest turns in a row were challenges."""
    streak = 0
    for turn in reversed(turns):
        if turn.role != "interviewer":
            continue
        if not turn.meta.get("error"):
            break
        streak += 1
    return streak


def settles_challenge(text: str, turns: Sequence[Turn], newly: Collection[str]) -> bool:
    """Whether an answer free of errors puts right a claim the interviewer questioned: the one its latest
    turn questioned (arithmetic redone soundly, another claim revisited, or the key point it got wrong now
    covered, `newly` being the points this answer covered for the first time), or one questioned a turn or
    two before, when the answer says it is going back to it ("you're right, ...")."""
    asked = islice((t for t in reversed(turns) if t.role == "interviewer"), RECENT_CHALLENGES)
    revisited = bool(_CORRECTION.search(text))
    questioned = [t.meta for age, t in enumerate(asked) if (not age or revisited) and t.meta.get("error")]
    for meta in questioned:
        if meta["error"] == "arithmetic":
            continue
        if revisited:
            return True
        # A turn saved before the point was kept with it: any new point counts, as it did then.
        point = meta.get("point") if "point" in meta else next(iter(newly), None)
        if point is not None and point in newly:
            return True
    arithmetic = any(meta["error"] == "arithmetic" for meta in questioned)
    return arithmetic and _CHECKER.has_sound_arithmetic(text)


def pick_challenge(
    question: Question, text: str, data: dict[str, Any], turns: Sequence[Turn], phase: Phase | None = None
) -> Pick:
    """The error in `text`, or one left from an earlier turn, to question now; updates `data`. Wrong claims
    are looked for in every phase; with `phase`, a key point of that phase the answer declines is one too."""
    challenged: list[str] = data.setdefault("challenged", [])
    pending: list[dict[str, Any]] = data.setdefault("pending_challenges", [])
    errors = [e for e in _CHECKER.check(question, None, text) if not e.corrected]
    if phase is not None and not errors:
        errors = [e for e in _CHECKER.check(question, phase, text) if not e.corrected]
    found = [e for e in errors if e.key not in challenged]
    # A pending error the candidate has just put right is not questioned any more.
    redone = _CHECKER.has_sound_arithmetic(text)
    revisited = bool(_CORRECTION.search(text))
    pending[:] = [
        e for e in pending if not (redone if e["kind"] == "arithmetic" else revisited and not found)
    ]
    if not found and challenge_streak(turns) >= MAX_CHALLENGE_STREAK:
        pending.clear()
    queue = [e.model_dump(mode="json") for e in found] + pending
    if not queue:
        return Pick(None, bool(errors))
    error = queue[0]
    challenged.extend(_key(e) for e in queue if e["quote"] == error["quote"] and _key(e) not in challenged)
    pending[:] = [e for e in queue[1:] if _key(e) not in challenged][:MAX_PENDING]
    return Pick(error, bool(errors))
