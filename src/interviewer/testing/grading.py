"""`KeywordGrader`: a tiny deterministic `Grader` that measures key-point coverage by word overlap.

It stands in for the real offline grader where the semantics of coverage do not matter, so that tests of
the interview flow stay fast and easy to reason about: a key point counts as covered when enough of its
content words (or those of one of its alternatives) appear in the answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from interviewer.content.questions import KeyPoint, Question
from interviewer.grading.grade import CriterionGrade, Grade, MissingPoint, PointCoverage
from interviewer.phases import Phase

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "is",
        "are",
        "be",
        "it",
        "its",
        "this",
        "that",
        "we",
        "our",
        "as",
        "at",
        "by",
        "from",
        "into",
        "than",
        "then",
        "what",
        "how",
        "why",
        "which",
        "who",
        "do",
        "does",
        "not",
        "no",
        "so",
        "if",
        "about",
        "rather",
        "per",
        "each",
    ]
)


def content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


class KeywordGrader:
    """Covers a key point when at least `threshold` of one phrasing's content words are in the answer."""

    def __init__(self, threshold: float = 0.6) -> None:
        self.threshold = threshold
        self.graded: list[tuple[str, str, str]] = []

    def _score(self, point: KeyPoint, words: set[str]) -> float:
        best = 0.0
        for phrasing in (point.point, *point.alternatives):
            wanted = content_words(phrasing)
            if wanted:
                best = max(best, len(wanted & words) / len(wanted))
        return best

    def coverage(self, question: Question, phase: Phase, answer: str) -> list[PointCoverage]:
        words = content_words(answer)
        result = []
        for point in question.phase(phase).key_points:
            score = self._score(point, words)
            result.append(
                PointCoverage(key_point_id=point.id, score=round(score, 3), covered=score >= self.threshold)
            )
        return result

    def grade(self, question: Question, phase: Phase, answer: str) -> Grade:
        self.graded.append((question.id, phase, answer))
        cov = self.coverage(question, phase, answer)
        points = {k.id: k for k in question.phase(phase).key_points}
        share = sum(c.covered for c in cov) / len(cov)
        score = max(1, min(5, 1 + round(4 * share)))
        missing = [
            MissingPoint(
                key_point_id=c.key_point_id,
                point=points[c.key_point_id].point,
                learn=points[c.key_point_id].learn,
            )
            for c in cov
            if not c.covered
        ]
        criterion = CriterionGrade(
            criterion_id="coverage",
            name="Coverage",
            weight=1.0,
            score=score,
            level=f"covers {sum(c.covered for c in cov)} of {len(cov)} key points",
            missing=missing,
        )
        return Grade(
            question_id=question.id,
            phase=phase,
            score=float(score),
            criteria=[criterion],
            strengths=["Covered the key points."] if share == 1 else [],
            improvements=[f"Cover: {m.point}" for m in missing],
            next_step=f"Revise {missing[0].learn.heading} in {missing[0].learn.file}." if missing else "",
            grader="offline",
        )

    def grade_communication(
        self, answers: Sequence[str], delivery: object | None = None, *, question_id: str = ""
    ) -> Grade:
        """A communication grade from how much of the answers are sentences with reasons."""
        text = " ".join(answers)
        reasons = len(re.findall(r"\b(because|so that|trade-?off|instead)\b", text.lower()))
        score = max(1, min(5, 2 + reasons)) if text.strip() else 1
        criterion = CriterionGrade(
            criterion_id="clarity", name="Clarity", weight=1.0, score=score, level=f"{reasons} reasons given"
        )
        return Grade(
            question_id=question_id,
            phase="communication",
            score=float(score),
            criteria=[criterion],
            grader="offline",
        )
