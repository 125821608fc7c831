"""Spoken answers carry their delivery (pace, fillers, length) into the communication grade."""

from __future__ import annotations

from pathlib import Path

from interviewer.content.rubrics import RubricSet
from interviewer.grading.delivery import measure
from interviewer.grading.offline import OfflineGrader
from interviewer.interview.session import InterviewSession
from interviewer.store.sessions import SessionStore
from interviewer.testing import FakeClock, FakeEmbedder, keyword_engine, tiny_question

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"

SPOKEN = "Um, we optimise watch time, not clicks, because clicks reward clickbait. Uh, the budget is 200 milliseconds."
TYPED = "Candidate generation then ranking, with a feature store for training and serving."


def _session(tmp_path: Path) -> InterviewSession:
    grader = OfflineGrader(FakeEmbedder(), RubricSet.load(KNOWLEDGE))
    session = InterviewSession.create(
        tiny_question(), keyword_engine(grader=grader), SessionStore(tmp_path / "s.db"), clock=FakeClock()
    )
    session.start()
    return session


def test_a_spoken_answer_saves_its_delivery_with_the_turn(tmp_path: Path) -> None:
    session = _session(tmp_path)
    session.submit(SPOKEN, delivery=measure(SPOKEN, seconds=12.0))

    saved = [t for t in session.store.turns(session.id) if t.role == "candidate" and t.kind == "answer"]
    assert saved[-1].meta["delivery"]["spoken"] is True
    assert saved[-1].meta["delivery"]["seconds"] == 12.0
    assert saved[-1].meta["delivery"]["filler_count"] == 2


def test_the_communication_grade_uses_the_spoken_pace_and_counts_typed_answers_too(tmp_path: Path) -> None:
    session = _session(tmp_path)
    session.submit(SPOKEN, delivery=measure(SPOKEN, seconds=6.0))
    session.next_phase()
    session.submit(TYPED)
    session.end()

    delivery = session.grades["communication"].delivery
    assert delivery is not None
    assert delivery.spoken is True
    spoken_words = measure(SPOKEN).words
    assert delivery.words_per_minute == round(spoken_words / 6.0 * 60.0, 1)
    assert delivery.words == spoken_words + measure(TYPED).words
    assert delivery.filler_count == 2


def test_a_typed_interview_is_graded_on_its_text_alone(tmp_path: Path) -> None:
    session = _session(tmp_path)
    session.submit(TYPED)
    session.end()

    delivery = session.grades["communication"].delivery
    assert delivery is not None
    assert delivery.spoken is False
    assert delivery.words_per_minute is None
