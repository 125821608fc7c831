"""Grades: the `Grade` model every grader returns, and the graders."""

from __future__ import annotations

from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from interviewer.phases import Phase
from interviewer.questions import NoteLink, Question

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
    grader: GraderKind
    prompt_version: str | None = None
    model: str | None = None


class PointCoverage(_Model):
    """How well an answer covers one key point; the offline interviewer picks probes from these."""

    key_point_id: str
    score: float = Field(ge=0, le=1)
    covered: bool
    evidence: str | None = None


class Grader(Protocol):
    def grade(self, question: Question, phase: Phase, answer: str) -> Grade: ...

    def coverage(self, question: Question, phase: Phase, answer: str) -> list[PointCoverage]: ...
