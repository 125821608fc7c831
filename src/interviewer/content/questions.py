"""The question bank: pydantic models for `knowledge/questions/*.yaml` and their loader."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator
from typing_extensions import TypedDict

from interviewer.content.claims import CommonWrongClaims, Constraint, WrongClaim
from interviewer.content.estimates import Estimate
from interviewer.content.loading import load_folder, load_yaml_model
from interviewer.diagrams.reference import ReferenceDesign
from interviewer.errors import BadInput, ContentError
from interviewer.phases import PHASES, Phase

Difficulty = Literal["easy", "medium", "hard"]
DIFFICULTIES: tuple[Difficulty, ...] = get_args(Difficulty)
FactTopic = Literal[
    "scale", "latency", "availability", "consistency", "budget", "goal_metric", "data", "scope", "other"
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NoteLink(_Strict):
    """A section of `knowledge/` that teaches something: a file and one of its headings (text, no `#`)."""

    file: str = Field(min_length=1, pattern=r"^[\w./-]+\.md$")
    heading: str = Field(min_length=1)


class HiddenFact(_Strict):
    """A fact the interviewer holds back until the candidate asks about it.

    A fact that sets a target (latency, availability, freshness, an order of steps) also states it as
    `constraints`, which the claim checker holds designs to.
    """

    topic: FactTopic
    keywords: list[str] = Field(min_length=1, description="words in a clarifying question that ask for it")
    fact: str = Field(min_length=3)
    constraints: list[Constraint] = Field(default_factory=list)


class KeyPoint(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    point: str = Field(min_length=3, description="a short statement of what a strong answer covers")
    alternatives: list[str] = Field(default_factory=list, description="other ways a candidate may say it")
    learn: NoteLink
    correct: str = Field(default="", description="what counts as getting it right")
    wrong: list[WrongClaim] = Field(default_factory=list, description="wrong alternatives candidates assert")


class PhaseSpec(_Strict):
    key_points: list[KeyPoint] = Field(min_length=2)
    probes: list[str] = Field(min_length=1, description="follow-up questions an interviewer asks")
    pitfalls: list[str] = Field(min_length=1)
    model_outline: list[str] = Field(min_length=2, description="the bullet outline of a strong answer")

    @model_validator(mode="after")
    def _unique_ids(self) -> PhaseSpec:
        ids = [k.id for k in self.key_points]
        if len(ids) != len(set(ids)):
            raise ValueError(f"duplicate key point ids: {sorted({i for i in ids if ids.count(i) > 1})}")
        return self


class Phases(TypedDict):
    """One section per RADIO phase, all required, so a missing phase is reported with every other problem."""

    __pydantic_config__ = ConfigDict(extra="forbid")  # type: ignore[misc]

    requirements: PhaseSpec
    architecture: PhaseSpec
    deep_dive: PhaseSpec
    issues: PhaseSpec
    optimization: PhaseSpec


class Question(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    topic: str
    difficulty: Difficulty
    prompt: str = Field(min_length=10, description="the problem as the interviewer states it")
    hidden_facts: list[HiddenFact] = Field(min_length=3)
    estimates: list[Estimate] = Field(min_length=1)
    phases: Phases
    reference_design: ReferenceDesign | None = Field(
        default=None, description="the components and flows of a strong architecture, for grading drawings"
    )
    common_wrong: list[WrongClaim] = Field(
        default_factory=list,
        description="method errors wrong in any design (evaluating on the tuning set, retrying without a "
        "deadline); the bank fills them in from knowledge/wrong_claims.yaml",
    )

    def phase(self, phase: Phase) -> PhaseSpec:
        spec: PhaseSpec = self.phases[phase]
        return spec

    def links(self) -> list[NoteLink]:
        return [k.learn for phase in PHASES for k in self.phase(phase).key_points]


class QuestionBank:
    """The loaded questions, in id order, with lookup by id."""

    def __init__(self, questions: list[Question]) -> None:
        self._by_id: dict[str, Question] = {}
        for q in questions:
            if q.id in self._by_id:
                raise ContentError(f"two questions share the id {q.id!r}")
            self._by_id[q.id] = q

    @classmethod
    def load(cls, knowledge_dir: Path) -> QuestionBank:
        folder = knowledge_dir / "questions"
        if not folder.is_dir():
            raise ContentError(f"no question bank at {folder}")
        questions = load_folder(folder, Question)
        common = knowledge_dir / "wrong_claims.yaml"
        if common.is_file():
            shared = load_yaml_model(common, CommonWrongClaims).claims
            questions = [
                q.model_copy(update={"common_wrong": [c.claim_for() for c in shared if q.id not in c.skip]})
                for q in questions
            ]
        return cls(questions)

    def __iter__(self) -> Iterator[Question]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def ids(self) -> list[str]:
        return list(self._by_id)

    def get(self, question_id: str) -> Question:
        try:
            return self._by_id[question_id]
        except KeyError:
            raise BadInput(
                f"no question with id {question_id!r}; run `interviewer questions` to list them"
            ) from None


def load_question(path: Path) -> Question:
    return load_yaml_model(path, Question)
