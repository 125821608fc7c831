"""Grades: the `Grade` model every grader returns, the offline grader and its scorecard.

The offline grader reads an answer with `analysis.Analyser` (semantic key-point coverage and the signals
around it) and turns that `Analysis` into criterion scores on the phase rubric, with evidence, strengths,
improvements and a next step. `grade_answer` grades one answer with the engine the settings choose.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from typing import Literal, Protocol, cast

from pydantic import BaseModel, ConfigDict, Field

from interviewer.grading.coverage import Analyser, Analysis, Calibration, QuestionMatch
from interviewer.config import Settings
from interviewer.grading.delivery import Delivery
from interviewer.notes.embeddings import Embedder
from interviewer.errors import BadInput
from interviewer.phases import PHASE_GOALS, PHASE_NAMES, PHASES, Phase
from interviewer.content.questions import (
    Estimate,
    HiddenFact,
    KeyPoint,
    NoteLink,
    PhaseSpec,
    Question,
    QuestionBank,
)
from interviewer.content.rubrics import Measure, Rubric, RubricSet

log = logging.getLogger(__name__)

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
    feedback: str = Field(default="", description="a short paragraph that sums the grade up in plain words")
    delivery: Delivery | None = Field(default=None, description="filler words and pace, when measured")
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


# --- The offline grader ------------------------------------------------------------------------------


class OfflineGrader:
    """Grades an answer against the question's key points and the phase rubric, with no model call.

    Deterministic: the same answer always gets the same grade. It scores content, not length.
    """

    kind: GraderKind = "offline"

    def __init__(
        self, embedder: Embedder, rubrics: RubricSet, calibration: Calibration | None = None
    ) -> None:
        self.embedder = embedder
        self.rubrics = rubrics
        self.analyser = Analyser(embedder, calibration)
        self.calibration = self.analyser.calibration

    def prepare(self, question: Question) -> None:
        """Embed a question's key points and reference texts now, so the first answer grades as fast as the rest."""
        self.analyser.prepare(question)

    def analyse(
        self, question: Question, phase: Phase, answer: str, delivery: Delivery | None = None
    ) -> Analysis:
        """What the grader reads from one answer, before it turns into a `Grade`."""
        return self.analyser.analyse(question, phase, answer, delivery)

    def match_question(self, text: str, questions: Iterable[Question]) -> QuestionMatch | None:
        """The bank question closest to free text, if it is similar enough to borrow its key points."""
        return self.analyser.match_question(text, questions)

    # -- the Grader protocol --------------------------------------------------------------------------

    def coverage(self, question: Question, phase: Phase, answer: str) -> list[PointCoverage]:
        analysis = self.analyse(question, phase, answer)
        return [
            PointCoverage(
                key_point_id=m.point.id,
                score=round(m.score, 3),
                covered=m.score >= self.calibration.covered,
                evidence=m.evidence.text if m.evidence and m.score > 0 else None,
            )
            for m in analysis.matches
        ]

    def grade(
        self, question: Question, phase: Phase, answer: str, *, delivery: Delivery | None = None
    ) -> Grade:
        analysis = self.analyse(question, phase, answer, delivery)
        return self.grade_from(question, phase, analysis)

    def grade_from(self, question: Question, phase: Phase, analysis: Analysis) -> Grade:
        """Turn an analysis into a `Grade` on the phase rubric."""
        c = self.calibration
        rubric = self.rubrics.for_phase(phase)
        missing = [
            MissingPoint(key_point_id=m.point.id, point=m.point.point, learn=m.point.learn)
            for m in analysis.matches
            if m.score < c.covered
        ]
        criteria: list[CriterionGrade] = []
        for criterion in rubric.criteria:
            value = analysis.measures.get(criterion.measure, 0.0)
            levels = c.coverage_levels if criterion.measure == "coverage" else c.signal_levels
            score = 1 if analysis.empty else _level(value, levels)
            if analysis.injections:
                # Text aimed at the grader is ignored, and it costs a level: it must never pay off.
                score = max(1, score - 1)
            criteria.append(
                CriterionGrade(
                    criterion_id=criterion.id,
                    name=criterion.name,
                    weight=criterion.weight,
                    score=score,
                    level=criterion.levels[score],
                    evidence=list(analysis.evidence.get(criterion.measure, ())),
                    missing=missing if criterion.measure == "coverage" else [],
                    rationale=_rationale(criterion.measure, value, analysis),
                )
            )
        total = round(sum(cg.weight * cg.score for cg in criteria), 2)
        strengths, improvements, next_step = _feedback(phase, rubric, analysis, criteria, missing)
        flags = [_flag_text(f, analysis) for f in analysis.flags]
        covered = sum(m.score >= c.covered for m in analysis.matches)
        summary = (
            f"{PHASE_NAMES[phase]}: {total:.1f} out of 5. You covered {covered} of "
            f"{len(analysis.matches)} key points."
        )
        return Grade(
            question_id=question.id,
            phase=phase,
            score=max(1.0, min(5.0, total)),
            criteria=criteria,
            strengths=strengths,
            improvements=improvements,
            next_step=next_step,
            flags=flags,
            feedback=" ".join([summary, *flags]),
            delivery=analysis.delivery,
            grader="offline",
        )

    def grade_communication(
        self,
        answers: Sequence[str],
        delivery: Delivery | None = None,
        *,
        question_id: str = "",
    ) -> Grade:
        """Grade the whole interview's communication: structure, clarity, numbers, trade-offs, delivery."""
        rubric = self.rubrics.communication
        analysis = self.analyser.analyse_communication(answers, delivery)
        measures, evidence, delivery = analysis.measures, analysis.evidence, analysis.delivery
        criteria = []
        for criterion in rubric.criteria:
            value = measures.get(criterion.measure, 0.0)
            score = 1 if analysis.empty else _level(value, self.calibration.signal_levels)
            criteria.append(
                CriterionGrade(
                    criterion_id=criterion.id,
                    name=criterion.name,
                    weight=criterion.weight,
                    score=score,
                    level=criterion.levels[score],
                    evidence=list(evidence.get(criterion.measure, ())),
                    rationale=_rationale(criterion.measure, value, analysis),
                )
            )
        total = round(sum(cg.weight * cg.score for cg in criteria), 2)
        ranked = sorted(criteria, key=lambda cg: cg.score)
        strengths = [_PRAISE[m] for m in _measures_of(rubric, criteria, at_least=4) if m in _PRAISE][:3]
        measure_of = {cr.id: cr.measure for cr in rubric.criteria}
        improvements = [_ADVICE[measure_of[cg.criterion_id]] for cg in ranked if cg.score <= 3][:3]
        if delivery.filler_count and delivery.filler_rate >= 3:
            top = ", ".join(f'"{w}"' for w in list(delivery.fillers)[:3])
            improvements.append(
                f"Filler words came {delivery.filler_count} times ({delivery.filler_rate:.0f} per 100 words), "
                f"mostly {top}."
            )
        next_step = (
            _ADVICE[measure_of[ranked[0].criterion_id]]
            if ranked[0].score < 5
            else "Keep this style; practise a harder question."
        )
        flag_texts = [_flag_text(f, analysis) for f in analysis.flags]
        return Grade(
            question_id=question_id,
            phase="communication",
            score=max(1.0, min(5.0, total)),
            criteria=criteria,
            strengths=strengths,
            improvements=improvements,
            next_step=next_step,
            flags=flag_texts,
            feedback=" ".join([f"Communication: {total:.1f} out of 5.", *flag_texts]),
            delivery=delivery,
            grader="offline",
        )


# --- The scorecard's words ---------------------------------------------------------------------------


def _level(value: float, thresholds: tuple[float, ...]) -> int:
    return 1 + sum(value >= t for t in thresholds)


_FLAG_TEXT = {
    "empty": "The answer is empty or too short to grade.",
    "injection": "Text addressed to the grader was found and ignored, and it cost one level on each criterion.",
    "keyword-list": "Much of the answer is a list of keywords; say how the parts work together, in sentences.",
    "repetition": "Repeated sentences were counted once; repeating a point does not strengthen it.",
    "off-topic": "Most of the answer is not about this question.",
}

_ADVICE: dict[Measure, str] = {
    "coverage": "Cover the key points of this phase before going deeper on any one of them.",
    "reasoning": "Say why: tie each choice to a requirement with a 'because' or 'so that'.",
    "quantification": "Put numbers on it: users, QPS, latency, storage or cost, and show the arithmetic.",
    "tradeoffs": "Name the alternative you rejected and what your choice costs.",
    "structure": "Signpost the answer: say what you will cover, then go through it in order.",
    "clarity": "Speak in full sentences rather than lists of terms, and say each point once.",
    "delivery": "Cut the filler words and pause instead; shorter sentences help.",
}

_PRAISE: dict[Measure, str] = {
    "reasoning": "You explained why, not just what.",
    "quantification": "You backed the design with numbers and arithmetic.",
    "tradeoffs": "You weighed alternatives and said what your choices cost.",
    "structure": "The answer was easy to follow, with clear signposts.",
    "clarity": "You spoke in clear, complete sentences.",
    "delivery": "Your delivery was concise, with few filler words.",
}


def _measures_of(rubric: Rubric, criteria: list[CriterionGrade], at_least: int) -> list[Measure]:
    by_id = {c.id: c.measure for c in rubric.criteria}
    return [by_id[cg.criterion_id] for cg in criteria if cg.score >= at_least]


def _rationale(measure: Measure, value: float, analysis: Analysis) -> str:
    if analysis.empty:
        return "Nothing to grade."
    if measure == "coverage":
        covered = [m for m in analysis.matches if m.score >= 0.5]
        return f"{len(covered)} of {len(analysis.matches)} key points covered (coverage {value:.2f})."
    if measure == "delivery":
        d = analysis.delivery
        pace = f", {d.words_per_minute:.0f} words a minute" if d.words_per_minute else ""
        return f"{d.filler_count} filler words in {d.words} words{pace}."
    return f"{measure} signal {value:.2f}."


def _flag_text(flag: str, analysis: Analysis) -> str:
    if flag == "injection" and analysis.injections:
        quote = analysis.injections[0].quote
        quote = quote if len(quote) <= 80 else quote[:77] + "..."
        return f'{_FLAG_TEXT["injection"]} It began: "{quote}"'
    if flag == "other-phase" and analysis.other_phase:
        return (
            f"This answer fits the {PHASE_NAMES[analysis.other_phase]} phase better than this one; "
            "answer what this phase asks."
        )
    return _FLAG_TEXT.get(flag, flag)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _feedback(
    phase: Phase,
    rubric: Rubric,
    analysis: Analysis,
    criteria: list[CriterionGrade],
    missing: list[MissingPoint],
) -> tuple[list[str], list[str], str]:
    if analysis.empty:
        first = missing[0] if missing else None
        step = (
            f'Read "{first.learn.heading}" in {first.learn.file}, then answer again, for a start one that {_lower_first(first.point)}'
            if first
            else f"Answer the {PHASE_NAMES[phase]} phase in a few full sentences."
        )
        return [], [f"Say something for the {PHASE_NAMES[phase]} phase: {PHASE_GOALS[phase]}"], step
    covered = sorted((m for m in analysis.matches if m.score >= 0.5), key=lambda m: -m.score)
    strengths = [f"You covered this point: {_lower_first(m.point.point)}" for m in covered[:2]]
    by_measure = {cg.criterion_id: cg for cg in criteria}
    rubric_measures = {cr.id: cr.measure for cr in rubric.criteria}
    for cg in criteria:
        measure = rubric_measures.get(cg.criterion_id)
        if measure in _PRAISE and cg.score >= 4 and len(strengths) < 4:
            strengths.append(_PRAISE[measure])
    improvements = [f"Not covered yet: {_lower_first(m.point)}" for m in missing[:3]]
    weakest = sorted(
        (cg for cg in by_measure.values() if rubric_measures.get(cg.criterion_id) != "coverage"),
        key=lambda cg: cg.score,
    )
    for cg in weakest[:2]:
        measure = rubric_measures.get(cg.criterion_id)
        if measure and cg.score <= 3:
            improvements.append(_ADVICE[measure])
    if missing:
        first = missing[0]
        step = (
            f'Read "{first.learn.heading}" in {first.learn.file}, then answer the '
            f"{PHASE_NAMES[phase]} phase again so that it {_lower_first(first.point)}"
        )
    elif weakest and weakest[0].score < 5:
        step = _ADVICE[rubric_measures[weakest[0].criterion_id]]
    else:
        step = "Try this phase on a harder question, or under a shorter time limit."
    return strengths, improvements, step


# --- Questions outside the bank, and grading one answer from settings ---------------------------------

_ID_LIKE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_SPLIT_ITEMS = re.compile(r",\s*(?![^()]*\))")


def _goal_items(goal: str) -> list[str]:
    """The things a phase goal lists: `a, b (x, y), c and d` after its colon, plus any bracketed list before it."""
    head, _, tail = goal.rstrip(".").partition(":")
    items = [i.strip() for i in _SPLIT_ITEMS.split(tail or head) if i.strip()]
    if items and " and " in items[-1] and "(" not in items[-1]:
        items[-1:] = [p.strip() for p in items[-1].split(" and ", 1)]
    bracket = re.search(r"\(([^)]*)\)", head) if tail else None
    if bracket:
        items = [i.strip() for i in bracket.group(1).split(",")] + items
    return [i for i in items if len(i) >= 3]


def generic_question(text: str) -> Question:
    """A question outside the bank, graded on the phase goals: each thing a goal lists is a key point."""
    phases: dict[str, PhaseSpec] = {}
    for phase in PHASES:
        learn = NoteLink(file="overview.md", heading=PHASE_NAMES[phase])
        points = []
        for i, item in enumerate(_goal_items(PHASE_GOALS[phase]), start=1):
            slug = re.sub(r"[^a-z0-9]+", "-", item.lower()).strip("-") or f"point-{i}"
            points.append(KeyPoint(id=f"{slug}"[:40].strip("-"), point=item, alternatives=[], learn=learn))
        phases[phase] = PhaseSpec(
            key_points=points,
            probes=[f"What about {points[0].point}?"],
            pitfalls=["Answering a different phase than the one asked."],
            model_outline=[p.point for p in points],
        )
    facts = [
        HiddenFact(topic="other", keywords=[k], fact="Not specified; state an assumption.")
        for k in ("x", "y", "z")
    ]
    return Question.model_validate(
        {
            "id": "custom",
            "title": " ".join(text.split())[:80],
            "topic": "custom",
            "difficulty": "medium",
            "prompt": text.strip() if len(text.strip()) >= 10 else f"Design this: {text.strip()}",
            "hidden_facts": facts,
            "estimates": [Estimate(label="none", arithmetic="none given", result="state your own estimates")],
            "phases": phases,
        }
    )


def resolve_question(ref: str, bank: QuestionBank, grader: OfflineGrader) -> tuple[Question, str | None]:
    """A bank question by id; or, for free text, the closest bank question or a generic one.

    The second value says in words how free text was resolved, for the grade's flags.
    """
    ref = ref.strip()
    if not ref:
        raise BadInput("--question is empty; give a question id (see `interviewer questions`) or its text")
    if _ID_LIKE.match(ref):
        return bank.get(ref), None
    match = grader.match_question(ref, bank)
    if match:
        return match.question, (
            f'Graded against the bank question "{match.question.title}" ({match.question.id}), '
            f"the closest to your text (similarity {match.similarity:.2f})."
        )
    return generic_question(
        ref
    ), "No bank question is close to this one, so it was graded on the phase goals."


def grade_answer(settings: Settings, question_ref: str, phase: str, answer: str) -> Grade:
    """Grade one answer with the engine the settings choose: what `interviewer grade` runs."""
    if phase not in PHASES:
        raise BadInput(f"unknown phase {phase!r}; choose one of: {', '.join(PHASES)}")
    engine = settings.resolved_engine  # raises, naming the fix, before anything slow is loaded
    from interviewer.notes.embeddings import MiniLMEmbedder

    rubrics = RubricSet.load(settings.knowledge_dir)
    bank = QuestionBank.load(settings.knowledge_dir)
    offline = OfflineGrader(MiniLMEmbedder(), rubrics)
    question, note = resolve_question(question_ref, bank, offline)
    grader: Grader = offline
    if engine == "openai":
        from interviewer.llm.openai_client import make_chat_model
        from interviewer.grading.llm_grader import LLMGrader
        from interviewer.llm.prompts import PromptLibrary

        chat = make_chat_model(settings, "grader")
        if chat is not None:
            grader = LLMGrader(chat, rubrics, PromptLibrary(settings.prompts_dir), offline)
    grade = grader.grade(question, cast(Phase, phase), answer)
    if note:
        grade = grade.model_copy(update={"flags": [note, *grade.flags]})
    return grade


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
