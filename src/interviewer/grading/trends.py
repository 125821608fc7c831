"""Progress across sessions: per-phase score trends and the weakest phase as the next drill."""

from __future__ import annotations

from statistics import mean
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from interviewer.grading.grade import saved_grades
from interviewer.grading.report import fmt_score, iso_time, phase_name
from interviewer.phases import PHASE_NAMES, PHASES, Phase
from interviewer.store.sessions import SessionStore


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TrendPoint(_Model):
    session_id: str
    question_id: str
    created: str
    score: float


class PhaseTrend(_Model):
    phase: Phase | Literal["communication"]
    points: list[TrendPoint]
    mean: float | None
    change: float | None = Field(description="latest minus first score, None with fewer than two")


class History(_Model):
    sessions: int
    trends: list[PhaseTrend]
    overall: list[TrendPoint]
    next_drill: Phase | None
    reason: str

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def to_markdown(self) -> str:
        lines = ["# Progress across sessions", "", f"{self.sessions} session(s) with scores.", ""]
        lines += ["| Phase | Sessions | Mean | Latest | Change |", "|---|---|---|---|---|"]
        for t in self.trends:
            name = phase_name(t.phase)
            latest = fmt_score(t.points[-1].score) if t.points else "n/a"
            change = "n/a" if t.change is None else f"{t.change:+.1f}"
            lines.append(f"| {name} | {len(t.points)} | {fmt_score(t.mean)} | {latest} | {change} |")
        lines += [
            "",
            f"**Next drill:** {PHASE_NAMES[self.next_drill] if self.next_drill else 'n/a'}. {self.reason}",
        ]
        return "\n".join(lines) + "\n"


def history(store: SessionStore, *, recent: int = 5, owner: str | None = None) -> History:
    """Per-phase score trends over saved sessions (oldest first) and the weakest phase as the next drill.

    The weakest phase is the one with the lowest mean over its `recent` latest scores; a phase never
    assessed yet is suggested first, once at least one full interview has been scored. With `owner`, only
    that user's interviews count.
    """
    records = store.list_sessions(owner=owner)
    per_phase: dict[str, list[TrendPoint]] = {p: [] for p in (*PHASES, "communication")}
    overall: list[TrendPoint] = []
    scored = 0
    for record in records:
        grades = saved_grades(store, record.id)
        if not grades:
            continue
        scored += 1
        created = iso_time(record.created_at)
        for phase, grade in grades.items():
            per_phase[phase].append(
                TrendPoint(
                    session_id=record.id, question_id=record.question_id, created=created, score=grade.score
                )
            )
        content = [g.score for p, g in grades.items() if p != "communication"]
        if content:
            overall.append(
                TrendPoint(
                    session_id=record.id,
                    question_id=record.question_id,
                    created=created,
                    score=round(mean(content), 2),
                )
            )
    trends = [
        PhaseTrend(
            phase=phase,  # type: ignore[arg-type]
            points=points,
            mean=round(mean(p.score for p in points), 2) if points else None,
            change=round(points[-1].score - points[0].score, 2) if len(points) >= 2 else None,
        )
        for phase, points in per_phase.items()
    ]
    next_drill: Phase | None = None
    reason = "Finish an interview to get a suggestion."
    recent_means = {p: mean(pt.score for pt in per_phase[p][-recent:]) for p in PHASES if per_phase[p]}
    if recent_means:
        never = [p for p in PHASES if not per_phase[p]]
        if never:
            next_drill = never[0]
            reason = f"You have not been assessed on {PHASE_NAMES[next_drill].lower()} yet."
        else:
            weakest = min(recent_means, key=lambda p: (recent_means[p], PHASES.index(p)))
            next_drill = weakest
            reason = (
                f"It has your lowest recent mean ({recent_means[weakest]:.1f} / 5 over the last "
                f"{min(recent, len(per_phase[weakest]))} session(s))."
            )
    return History(sessions=scored, trends=trends, overall=overall, next_drill=next_drill, reason=reason)
