"""How much evidence a scorecard rests on, and whether it is enough to call a hiring signal.

A score turned into "Strong hire" after three answers in thirty seconds says nothing about the
candidate. `weigh` counts what the interview holds (minutes in the phases, answers, phases assessed)
and checks it against the `EvidenceRule` in `knowledge/rubrics/hiring_signal.yaml`: below it the
signal is `insufficient_evidence`, and a drill gives a per-phase assessment rather than a signal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from statistics import mean
from typing import Literal

from pydantic import BaseModel, ConfigDict

from interviewer.content.rubrics import EvidenceRule, HiringScale, Signal
from interviewer.phases import Phase
from interviewer.store.sessions import Turn

Insufficient = Literal["insufficient_evidence"]
INSUFFICIENT: Insufficient = "insufficient_evidence"
INSUFFICIENT_LABEL = "Not enough evidence to call"


class Evidence(BaseModel):
    """What the scorecard rests on."""

    model_config = ConfigDict(extra="forbid")

    minutes: float
    answers: int
    phases_assessed: int
    phases_planned: int
    drill: bool
    sufficient: bool
    why: str


def overall_score(
    phase_scores: Sequence[float], communication: float | None, scale: HiringScale | None
) -> float | None:
    """The mean phase score, blended with the communication score by the scale's weight."""
    if not phase_scores:
        return None
    content = mean(phase_scores)
    if communication is None or scale is None:
        return round(content, 2)
    w = scale.communication_weight
    return round((1 - w) * content + w * communication, 2)


def call_signal(
    scale: HiringScale | None, overall: float | None, evidence: Evidence
) -> tuple[Signal | Insufficient | None, str | None]:
    """The hiring signal and its label: the scale's band for the overall score, or "Not enough evidence to
    call" when the evidence is short of the rule; None when there is no score or no scale."""
    if scale is None or overall is None:
        return None, None
    if not evidence.sufficient:
        return INSUFFICIENT, INSUFFICIENT_LABEL
    band = scale.signal_for(overall)
    return band.signal, band.label


def unsure_summary(evidence: Evidence, overall: float, scored: Sequence[tuple[str, float]]) -> str:
    """The spoken summary of a scorecard with too little evidence for a hiring signal."""
    if evidence.drill and scored:
        name, score = scored[0]
        return (
            f"On the {name.lower()}, you scored {score:.1f} out of 5. A drill gives a per-phase assessment, "
            "not a hiring signal."
        )
    plural = "" if evidence.answers == 1 else "s"
    return (
        f"Your overall score is {overall:.1f} out of 5, but {evidence.answers} answer{plural} over "
        f"{evidence.minutes:g} minutes is not enough evidence to call a hiring signal."
    )


def answers_by_phase(turns: Sequence[Turn]) -> dict[Phase, int]:
    """The candidate's answers and clarifying questions in each phase, silences left out."""
    counts: dict[Phase, int] = {}
    for t in turns:
        if (
            t.role == "candidate"
            and t.phase
            and t.kind in ("answer", "question")
            and not t.meta.get("silent")
        ):
            counts[t.phase] = counts.get(t.phase, 0) + 1
    return counts


def thin_phase(answers: int, minutes: float, rule: EvidenceRule) -> str | None:
    """A note for a phase score that rests on little evidence, or None."""
    if answers < rule.phase_min_answers or minutes < rule.phase_min_minutes:
        plural = "" if answers == 1 else "s"
        return f"based on little evidence: {answers} answer{plural} in {minutes:g} minutes"
    return None


def weigh(
    spent_seconds: Mapping[str, float],
    answers: Mapping[Phase, int],
    assessed: int,
    planned: int,
    *,
    drill: bool,
    rule: EvidenceRule,
) -> Evidence:
    """The evidence an interview holds, and whether it is enough for a hiring signal under `rule`."""
    minutes = round(sum(float(s) for s in spent_seconds.values()) / 60.0, 1)
    total = sum(answers.values())
    missing: list[str] = []
    if drill and not rule.drills:
        missing.append("a drill gives a per-phase assessment, not a hiring signal")
    if minutes < rule.min_minutes:
        missing.append(f"{minutes:g} of the {rule.min_minutes:g} minutes needed")
    if total < rule.min_answers:
        missing.append(f"{total} of the {rule.min_answers} answers needed")
    if assessed < min(rule.min_phases, planned):
        missing.append(f"{assessed} of the {min(rule.min_phases, planned)} phases needed")
    why = "; ".join(missing) if missing else f"{total} answers over {minutes:g} minutes in {assessed} phases"
    return Evidence(
        minutes=minutes,
        answers=total,
        phases_assessed=assessed,
        phases_planned=planned,
        drill=drill,
        sufficient=not missing,
        why=why,
    )
