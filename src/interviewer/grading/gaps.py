"""Gaps on a scorecard: key points the answers missed, and criteria graded below the top level."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict

from interviewer.content.questions import NoteLink
from interviewer.grading.grade import Grade
from interviewer.phases import Phase


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Gap(_Model):
    phase: Phase
    key_point_id: str
    point: str
    learn: NoteLink


class CriterionGap(_Model):
    """A criterion graded below the top level: a gap even when no key point was missed."""

    phase: Phase | Literal["communication"]
    criterion: str
    score: int
    level: str


def top_gaps(grades: Mapping[str, Grade], order: Sequence[Phase], limit: int = 3) -> list[Gap]:
    """Missing key points, weakest phase first, taken in turn from each phase so one phase cannot fill the list."""
    by_phase: dict[Phase, list[Gap]] = {}
    for phase in order:
        grade = grades.get(phase)
        if grade is None:
            continue
        seen: set[str] = set()
        for criterion in grade.criteria:
            for m in criterion.missing:
                if m.key_point_id not in seen:
                    seen.add(m.key_point_id)
                    by_phase.setdefault(phase, []).append(
                        Gap(phase=phase, key_point_id=m.key_point_id, point=m.point, learn=m.learn)
                    )
    ranked = sorted(by_phase, key=lambda p: (grades[p].score, order.index(p)))
    gaps: list[Gap] = []
    while len(gaps) < limit and any(by_phase[p] for p in ranked):
        for phase in ranked:
            if by_phase[phase] and len(gaps) < limit:
                gaps.append(by_phase[phase].pop(0))
    return gaps


def criteria_below_top(grades: Mapping[str, Grade], order: Sequence[Phase]) -> list[CriterionGap]:
    """Every graded criterion below the top level, lowest score first, then in the order of the interview."""
    phases: list[Phase | Literal["communication"]] = [*order, "communication"]
    found = [
        (c.score, i, CriterionGap(phase=phase, criterion=c.name, score=c.score, level=c.level))
        for i, phase in enumerate(phases)
        if phase in grades
        for c in grades[phase].criteria
        if c.score < 5
    ]
    return [gap for _, _, gap in sorted(found, key=lambda f: (f[0], f[1]))]
