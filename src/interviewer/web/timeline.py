"""The interview clock the app shows: the R-A-D-I-O phases, the time spent and left, and how urgent it is.

`timeline_of(session)` reads a running `InterviewSession` and returns a frozen `Timeline`; the page only
draws it. `clock_text` formats minutes as `7:05`, or `-1:30` once the time is over.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from interviewer.phases import PHASE_LETTERS, PHASE_NAMES, Phase

if TYPE_CHECKING:
    from interviewer.interview.session import InterviewSession

PhaseStatus = Literal["done", "current", "next"]
Urgency = Literal["calm", "short", "over"]


@dataclass(frozen=True)
class PhaseSlot:
    phase: Phase
    letter: str
    name: str
    status: PhaseStatus
    planned_min: float
    spent_min: float
    score: float | None


@dataclass(frozen=True)
class Timeline:
    slots: tuple[PhaseSlot, ...]
    phase: Phase | None
    phase_left_min: float
    total_left_min: float
    urgency: Urgency
    message: str | None
    banner: str


def clock_text(minutes: float) -> str:
    """`7:05` for minutes left; `-1:30` when over."""
    sign = "-" if minutes < 0 else ""
    seconds = round(abs(minutes) * 60)
    return f"{sign}{seconds // 60}:{seconds % 60:02d}"


def timeline_of(session: InterviewSession) -> Timeline:
    """Each phase's status, time and score, the time left, and a warning when it runs short."""
    from interviewer.interview.commands import phase_banner

    current = session.phase
    position = session.order.index(current) if current in session.order else len(session.order)
    slots = []
    for i, phase in enumerate(session.order):
        grade = session.grades.get(phase)
        status: PhaseStatus = "done" if i < position else "current" if i == position else "next"
        slots.append(
            PhaseSlot(
                phase=phase,
                letter=PHASE_LETTERS[phase],
                name=PHASE_NAMES[phase],
                status=status,
                planned_min=session.pacing.minutes[phase],
                spent_min=round(session.phase_seconds(phase) / 60.0, 2),
                score=grade.score if grade else None,
            )
        )
    left = session.minutes_left
    urgency: Urgency = "calm"
    message = None
    if current is not None:
        planned = session.pacing.minutes[current]
        name = PHASE_NAMES[current].lower()
        if left <= 0:
            urgency = "over"
            message = (
                f"Time is up for {name}: finish your thought, and the interviewer moves on after your "
                "next answer (or press Next phase)."
            )
        elif left <= max(1.0, 0.2 * planned):
            urgency = "short"
            message = f"About {clock_text(left)} left for {name}: cover the points you have not yet."
    return Timeline(
        slots=tuple(slots),
        phase=current,
        phase_left_min=left,
        total_left_min=session.total_minutes_left,
        urgency=urgency,
        message=message,
        banner=phase_banner(session),
    )
