"""Moves: what the interviewer should do next, decided by the session and phrased by an interviewer.

The session decides *what* happens next (probe this missing point, answer that clarifying question, move on
to the next phase...) as a `Move`; an interviewer strategy (see `interviewer.interview.interviewer`) decides *how to
say it*, given the `TurnContext`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from interviewer.content.questions import HiddenFact, KeyPoint, Question
from interviewer.diagrams.model import Diagram
from interviewer.phases import Phase
from interviewer.store.sessions import Turn

MoveKind = Literal[
    "open",  # greet the candidate and state the problem
    "answer_fact",  # answer a clarifying question from the hidden facts
    "no_fact",  # a clarifying question the facts do not cover: ask for an assumption
    "probe",  # acknowledge, then ask toward a missing key point
    "deepen",  # the key points are covered: a follow-up built on the candidate's own component or choice
    "challenge",  # question a wrong claim or wrong arithmetic, quoting it, without giving the answer
    "push_numbers",  # claimed scale or speed with no numbers
    "push_reasoning",  # technology names with no reasons
    "redirect_ahead",  # the candidate jumped ahead (a model before the requirements)
    "nudge_silence",  # nothing was said
    "repeat",  # the candidate repeated an earlier answer
    "off_topic",  # the answer is about something else
    "deflect",  # an attempt to extract the brief or change the interviewer's instructions
    "advance",  # move to the next phase (or to the wrap-up when `phase` is None)
    "hint",  # a graduated hint, levels 1 to 3; 4 means none left
    "wrap_up",  # the closing question once the design phases are done
    "close",  # the end of the interview
]
# How good the answer a move replies to was, for the acknowledgement: a new key point, a substantial answer,
# a thin one, a stalled or hand-waving one, one with a wrong claim (never affirmed), or one that puts right the
# claim just questioned.
Quality = Literal["strong", "solid", "thin", "weak", "wrong", "recovered"]
AdvanceReason = Literal["covered", "time", "candidate", "exhausted"]
CloseReason = Literal["time", "ended", "finished"]  # out of time, ended by the candidate, every phase done


@dataclass(frozen=True)
class Move:
    """What the interviewer should do next. `phase` is the phase the reply belongs to."""

    kind: MoveKind
    phase: Phase | None
    target: KeyPoint | None = None
    probe: str | None = None
    facts: tuple[HiddenFact, ...] = ()
    repeated_facts: tuple[HiddenFact, ...] = ()
    echo: str | None = None
    hint_level: int = 0
    reason: AdvanceReason | CloseReason | None = None
    from_phase: Phase | None = None
    time_note: float | None = None  # minutes left, when the candidate should be warned
    capped: bool = False
    detail: str | None = None  # the vague phrase, the technology names or the wrong claim being questioned
    summary: str | None = None  # the scorecard line said at the close
    quality: Quality | None = None
    unanswered: tuple[str, ...] = ()  # parts of a clarifying question the facts do not answer
    nth: int = 0  # how many moves of this kind came before, to vary the wording
    drill: bool = False
    minutes: int = 45


@dataclass(frozen=True)
class TurnContext:
    """What an interviewer strategy may look at besides the move."""

    question: Question
    transcript: tuple[Turn, ...]
    minutes_left: float
    revealed_facts: tuple[HiddenFact, ...] = ()
    diagram: Diagram | None = None  # the candidate's latest drawing, for the model's prompt
    covered: frozenset[str] = frozenset()  # ids of the key points the candidate has covered, in any phase
