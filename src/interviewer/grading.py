"""Grades: the `Grade` model every grader returns, and the graders."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, cast, get_args

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from interviewer.answer_signals import (
    Injection,
    Sentence,
    count_arithmetic,
    count_numbers,
    count_reasoning,
    count_signposts,
    count_tradeoffs,
    find_injections,
    normalise,
    overlaps,
    sentence_quality,
    split_sentences,
)
from interviewer.config import Settings
from interviewer.delivery import Delivery
from interviewer.delivery import combine as combine_deliveries
from interviewer.delivery import measure as measure_delivery
from interviewer.embeddings import Embedder
from interviewer.errors import BadInput
from interviewer.phases import PHASE_GOALS, PHASE_NAMES, PHASES, Phase
from interviewer.questions import (
    Estimate,
    HiddenFact,
    KeyPoint,
    NoteLink,
    PhaseSpec,
    Question,
    QuestionBank,
)
from interviewer.rubric import Measure, Rubric, RubricSet

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


@dataclass(frozen=True)
class Calibration:
    """The offline grader's constants, tuned on the calibration set's tuning split (see bench/grading.py)."""

    sim_floor: float = 0.30  # cosine at or below which a key point counts as not said
    sim_full: float = 0.64  # cosine at or above which a key point counts as fully said
    covered: float = 0.5  # calibrated coverage from which a key point counts as covered
    duplicate: float = 0.86  # cosine from which two sentences say the same thing
    on_topic: float = 0.30  # a sentence's best similarity to the question's own content
    off_topic_share: float = 0.35  # below this share of on-topic words an answer is off-topic
    keyword_share: float = 0.5  # from this share of words in keyword lists an answer is a keyword list
    match_question: float = 0.55  # free text must be this similar to a bank question to borrow its key points
    coverage_levels: tuple[float, float, float, float] = (0.15, 0.33, 0.52, 0.72)
    signal_levels: tuple[float, float, float, float] = (0.15, 0.35, 0.6, 0.8)


@dataclass(frozen=True)
class PointMatch:
    point: KeyPoint
    similarity: float  # best raw cosine over the answer's sentences and the point's phrasings
    score: float  # calibrated to [0, 1]
    evidence: Sentence | None


@dataclass(frozen=True)
class Analysis:
    """Everything the offline grader read from one answer, before it turns into a `Grade`."""

    sentences: tuple[
        Sentence, ...
    ]  # what was scored: fillers stripped, repeats and grader-directed text removed
    repeated: int  # sentences dropped as repeats of earlier ones
    injections: tuple[Injection, ...]
    matches: tuple[PointMatch, ...]
    on_topic: float  # share of the scored words that are about this question
    keyword_share: float  # share of the scored words that sit in keyword lists
    other_phase: Phase | None  # the phase the answer fits much better, if any
    measures: dict[Measure, float]
    evidence: dict[Measure, tuple[str, ...]]
    delivery: Delivery
    flags: tuple[str, ...]

    @property
    def coverage(self) -> float:
        return self.measures["coverage"]

    @property
    def empty(self) -> bool:
        return "empty" in self.flags


def _saturate(count: float, scale: float) -> float:
    """0 for nothing, rising towards 1: a few good signals count, dozens do not count much more."""
    return 1.0 - math.exp(-count / scale) if count > 0 else 0.0


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


# Embeddings are a pure function of the text, so graders share one cache per embedding model: key points
# are embedded once per process, not once per grader.
_VECTORS: dict[tuple[str, int], dict[str, np.ndarray]] = {}
_MAX_CACHED = 20_000


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
        self.calibration = calibration or Calibration()
        self._cache = _VECTORS.setdefault((embedder.name, embedder.dim), {})

    # -- embeddings ---------------------------------------------------------------------------------

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed with a per-process cache, so key points and repeated answers are embedded once."""
        todo = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if todo:
            if len(self._cache) > _MAX_CACHED:
                self._cache.clear()
            vectors = np.asarray(self.embedder.embed(todo), dtype=np.float32)
            for text, vector in zip(todo, vectors, strict=True):
                self._cache[text] = vector
        if not texts:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])

    def prepare(self, question: Question) -> None:
        """Embed a question's key points and reference texts now, so the first answer grades as fast as the rest."""
        texts = list(_anchor_texts(question, PHASES[0]))
        texts += [PHASE_GOALS[p] for p in PHASES]
        self._embed(texts)

    def _point_matrix(self, points: Sequence[KeyPoint]) -> tuple[np.ndarray, np.ndarray]:
        texts: list[str] = []
        owner: list[int] = []
        for i, point in enumerate(points):
            for text in (point.point, *point.alternatives):
                texts.append(text)
                owner.append(i)
        return self._embed(texts), np.asarray(owner)

    def _calibrate(self, similarity: np.ndarray | float) -> np.ndarray:
        c = self.calibration
        return np.clip((np.asarray(similarity) - c.sim_floor) / (c.sim_full - c.sim_floor), 0.0, 1.0)

    def _phase_coverage(
        self, vectors: np.ndarray, quality: np.ndarray, points: Sequence[KeyPoint]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per key point: the best raw similarity, the calibrated score and the index of the best sentence."""
        matrix, owner = self._point_matrix(points)
        sims = vectors @ matrix.T  # sentences x phrasings
        best_raw = np.zeros(len(points), dtype=np.float32)
        best_score = np.zeros(len(points), dtype=np.float32)
        best_idx = np.zeros(len(points), dtype=np.int64)
        for i in range(len(points)):
            per_sentence = sims[:, owner == i].max(axis=1)
            scored = self._calibrate(per_sentence) * (0.4 + 0.6 * np.minimum(1.0, quality / 0.5))
            j = int(np.argmax(scored))
            best_raw[i], best_score[i], best_idx[i] = per_sentence[j], scored[j], j
        return best_raw, best_score, best_idx

    # -- reading an answer ---------------------------------------------------------------------------

    def analyse(
        self, question: Question, phase: Phase, answer: str, delivery: Delivery | None = None
    ) -> Analysis:
        c = self.calibration
        delivery = delivery or measure_delivery(answer)
        injections = tuple(find_injections(answer))
        flags: list[str] = ["injection"] if injections else []
        candidates = [
            s for s in split_sentences(answer) if not overlaps(s, list(injections)) and s.words >= 2
        ]
        kept, repeated, novelty = self._dedupe(candidates)
        words = sum(s.words for s in kept)
        points = question.phase(phase).key_points
        if words < 4:
            flags.append("empty")
            zero = dict.fromkeys(_MEASURES, 0.0)
            matches = tuple(PointMatch(p, 0.0, 0.0, None) for p in points)
            return Analysis(
                tuple(kept), repeated, injections, matches, 0.0, 0.0, None, zero, {}, delivery, tuple(flags)
            )
        if repeated and repeated >= max(2, len(candidates) // 4):
            flags.append("repetition")
        vectors = self._embed([s.clean for s in kept])
        quality = np.asarray([sentence_quality(s.clean) for s in kept], dtype=np.float32)
        weights = np.asarray([s.words for s in kept], dtype=np.float32)
        keyword_share = float(weights[quality < 0.35].sum() / weights.sum())
        if keyword_share >= c.keyword_share:
            flags.append("keyword-list")

        raw, scores, best = self._phase_coverage(vectors, quality, points)
        matches = tuple(
            PointMatch(p, float(raw[i]), float(scores[i]), kept[int(best[i])] if scores[i] > 0 else None)
            for i, p in enumerate(points)
        )
        coverage = float(scores.mean())

        anchors = self._embed(_anchor_texts(question, phase))
        relevance = (vectors @ anchors.T).max(axis=1)
        topical = relevance >= c.on_topic
        on_topic = float(weights[topical].sum() / weights.sum())
        if on_topic < c.off_topic_share:
            flags.append("off-topic")

        other_phase: Phase | None = None
        best_other = coverage + 0.12
        for other in PHASES:
            if other == phase:
                continue
            _, other_scores, _ = self._phase_coverage(vectors, quality, question.phase(other).key_points)
            if float(other_scores.mean()) > best_other and coverage < 0.4:
                best_other, other_phase = float(other_scores.mean()), other
        if other_phase:
            flags.append("other-phase")

        measures, evidence = self._signals(
            [s for s, t in zip(kept, topical, strict=True) if t], coverage, novelty
        )
        measures["coverage"] = coverage
        if "keyword-list" in flags:
            measures["coverage"] = min(coverage, c.coverage_levels[1] - 1e-6)
        measures["clarity"] = _clarity(quality, weights, repeated, len(candidates))
        measures["delivery"] = _delivery_score(delivery, repeated, len(candidates))
        evidence["coverage"] = tuple(
            dict.fromkeys(m.evidence.text for m in matches if m.evidence and m.score >= c.covered)
        )
        return Analysis(
            tuple(kept),
            repeated,
            injections,
            matches,
            on_topic,
            keyword_share,
            other_phase,
            measures,
            evidence,
            delivery,
            tuple(flags),
        )

    def _dedupe(self, sentences: list[Sentence]) -> tuple[list[Sentence], int, dict[Sentence, float]]:
        """Drop sentences that repeat an earlier one, verbatim or nearly, so padding counts once.

        Also returns each kept sentence's novelty: 1 for a new thought, less for a loose rephrasing of an
        earlier sentence, so saying the same "because" three ways does not count three times.
        """
        seen: set[str] = set()
        unique: list[Sentence] = []
        for s in sentences:
            key = normalise(s.clean)
            if key not in seen:
                seen.add(key)
                unique.append(s)
        novelty = dict.fromkeys(unique, 1.0)
        if len(unique) > 1:
            vectors = self._embed([s.clean for s in unique])
            sims = vectors @ vectors.T
            kept_idx: list[int] = []
            for i in range(len(unique)):
                closest = max((float(sims[i, j]) for j in kept_idx), default=0.0)
                if closest < self.calibration.duplicate:
                    kept_idx.append(i)
                    novelty[unique[i]] = min(1.0, max(0.25, (0.9 - closest) / 0.3))
            unique = [unique[i] for i in kept_idx]
        return unique, len(sentences) - len(unique), novelty

    def _signals(
        self, topical: list[Sentence], coverage: float, novelty: dict[Sentence, float]
    ) -> tuple[dict[Measure, float], dict[Measure, tuple[str, ...]]]:
        """Reasoning, numbers, trade-offs and structure, counted only in sentences about the question.

        They are gated by coverage: fluent reasoning about the wrong things earns little.
        """
        gate = min(1.0, 0.3 + coverage)
        counts: dict[Measure, float] = {"reasoning": 0, "quantification": 0, "tradeoffs": 0, "structure": 0}
        found: dict[Measure, list[str]] = {m: [] for m in counts}
        for s in topical:
            if sentence_quality(s.clean) < 0.35:
                continue
            per: dict[Measure, float] = {
                "reasoning": min(count_reasoning(s.clean), 2),
                "quantification": min(count_numbers(s.clean) + 1.5 * count_arithmetic(s.clean), 4),
                "tradeoffs": min(count_tradeoffs(s.clean), 2),
                "structure": min(count_signposts(s.clean), 1),
            }
            for m, n in per.items():
                if n:
                    counts[m] += n * novelty.get(s, 1.0)
                    found[m].append(s.text)
        scales: dict[Measure, float] = {
            "reasoning": 1.6,
            "quantification": 2.5,
            "tradeoffs": 1.0,
            "structure": 1.2,
        }
        measures: dict[Measure, float] = {m: _saturate(counts[m], scales[m]) * gate for m in counts}
        return measures, {m: tuple(found[m][:3]) for m in found}

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
        delivery = delivery or combine_deliveries(measure_delivery(a) for a in answers)
        sentences: list[Sentence] = []
        candidates = 0
        injected = False
        for answer in answers:
            injections = find_injections(answer)
            injected = injected or bool(injections)
            found = [s for s in split_sentences(answer) if not overlaps(s, injections) and s.words >= 2]
            candidates += len(found)
            sentences.extend(found)
        kept, repeated, novelty = self._dedupe(sentences)
        words = sum(s.words for s in kept)
        flags: list[str] = (["injection"] if injected else []) + (["empty"] if words < 4 else [])
        if repeated and repeated >= max(2, candidates // 4):
            flags.append("repetition")
        quality = np.asarray([sentence_quality(s.clean) for s in kept], dtype=np.float32)
        weights = np.asarray([s.words for s in kept], dtype=np.float32)
        measures, evidence = self._signals(kept, 0.7, novelty)
        # Numbers and signposts per answer, not per word: a long interview should not saturate them.
        measures["clarity"] = _clarity(quality, weights, repeated, candidates) if kept else 0.0
        measures["delivery"] = _delivery_score(delivery, repeated, candidates) if kept else 0.0
        analysis = Analysis(
            tuple(kept), repeated, (), (), 1.0, 0.0, None, measures, evidence, delivery, tuple(flags)
        )
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
        flag_texts = [_flag_text(f, analysis) for f in flags]
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

    # -- questions outside the bank -------------------------------------------------------------------

    def match_question(self, text: str, questions: Iterable[Question]) -> QuestionMatch | None:
        """The bank question closest to free text, if it is similar enough to borrow its key points."""
        pool = list(questions)
        if not pool or not text.strip():
            return None
        query = self._embed([text.strip()])[0]
        vectors = self._embed([f"{q.title}. {q.prompt}" for q in pool])
        sims = vectors @ query
        best = int(np.argmax(sims))
        if float(sims[best]) < self.calibration.match_question:
            return None
        return QuestionMatch(pool[best], round(float(sims[best]), 3))


@dataclass(frozen=True)
class QuestionMatch:
    question: Question
    similarity: float


_MEASURES: tuple[Measure, ...] = get_args(Measure)


def _anchor_texts(question: Question, phase: Phase) -> list[str]:
    """What an on-topic sentence resembles: the question, every key point of it, and the phase's goal."""
    texts = [question.title, question.prompt, PHASE_GOALS[phase]]
    for each in PHASES:
        for point in question.phase(each).key_points:
            texts.append(point.point)
            texts.extend(point.alternatives)
    return texts


def _clarity(quality: np.ndarray, weights: np.ndarray, repeated: int, total: int) -> float:
    if not len(weights):
        return 0.0
    plain = float((quality * weights).sum() / weights.sum())
    mean_words = float(weights.mean())
    run_on = 1.0 if mean_words <= 30 else max(0.5, 1.0 - (mean_words - 30) / 40)
    repetition = 1.0 - min(0.6, repeated / max(total, 1))
    return plain * run_on * repetition


def _delivery_score(delivery: Delivery, repeated: int, total: int) -> float:
    fillers = max(0.0, 1.0 - max(0.0, delivery.filler_rate - 1.0) / 12.0)
    pace = 1.0 if delivery.pace in ("steady", "unknown") else 0.75
    repetition = 1.0 - min(0.6, repeated / max(total, 1))
    return fillers * pace * repetition


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
    from interviewer.embeddings import MiniLMEmbedder

    rubrics = RubricSet.load(settings.knowledge_dir)
    bank = QuestionBank.load(settings.knowledge_dir)
    offline = OfflineGrader(MiniLMEmbedder(), rubrics)
    question, note = resolve_question(question_ref, bank, offline)
    grader: Grader = offline
    if engine == "openai":
        from interviewer.llm import make_chat_model
        from interviewer.llm_grader import LLMGrader
        from interviewer.prompts import PromptLibrary

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
