"""The drawing and the spoken answer graded together.

1. The diagram in plain sentences (`diagram_text`) is added to the answer before any grader reads it, so
   key-point coverage and the claim checker see what was drawn as well as what was said: a drawing can
   cover a point the words did not, and a wrong design drawn is a wrong claim made. (In an interview, the
   session adds them to the turn that changed the diagram; `with_sentences` does it for one answer.)
2. In the architecture phase, when the question has a reference design, the grade then takes the diagram
   review (`review_diagram`) into account:

   - the *Components and data flow* criterion (the rubric's coverage criterion) moves toward the diagram's
     level: two thirds of the way when the drawing is better than the words, a third of the way when it is
     worse, rounded half up. A drawing is the most direct evidence of components and data flow, so a strong
     one lifts a thin answer, and a broken one pulls a fluent answer down a little;
   - a serious flow problem (weight 0.15 or more: a training pipeline on the request path, a cache after
     the store it protects) takes one level off the reasoning criterion (*Why each component is there*);
   - the phase score moves by the criteria's weighted changes (so an error deduction already made stays);
   - the flow problems become improvements, and the review is attached to the grade as `diagram`.

   In other phases the review is attached but the score is not changed.
"""

from __future__ import annotations

import math
from typing import Any

from interviewer.content.questions import Question
from interviewer.content.rubrics import RubricSet
from interviewer.diagrams.model import Diagram
from interviewer.grading.diagram import DiagramReview, review_diagram
from interviewer.grading.diagram_text import diagram_text
from interviewer.grading.grade import Grade
from interviewer.phases import Phase

SERIOUS = 0.15
COVERAGE_CRITERIA = ("components-and-flow",)
REASONING_CRITERIA = ("component-justification",)


def with_sentences(answer: str, diagram: Diagram | None) -> str:
    """The answer followed by the diagram in sentences."""
    if diagram is None or diagram.empty:
        return answer
    return f"{answer.strip()}\n\n{diagram_text(diagram)}".strip()


def review_for(question: Question, diagram: Diagram | None, embedder: Any = None) -> DiagramReview | None:
    if diagram is None or question.reference_design is None:
        return None
    return review_diagram(question.reference_design, diagram, embedder=embedder)


def with_review(
    grade: Grade, phase: Phase, review: DiagramReview | None, rubrics: RubricSet | None = None
) -> Grade:
    """`grade` adjusted by the diagram review (architecture only) and carrying it."""
    if review is None:
        return grade
    if phase != "architecture" or grade.phase != "architecture":
        return grade.model_copy(update={"diagram": review})
    criteria = []
    delta = 0.0
    serious = any(p.weight >= SERIOUS for p in review.flow_problems)
    for c in grade.criteria:
        score = c.score
        if c.criterion_id in COVERAGE_CRITERIA or (
            not _has(grade, COVERAGE_CRITERIA) and c is grade.criteria[0]
        ):
            score = blend(c.score, review.level)
        elif serious and c.criterion_id in REASONING_CRITERIA:
            score = max(1, c.score - 1)
        if score != c.score:
            delta += c.weight * (score - c.score)
            update: dict[str, Any] = {
                "score": score,
                "rationale": f"{c.rationale} Diagram level {review.level} of 5.".strip(),
            }
            level = _descriptor(rubrics, phase, c.criterion_id, score)
            if level:
                update["level"] = level
            c = c.model_copy(update=update)
        criteria.append(c)
    improvements = [f"In your diagram: {p.text}" for p in review.flow_problems[:3]]
    return grade.model_copy(
        update={
            "criteria": criteria,
            "score": round(max(1.0, min(5.0, grade.score + delta)), 2),
            "improvements": [*improvements, *grade.improvements],
            "diagram": review,
        }
    )


def grade_with_diagram(
    grader: Any,
    question: Question,
    phase: Phase,
    answer: str,
    diagram: Diagram | None,
    *,
    embedder: Any = None,
    rubrics: RubricSet | None = None,
) -> Grade:
    """Grade an answer and its drawing together: the sentences join the answer, then the review adjusts."""
    grade: Grade = grader.grade(question, phase, with_sentences(answer, diagram))
    return with_review(grade, phase, review_for(question, diagram, embedder), rubrics)


def blend(words: int, drawing: int) -> int:
    """The coverage criterion with a drawing: two thirds of the way to a better drawing's level, a third of
    the way to a worse one's, rounded half up."""
    pull = 2 / 3 if drawing > words else 1 / 3
    return max(1, min(5, math.floor(words + pull * (drawing - words) + 0.5)))


def _descriptor(rubrics: RubricSet | None, phase: Phase, criterion_id: str, score: int) -> str | None:
    if rubrics is None:
        return None
    for criterion in rubrics.for_phase(phase).criteria:
        if criterion.id == criterion_id:
            return str(criterion.levels[score])
    return None


def _has(grade: Grade, ids: tuple[str, ...]) -> bool:
    return any(c.criterion_id in ids for c in grade.criteria)
