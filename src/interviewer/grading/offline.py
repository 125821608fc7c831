"""The offline grader: criterion scores on the phase rubric, with evidence, from an `Analysis`.

It reads an answer with `coverage.Analyser` (semantic key-point coverage and the signals
around it) and turns that `Analysis` into criterion scores on the phase rubric, with evidence, strengths,
improvements and a next step.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from interviewer.content.questions import (
    Question,
)
from interviewer.content.rubrics import Measure, Rubric, RubricSet
from interviewer.grading.claims import ClaimError
from interviewer.grading.coverage import Analyser, Analysis, Calibration, QuestionMatch
from interviewer.grading.delivery import Delivery
from interviewer.grading.grade import (
    CriterionGrade,
    Grade,
    GradeError,
    GraderKind,
    MissingPoint,
    PointCoverage,
)
from interviewer.notes.embeddings import Embedder
from interviewer.phases import PHASE_GOALS, PHASE_NAMES, Phase

log = logging.getLogger(__name__)

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
        analysis = self.analyser.analyse(question, phase, answer, check_claims=False)
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
            score = max(1, score - _error_penalty(criterion.measure, analysis.errors))
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
        # Besides the levels their criteria lose, uncorrected errors come off the total, so a wrong answer
        # never ties the right one just because both sit at a criterion's floor.
        total = round(sum(cg.weight * cg.score for cg in criteria) - _error_deduction(analysis.errors), 2)
        strengths, improvements, next_step = _feedback(phase, rubric, analysis, criteria, missing)
        improvements = [*_error_feedback(analysis.errors), *improvements]
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
            errors=[
                GradeError(kind=e.kind, quote=e.quote, why=e.why, corrected=e.corrected)
                for e in analysis.errors
            ],
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
        # the numbers criterion rewards arithmetic that holds, not digits (the same rule as each phase's grade)
        errors = [e for answer in answers for e in self.analyser.checker.arithmetic_errors(answer)]
        for criterion in rubric.criteria:
            value = measures.get(criterion.measure, 0.0)
            score = 1 if analysis.empty else _level(value, self.calibration.signal_levels)
            score = max(1, score - _error_penalty(criterion.measure, errors))
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
        praised, advised = _praise_and_advice(rubric, criteria)
        strengths = [_PRAISE[m] for m in praised][:3]
        improvements = [_ADVICE[m] for m in advised][:3]
        if delivery.filler_count and delivery.filler_rate >= 3:
            top = ", ".join(f'"{w}"' for w in list(delivery.fillers)[:3])
            improvements.append(
                f"Filler words came {delivery.filler_count} times ({delivery.filler_rate:.0f} per 100 words), "
                f"mostly {top}."
            )
        next_step = _ADVICE[advised[0]] if advised else "Keep this style; practise a harder question."
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


def _error_penalty(measure: Measure, errors: Sequence[ClaimError]) -> int:
    """Levels a criterion loses for the errors that belong to it; a corrected error costs nothing.

    Arithmetic errors belong to the numbers criterion (it rewards correct arithmetic, not digits); wrong
    claims to key-point coverage and to reasoning. An order-of-magnitude or design-breaking error costs two.
    """
    live = [e for e in errors if not e.corrected]
    if measure == "quantification":
        return min(3, sum(2 if e.serious else 1 for e in live if e.kind == "arithmetic"))
    claims = [e for e in live if e.kind in ("claim", "constraint")]
    if measure == "coverage":
        return min(2, sum(2 if e.serious else 1 for e in claims))
    if measure == "reasoning":
        return 1 if claims else 0
    return 0


def _by_sentence(errors: Sequence[ClaimError]) -> list[ClaimError]:
    """One error per quoted sentence, the serious one first: two wrong claims read in one sentence ("fraud
    is rare, so accuracy is high") are one mistake to the candidate."""
    kept: dict[str, ClaimError] = {}
    for e in errors:
        held = kept.get(e.quote)
        if held is None or (e.serious and not held.serious):
            kept[e.quote] = e
    return list(kept.values())


def _error_deduction(errors: Sequence[ClaimError]) -> float:
    """Points off the total for uncorrected errors: 0.25 each, 0.5 for a serious one, at most 1.5; one
    per sentence."""
    return min(1.5, sum(0.5 if e.serious else 0.25 for e in _by_sentence(errors) if not e.corrected))


def _error_feedback(errors: Sequence[ClaimError]) -> list[str]:
    """One improvement per sentence in error, quoting it; a corrected one is credited as a recovery."""
    lines = []
    for e in _by_sentence(errors):
        said = e.quote if len(e.quote) <= 140 else e.quote[:137] + "..."
        if e.corrected:
            lines.append(f'You corrected "{said}" later, as a strong candidate does. {e.why}')
        else:
            lines.append(f'Check "{said}": {e.why}')
    return lines


def _level(value: float, thresholds: tuple[float, ...]) -> int:
    return 1 + sum(value >= t for t in thresholds)


_FLAG_TEXT = {
    "empty": "The answer is empty or too short to grade.",
    "injection": "Text addressed to the grader was found and ignored, and it cost one level on each criterion.",
    "keyword-list": "Much of the answer is a list of keywords; say how the parts work together, in sentences.",
    "repetition": "Repeated sentences were counted once; repeating a point does not strengthen it.",
    "off-topic": "Most of the answer is not about this question.",
    "padding": "Most of this long answer is not about this question, so only the part that is was graded.",
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


PRAISE_FROM = 4  # a criterion scored this or higher is a strength; below it, it gets advice


def _praise_and_advice(
    rubric: Rubric, criteria: Sequence[CriterionGrade], *, skip: Measure | None = None
) -> tuple[list[Measure], list[Measure]]:
    """The measures to praise and those to advise on, weakest first: each criterion lands on one side only,
    so a strength and an improvement (or the next step) are never about the same criterion."""
    by_id = {c.id: c.measure for c in rubric.criteria}
    measured = [(by_id[cg.criterion_id], cg.score) for cg in criteria if by_id.get(cg.criterion_id) != skip]
    praised = [m for m, score in measured if score >= PRAISE_FROM and m in _PRAISE]
    advised = [m for m, score in sorted(measured, key=lambda ms: ms[1]) if score < PRAISE_FROM]
    return praised, advised


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
    # Key points are named one by one: the covered ones as strengths, the missing ones to improve.
    covered = sorted((m for m in analysis.matches if m.score >= 0.5), key=lambda m: -m.score)
    strengths = [f"You covered this point: {_lower_first(m.point.point)}" for m in covered[:2]]
    praised, advised = _praise_and_advice(rubric, criteria, skip="coverage")
    strengths += [_PRAISE[m] for m in praised][: max(0, 4 - len(strengths))]
    improvements = [f"Not covered yet: {_lower_first(m.point)}" for m in missing[:3]]
    improvements += [_ADVICE[m] for m in advised[:2]]
    if missing:
        first = missing[0]
        step = (
            f'Read "{first.learn.heading}" in {first.learn.file}, then answer the '
            f"{PHASE_NAMES[phase]} phase again so that it {_lower_first(first.point)}"
        )
    elif advised:
        step = _ADVICE[advised[0]]
    else:
        step = "Try this phase on a harder question, or under a shorter time limit."
    return strengths, improvements, step


# --- Questions outside the bank, and grading one answer from settings ---------------------------------
