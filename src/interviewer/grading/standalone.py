"""Grading one answer outside an interview: what `interviewer grade` runs.

A question is named by its bank id or given as free text; free text borrows the closest bank question's key
points, or is graded on the phase goals when none is close.
"""

from __future__ import annotations

import re
from typing import Any, cast

from interviewer.config import Settings
from interviewer.content.estimates import Estimate
from interviewer.content.questions import (
    HiddenFact,
    KeyPoint,
    NoteLink,
    PhaseSpec,
    Question,
    QuestionBank,
)
from interviewer.content.rubrics import RubricSet
from interviewer.diagrams.model import Diagram
from interviewer.errors import BadInput
from interviewer.grading.diagram_grade import grade_with_diagram
from interviewer.grading.grade import Grade, Grader
from interviewer.grading.offline import OfflineGrader
from interviewer.phases import PHASE_GOALS, PHASE_NAMES, PHASES, Phase

_ID_LIKE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# A question given as free text comes with no estimates of its own; the candidate states theirs.
_NO_ESTIMATE = Estimate.model_validate(
    {
        "label": "none",
        "arithmetic": "none given",
        "result": "state your own estimates",
        "inputs": [],
        "formula": "0",
        "value": 0,
        "unit": "none",
    }
)
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
            "estimates": [_NO_ESTIMATE],
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


def grade_answer(
    settings: Settings, question_ref: str, phase: str, answer: str, *, diagram: Diagram | None = None
) -> Grade:
    """Grade one answer with the engine the settings choose: what `interviewer grade` runs.

    With a `diagram`, the drawing is graded with the words (see `grading.diagram_grade`)."""
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
        from interviewer.grading.llm_grader import LLMGrader
        from interviewer.llm.openai_client import make_chat_model
        from interviewer.llm.prompts import PromptLibrary

        chat = make_chat_model(settings, "grader")
        if chat is not None:
            grader = LLMGrader(
                chat,
                rubrics,
                PromptLibrary(settings.prompts_dir),
                offline,
                max_tokens=settings.reply_tokens.grade,
            )
    grade = grade_with_diagram(
        grader, question, cast(Phase, phase), answer, diagram, embedder=offline.embedder, rubrics=rubrics
    )
    if note:
        grade = grade.model_copy(update={"flags": [note, *grade.flags]})
    return grade


def diagram_summary(grade: Grade, diagram: Diagram) -> dict[str, Any]:
    """The `diagram` object of `interviewer grade --json`: the drawing's review, or its components alone when
    the question has no reference design to compare with."""
    if grade.diagram is not None:
        return grade.diagram.summary()
    return {
        "components": [c.label for c in diagram.components],
        "matched": [],
        "missing": [],
        "flow_problems": [],
        "extra": [],
        "score": None,
        "level": None,
    }
