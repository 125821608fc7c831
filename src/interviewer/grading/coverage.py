"""Reading an answer for the offline grader: semantic key-point coverage and the signals around it.

`Analyser.analyse` embeds the answer's sentences (fillers stripped, repeats and text aimed at the grader
removed) and compares them with the key points of the phase, calibrated by `Calibration`; it also measures
how much of the answer is on topic, whether it fits another phase better, and the reasoning, numbers,
trade-offs, structure, clarity and delivery signals. The result is an `Analysis`, which `grading` turns into
a `Grade` on the rubric.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import get_args

import numpy as np

from interviewer.content.questions import KeyPoint, Question
from interviewer.content.rubrics import Measure
from interviewer.grading.claims import ClaimChecker, ClaimError
from interviewer.grading.delivery import Delivery, heard
from interviewer.grading.delivery import combine as combine_deliveries
from interviewer.grading.delivery import measure as measure_delivery
from interviewer.grading.injection import Injection, find_injections
from interviewer.grading.signals import (
    Sentence,
    count_arithmetic,
    count_numbers,
    count_reasoning,
    count_signposts,
    count_tradeoffs,
    normalise,
    overlaps,
    sentence_quality,
    split_sentences,
)
from interviewer.grading.stories import recounted
from interviewer.notes.embeddings import Embedder
from interviewer.phases import PHASE_GOALS, PHASES, Phase


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
    padding_words: int = 250  # from this length an answer is checked for padding
    specific: float = 0.40  # a sentence this similar to the question's own texts is about the question
    padding_share: float = 0.5  # below this share of words about the question, a long answer is padded
    specific_strict: float = 0.45  # what of a padded answer is still read
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
    errors: tuple[ClaimError, ...] = ()  # wrong claims and arithmetic errors the claim checker found

    @property
    def coverage(self) -> float:
        return self.measures["coverage"]

    @property
    def empty(self) -> bool:
        return "empty" in self.flags


def _saturate(count: float, scale: float) -> float:
    """0 for nothing, rising towards 1: a few good signals count, dozens do not count much more."""
    return 1.0 - math.exp(-count / scale) if count > 0 else 0.0


# Embeddings are a pure function of the text, so graders share one cache per embedding model: key points
# are embedded once per process, not once per grader.
_VECTORS: dict[tuple[str, int], dict[str, np.ndarray]] = {}
_MAX_CACHED = 20_000


class Analyser:
    """Reads answers against a question's key points with an embedder; no model call, deterministic."""

    def __init__(self, embedder: Embedder, calibration: Calibration | None = None) -> None:
        self.embedder = embedder
        self.calibration = calibration or Calibration()
        self.checker = ClaimChecker()
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
        self,
        vectors: np.ndarray,
        quality: np.ndarray,
        points: Sequence[KeyPoint],
        sentences: Sequence[Sentence] = (),
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per key point: the best raw similarity, the calibrated score and the index of the best sentence.

        Coverage means asserted: a sentence that asserts one of a point's wrong alternatives does not
        cover it, however close its words are, and neither does a story of an earlier job's design.
        """
        matrix, owner = self._point_matrix(points)
        sims = vectors @ matrix.T  # sentences x phrasings
        told = recounted([s.text for s in sentences])  # a past job's design, recounted, covers nothing here
        best_raw = np.zeros(len(points), dtype=np.float32)
        best_score = np.zeros(len(points), dtype=np.float32)
        best_idx = np.zeros(len(points), dtype=np.int64)
        for i in range(len(points)):
            per_sentence = sims[:, owner == i].max(axis=1)
            scored = self._calibrate(per_sentence) * (0.4 + 0.6 * np.minimum(1.0, quality / 0.5))
            if (points[i].wrong or told) and len(sentences):
                wrong = [
                    k in told or (bool(points[i].wrong) and self.checker.asserts_wrong(s.clean, points[i]))
                    for k, s in enumerate(sentences)
                ]
                scored = np.where(np.asarray(wrong), 0.0, scored)
            j = int(np.argmax(scored))
            best_raw[i], best_score[i], best_idx[i] = per_sentence[j], scored[j], j
        return best_raw, best_score, best_idx

    # -- reading an answer ---------------------------------------------------------------------------

    def analyse(
        self,
        question: Question,
        phase: Phase,
        answer: str,
        delivery: Delivery | None = None,
        *,
        check_claims: bool = True,
    ) -> Analysis:
        """What an answer covers and signals; without `check_claims` its `errors` are left empty (key-point
        coverage on every interview turn needs only the matches)."""
        c = self.calibration
        delivery = delivery or measure_delivery(answer)
        answer = heard(answer)
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
            zero = dict.fromkeys(MEASURES, 0.0)
            matches = tuple(PointMatch(p, 0.0, 0.0, None) for p in points)
            return Analysis(
                tuple(kept), repeated, injections, matches, 0.0, 0.0, None, zero, {}, delivery, tuple(flags)
            )
        if repeated and repeated >= max(2, len(candidates) // 4):
            flags.append("repetition")
        kept, padded = self._unpad(question, kept)
        if padded:
            flags.append("padding")
        vectors = self._embed([s.clean for s in kept])
        quality = np.asarray([sentence_quality(s.clean) for s in kept], dtype=np.float32)
        weights = np.asarray([s.words for s in kept], dtype=np.float32)
        keyword_share = float(weights[quality < 0.35].sum() / weights.sum())
        if keyword_share >= c.keyword_share:
            flags.append("keyword-list")

        raw, scores, best = self._phase_coverage(vectors, quality, points, kept)
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
        errors = tuple(self.checker.check(question, None, _rejoin(answer, kept))) if check_claims else ()
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
            errors,
        )

    def analyse_communication(self, answers: Sequence[str], delivery: Delivery | None = None) -> Analysis:
        """Read a whole interview's answers for communication: structure, clarity, numbers, trade-offs, delivery."""
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
        return Analysis(
            tuple(kept), repeated, (), (), 1.0, 0.0, None, measures, evidence, delivery, tuple(flags)
        )

    def _unpad(self, question: Question, sentences: list[Sentence]) -> tuple[list[Sentence], bool]:
        """A long answer made mostly of text that is not about this question keeps only what is.

        Sentences are compared with what is specific to the question (its title, prompt, facts and model
        outlines). Padding a weak core with pages of general material must not raise its score; an answer
        of ordinary length, or one mostly about the question, is left whole.
        """
        c = self.calibration
        words = sum(s.words for s in sentences)
        if words < c.padding_words:
            return sentences, False
        vectors = self._embed([s.clean for s in sentences])
        specific = (vectors @ self._embed(_specific_texts(question)).T).max(axis=1)
        about = [s for s, sim in zip(sentences, specific, strict=True) if sim >= c.specific]
        if sum(s.words for s in about) >= c.padding_share * words:
            return sentences, False
        strict = [s for s, sim in zip(sentences, specific, strict=True) if sim >= c.specific_strict]
        return strict or about[:1], True

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


MEASURES: tuple[Measure, ...] = get_args(Measure)


def _specific_texts(question: Question) -> list[str]:
    """What is particular to this question: its statement, its facts and its model outlines."""
    texts = [question.title, question.prompt, *(f.fact for f in question.hidden_facts)]
    for each in PHASES:
        texts.extend(question.phase(each).model_outline)
    return texts


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


def _rejoin(answer: str, kept: Sequence[Sentence]) -> str:
    """The kept sentences as one text for the claim checker. A spoken sentence split at ", which is" is
    rejoined, as the answer said it, to the one before, so a derivation said across both is read whole;
    sentences that were apart in the answer stay apart."""
    parts: list[str] = []
    for i, sentence in enumerate(kept):
        prev = kept[i - 1] if i else None
        gap = answer[prev.end : sentence.start] if prev else ""
        if prev and len(gap) <= 3 and not re.search(r"[.!?\n]", gap):
            parts[-1] += gap + sentence.text
        else:
            parts.append(sentence.text)
    return "\n".join(parts)
