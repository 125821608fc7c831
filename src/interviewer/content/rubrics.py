"""Rubrics: pydantic models for `knowledge/rubrics/*.yaml`, the hiring-signal mapping and their loader."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from interviewer.content.loading import load_yaml_model
from interviewer.errors import ContentError
from interviewer.phases import PHASES, Phase

# What the offline grader measures for a criterion. The LLM grader reads the descriptors instead.
Measure = Literal[
    "coverage",  # semantic coverage of the phase's key points
    "reasoning",  # because/so-that chains, justification
    "quantification",  # numbers, units and the arithmetic behind them
    "tradeoffs",  # alternatives weighed against each other
    "structure",  # signposting and an ordered answer
    "clarity",  # plain sentences rather than keyword lists or jargon
    "delivery",  # concision, filler words and pace (spoken answers)
]
Signal = Literal["strong_no_hire", "no_hire", "lean_hire", "hire", "strong_hire"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Criterion(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str
    weight: float = Field(gt=0, le=1)
    description: str
    measure: Measure
    levels: dict[int, str]

    @model_validator(mode="after")
    def _five_levels(self) -> Criterion:
        if sorted(self.levels) != [1, 2, 3, 4, 5]:
            raise ValueError(f"levels must describe exactly 1, 2, 3, 4 and 5; got {sorted(self.levels)}")
        return self


class Rubric(_Strict):
    id: str
    title: str
    phase: Phase | Literal["communication"]
    criteria: list[Criterion] = Field(min_length=3, max_length=6)

    @model_validator(mode="after")
    def _weights_sum_to_one(self) -> Rubric:
        total = sum(c.weight for c in self.criteria)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"criterion weights must sum to 1.0; they sum to {total:.3f}")
        return self


class SignalBand(_Strict):
    signal: Signal
    label: str
    min_score: float = Field(ge=1, le=5)


class EvidenceRule(_Strict):
    """How much an interview must hold before its scores are turned into a hiring signal."""

    min_minutes: float = Field(default=12, ge=0, description="minutes spent in the phases")
    min_answers: int = Field(default=12, ge=0, description="the candidate's answers and clarifying questions")
    min_phases: int = Field(default=4, ge=1, le=5, description="phases assessed")
    drills: bool = Field(default=False, description="whether a one-phase drill can get a hiring signal")
    phase_min_answers: int = Field(default=2, ge=0, description="below this a phase score is marked thin")
    phase_min_minutes: float = Field(default=3, ge=0, description="below this a phase score is marked thin")


class HiringScale(_Strict):
    """Overall score (1-5) to hiring signal. Bands are checked from the highest `min_score` down."""

    bands: list[SignalBand] = Field(min_length=5, max_length=5)
    communication_weight: float = Field(ge=0, le=1, description="share of the overall score")
    evidence: EvidenceRule = Field(default_factory=EvidenceRule)

    @model_validator(mode="after")
    def _ordered(self) -> HiringScale:
        signals = [b.signal for b in sorted(self.bands, key=lambda b: b.min_score)]
        if signals != ["strong_no_hire", "no_hire", "lean_hire", "hire", "strong_hire"]:
            raise ValueError("bands must rise from strong_no_hire to strong_hire as min_score rises")
        return self

    def signal_for(self, score: float) -> SignalBand:
        for band in sorted(self.bands, key=lambda b: b.min_score, reverse=True):
            if score >= band.min_score:
                return band
        return min(self.bands, key=lambda b: b.min_score)


class RubricSet:
    """The five phase rubrics, the communication rubric and the hiring scale."""

    def __init__(self, phases: dict[Phase, Rubric], communication: Rubric, scale: HiringScale) -> None:
        self.phases = phases
        self.communication = communication
        self.scale = scale

    @classmethod
    def load(cls, knowledge_dir: Path) -> RubricSet:
        folder = knowledge_dir / "rubrics"
        problems: list[str] = []
        phases: dict[Phase, Rubric] = {}
        communication: Rubric | None = None
        for name in (*PHASES, "communication"):
            path = folder / f"{name}.yaml"
            try:
                rubric = load_yaml_model(path, Rubric)
            except ContentError as err:
                problems.extend(err.problems or [str(err)])
                continue
            if rubric.phase != name:
                problems.append(f"{path.name}: phase is {rubric.phase!r}, expected {name!r}")
            elif name == "communication":
                communication = rubric
            else:
                phases[name] = rubric
        scale: HiringScale | None = None
        try:
            scale = load_yaml_model(folder / "hiring_signal.yaml", HiringScale)
        except ContentError as err:
            problems.extend(err.problems or [str(err)])
        if problems or communication is None or scale is None:
            raise ContentError(f"{folder}: the rubrics are incomplete or invalid", problems)
        return cls(phases, communication, scale)

    def for_phase(self, phase: Phase) -> Rubric:
        return self.phases[phase]
