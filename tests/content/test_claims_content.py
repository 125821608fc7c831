"""The bank's wrong claims and constraints are usable: each example is caught, no right statement is.

A wrong claim's `example` and each of its `paraphrases` must be flagged, on its own key point. The
question's own right statements (its key points, what counts as right, their spoken alternatives and the
model outline), right statements written in a wrong claim's own words
(`tests/data/claims/right_statements.yaml`) and the calibration set's strong answers must not be, or the
interviewer would challenge a sound answer.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from interviewer.content.questions import Question, QuestionBank
from interviewer.grading.claims import ClaimChecker
from interviewer.phases import PHASES
from locations import KNOWLEDGE, TEST_DATA

BANK = QuestionBank.load(KNOWLEDGE)
CHECKER = ClaimChecker()


def _right_statements(question: Question) -> list[str]:
    texts: list[str] = []
    for phase in PHASES:
        spec = question.phase(phase)
        texts += spec.model_outline
        for point in spec.key_points:
            texts += [point.point, *point.alternatives]
            if point.correct:
                texts.append(point.correct)
    return texts


@pytest.mark.parametrize("question", list(BANK), ids=lambda q: q.id)
def test_every_wrong_claim_example_and_paraphrase_is_caught_on_its_own_key_point(question: Question) -> None:
    missed = []
    for phase in PHASES:
        for point in question.phase(phase).key_points:
            for wrong in point.wrong:
                for said in (wrong.example, *wrong.paraphrases):
                    found = CHECKER.check(question, None, said)
                    if not any(e.key_point_id == point.id for e in found):
                        missed.append(f"{point.id}: {said}")
    assert missed == []


@pytest.mark.parametrize("question", list(BANK), ids=lambda q: q.id)
def test_no_right_statement_of_a_question_is_flagged(question: Question) -> None:
    flagged = [
        f"{text} -> {[e.why[:60] for e in errors]}"
        for text in _right_statements(question)
        if (errors := CHECKER.check(question, None, text))
    ]
    assert flagged == []


RIGHT_WITH_WRONG_WORDS = yaml.safe_load(
    (TEST_DATA / "claims" / "right_statements.yaml").read_text(encoding="utf-8")
)


def test_right_statements_are_written_for_every_question() -> None:
    assert sorted(RIGHT_WITH_WRONG_WORDS) == sorted(BANK.ids())
    assert all(len(texts) >= 2 for texts in RIGHT_WITH_WRONG_WORDS.values())


@pytest.mark.parametrize(
    ("question_id", "text"),
    [(q, t) for q, texts in RIGHT_WITH_WRONG_WORDS.items() for t in texts],
    ids=lambda v: str(v)[:40],
)
def test_a_right_statement_in_a_wrong_claims_words_is_not_flagged(question_id: str, text: str) -> None:
    errors = CHECKER.check(BANK.get(question_id), None, text)
    assert [(e.kind, e.key_point_id, e.why[:60]) for e in errors] == []


def _strong_answers() -> list[tuple[str, str]]:
    answers = []
    for path in sorted((TEST_DATA / "calibration").glob("*.yaml")):
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        for answer in data["answers"]:
            if answer["kind"] in ("strong", "filler-strong"):
                answers.append((data["question"], answer["text"]))
    return answers


@pytest.mark.parametrize(("question_id", "text"), _strong_answers(), ids=lambda v: str(v)[:30])
def test_strong_calibration_answers_are_not_flagged(question_id: str, text: str) -> None:
    errors = CHECKER.check(BANK.get(question_id), None, text)
    assert [(e.kind, e.quote) for e in errors] == []


@pytest.mark.parametrize("question", list(BANK), ids=lambda q: q.id)
def test_every_key_point_says_what_is_right_and_most_name_a_wrong_alternative(question: Question) -> None:
    points = [k for phase in PHASES for k in question.phase(phase).key_points]
    assert [k.id for k in points if not k.correct.strip()] == []
    assert sum(bool(k.wrong) for k in points) >= 0.75 * len(points)


def test_every_common_method_error_example_and_paraphrase_is_caught_in_every_question_it_applies_to() -> None:
    question = next(iter(BANK))
    assert question.common_wrong, "knowledge/wrong_claims.yaml should load into every question"
    missed = []
    for q in BANK:
        for wrong in q.common_wrong:
            for said in (wrong.example, *wrong.paraphrases):
                found = CHECKER.check(q, None, said)
                # caught as itself, or as the question's own wrong claim that says the same in its words
                if not any(e.why == wrong.why or (e.kind == "claim" and e.key_point_id) for e in found):
                    missed.append(f"{q.id}: {said}")
    assert missed == []


def test_a_common_method_error_is_not_looked_for_in_a_question_it_skips() -> None:
    skipping = BANK.get("translation-service")
    assert not any("at random" in w.claim for w in skipping.common_wrong)
    assert any("at random" in w.claim for w in BANK.get("fraud-detection").common_wrong)
