"""The `Grade`: what every grader returns, with its criteria, evidence and feedback; and the grader protocol."""

from __future__ import annotations

from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from interviewer.content.questions import NoteLink, Question
from interviewer.errors import FALLBACK_WORDS, FallbackReason, LLMError
from interviewer.grading.delivery import Delivery
from interviewer.grading.diagram import DiagramReview
from interviewer.phases import PHASE_NAMES, Phase
from interviewer.store.sessions import SessionStore

GraderKind = Literal["offline", "llm", "llm+offline-fallback"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MissingPoint(_Model):
    key_point_id: str
    point: str
    learn: NoteLink


class CriterionGrade(_Model):
    criterion_id: str
    name: str
    weight: float
    score: int = Field(ge=1, le=5)
    level: str = Field(description="the rubric descriptor of the matched level")
    evidence: list[str] = Field(default_factory=list, description="verbatim quotes from the answer")
    missing: list[MissingPoint] = Field(default_factory=list)
    rationale: str = ""


class GradeError(_Model):
    """A wrong claim or an arithmetic error in the graded answer: `quote` is a verbatim part of it."""

    kind: Literal["claim", "arithmetic", "constraint"]
    quote: str
    why: str
    corrected: bool = False


class Grade(_Model):
    question_id: str
    phase: Phase | Literal["communication"]
    score: float = Field(ge=1, le=5, description="weighted mean of the criteria")
    criteria: list[CriterionGrade]
    strengths: list[str] = Field(default_factory=list)
    improvements: list[str] = Field(default_factory=list)
    next_step: str = ""
    flags: list[str] = Field(
        default_factory=list,
        description="what the grader noticed: injection attempts, keyword lists, repetition, off-topic",
    )
    feedback: str = Field(default="", description="a short paragraph that sums the grade up in plain words")
    delivery: Delivery | None = Field(default=None, description="filler words and pace, when measured")
    errors: list[GradeError] = Field(
        default_factory=list, description="what the answer claims that is wrong, with quotes"
    )
    diagram: DiagramReview | None = Field(
        default=None, description="the review of the candidate's diagram, when one was graded with the answer"
    )
    grader: GraderKind
    prompt_version: str | None = None
    model: str | None = None
    fallback_reason: FallbackReason | None = Field(
        default=None, description="why the offline grader stood in for the LLM grader, when it did"
    )


class PointCoverage(_Model):
    """How well an answer covers one key point; the offline interviewer picks probes from these."""

    key_point_id: str
    score: float = Field(ge=0, le=1)
    covered: bool
    evidence: str | None = None


def offline_stand_in(
    offline: Grade, err: LLMError, *, model: str | None = None, prompt_version: str | None = None
) -> Grade:
    """The offline grade standing in for a failed LLM grade, saying why in plain words (never the error's
    text, which is for logs: it names servers and settings)."""
    reason = f"This grade is the offline grader's: {FALLBACK_WORDS[err.reason]}."
    return offline.model_copy(
        update={
            "grader": "llm+offline-fallback",
            "flags": [*offline.flags, reason],
            "feedback": f"{offline.feedback} {reason}".strip(),
            "model": model,
            "prompt_version": prompt_version,
            "fallback_reason": err.reason,
        }
    )


class Grader(Protocol):
    def grade(self, question: Question, phase: Phase, answer: str) -> Grade: ...

    def coverage(self, question: Question, phase: Phase, answer: str) -> list[PointCoverage]: ...


def saved_grades(store: SessionStore, session_id: str) -> dict[str, Grade]:
    """The grades saved for a session, by phase (and `communication`)."""
    return {g.phase: Grade.model_validate(g.grade) for g in store.grades(session_id)}


def format_grade(grade: Grade) -> str:
    """A grade as plain text for the terminal."""
    title = (
        PHASE_NAMES.get(grade.phase, "Communication") if grade.phase != "communication" else "Communication"
    )
    lines = [f"{title}: {grade.score:.2f} / 5  ({grade.grader} grader, question {grade.question_id})", ""]
    for c in grade.criteria:
        lines.append(f"  {c.name} ({c.weight:g}): {c.score}/5. {c.level}")
        lines.extend(f'      "{q}"' for q in c.evidence[:2])
    missing = {m.key_point_id: m for c in grade.criteria for m in c.missing}
    if missing:
        lines += ["", "Missing key points:"]
        lines += [f'  - {m.point} (read: {m.learn.file}, "{m.learn.heading}")' for m in missing.values()]
    if grade.diagram is not None:
        d = grade.diagram
        lines += ["", f"Diagram: level {d.level} / 5 ({len(d.matched)} parts match the reference design)"]
        if d.missing:
            lines.append(f"  Missing: {', '.join(d.missing)}")
        lines += [f"  - {p.text}" for p in d.flow_problems[:5]]
    for label, items in (
        ("Strengths", grade.strengths),
        ("Improve", grade.improvements),
        ("Notes", grade.flags),
    ):
        if items:
            lines += ["", f"{label}:", *(f"  - {i}" for i in items)]
    if grade.next_step:
        lines += ["", f"Next step: {grade.next_step}"]
    return "\n".join(lines) + "\n"
