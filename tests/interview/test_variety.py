"""Replies that depend on the answer: no affirmation of a weak or wrong answer, no steer after a good one,
and no interviewer sentence of four words or more said more than twice in one interview."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from pathlib import Path

import pytest

from interviewer.content.questions import Question, QuestionBank
from interviewer.interview.clock import SpeakingClock
from interviewer.interview.commands import act
from interviewer.interview.interviewer import describe_move
from interviewer.interview.moves import Move, TurnContext
from interviewer.interview.session import InterviewSession
from interviewer.interview.variety import ACKS, STEERS, without_repeats
from interviewer.phases import Phase
from interviewer.store.sessions import SessionStore, Turn
from interviewer.testing import keyword_engine

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
BANK = QuestionBank.load(KNOWLEDGE)
AFFIRMATIONS = {a for a in ACKS["strong"] if len(a.split()) > 1} | {"Sure, that works."}
WEAK = (
    "It needs massive scale.",
    "Hmm, maybe some kind of model.",
    "We could use the cloud for it.",
    "I think it should be fast and good.",
    "Some database probably.",
)


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def run(
    question: Question, answers: list[str], tmp_path: Path, *, minutes: int = 45, drill: Phase | None = None
) -> InterviewSession:
    """A scripted interview on the speaking clock, cycling through `answers` until it ends."""
    clock = SpeakingClock(start=1_700_000_000.0)
    store = SessionStore(tmp_path / f"{question.id}-{len(answers)}-{drill}.db")
    session = InterviewSession.create(
        question, keyword_engine(), store, clock=clock, minutes=minutes, drill=drill
    )
    clock.interviewer(session.start().text)
    for text in itertools.islice(itertools.cycle(answers), 400):
        if session.done:
            break
        clock.candidate(text)
        clock.interviewer(act(session, text).reply.text)
    return session


def interviewer_sentences(session: InterviewSession) -> Counter[str]:
    told = {f.fact.strip() for f in session.question.hidden_facts}
    said: Counter[str] = Counter()
    for turn in session.turns:
        if turn.role == "interviewer":
            for s in sentences(turn.text):
                if len(s.split()) >= 4 and not any(s in fact for fact in told):
                    said[s] += 1
    return said


def test_a_weak_candidate_is_never_affirmed(tmp_path: Path) -> None:
    session = run(BANK.get("youtube-recommendations"), list(WEAK), tmp_path)
    for turn in session.turns:
        if turn.role == "interviewer" and turn.meta.get("move") in ("probe", "deepen"):
            assert not AFFIRMATIONS & set(sentences(turn.text)), turn.text


def test_a_good_answer_is_never_followed_by_a_steer(tmp_path: Path) -> None:
    session = run(BANK.get("youtube-recommendations"), ["/end"], tmp_path)
    assert session.done
    store = SessionStore(tmp_path / "good.db")
    session = InterviewSession.create(BANK.get("youtube-recommendations"), keyword_engine(), store)
    session.start()
    reply = session.submit(
        "I'd optimise long-term watch time rather than clicks, because clicks reward clickbait."
    )
    assert reply.move == "probe"
    assert not {s for s in STEERS if s} & set(sentences(reply.text))


def test_an_answer_with_a_wrong_claim_is_never_affirmed_even_after_it_was_challenged(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "wrong.db")
    session = InterviewSession.create(BANK.get("youtube-recommendations"), keyword_engine(), store)
    session.start()
    first = session.submit("We'll optimise click-through rate, since clicks are the clearest signal.")
    assert first.move == "challenge"
    again = session.submit(
        "We'll optimise click-through rate, since clicks are the clearest signal. There are 500 million "
        "daily active users and about 50K requests per second at peak, so the API has to answer in 200 ms."
    )
    assert again.move != "challenge"
    assert not (AFFIRMATIONS | set(ACKS["strong"])) & set(sentences(again.text))
    assert "click-through rate" not in again.text  # not echoed back as if agreed


@pytest.mark.parametrize("question_id", ["youtube-recommendations", "fraud-detection", "eta-prediction"])
def test_no_sentence_of_four_words_or_more_is_said_more_than_twice_in_a_long_interview(
    question_id: str, tmp_path: Path
) -> None:
    question = BANK.get(question_id)
    outline = [
        b for p in ("requirements", "architecture", "deep_dive") for b in question.phase(p).model_outline
    ]
    for answers in (list(WEAK), outline, [*outline[:3], "/hint", *WEAK[:2], "/next"]):
        session = run(question, answers, tmp_path)
        repeated = {s: n for s, n in interviewer_sentences(session).items() if n > 2}
        assert not repeated, repeated


def test_a_long_drill_repeats_no_sentence_more_than_twice(tmp_path: Path) -> None:
    question = BANK.get("youtube-recommendations")
    session = run(
        question, list(question.phase("deep_dive").model_outline), tmp_path, minutes=20, drill="deep_dive"
    )
    assert session.done
    repeated = {s: n for s, n in interviewer_sentences(session).items() if n > 2}
    assert not repeated, repeated


def _said(text: str) -> Turn:
    return Turn(seq=1, role="interviewer", phase=None, kind="question", text=text, at=0.0)


def test_a_sentence_said_twice_is_dropped_and_a_question_is_swapped_for_a_spare() -> None:
    transcript = [_said("Okay, that sounds reasonable. What breaks first?")] * 2 + [
        _said("Okay, that sounds reasonable. Where is the single point of failure?")
    ]
    text = without_repeats(
        ["Okay, that sounds reasonable.", "Where is the single point of failure?"],
        transcript,
        spares=["Where is the single point of failure?", "Which part would you build first?"],
    )
    assert text == "Where is the single point of failure?"
    again = without_repeats(
        ["Where is the single point of failure?"],
        [*transcript, _said(text)],
        spares=["Which part would you build first?"],
    )
    assert again == "Which part would you build first?"


def test_the_model_is_told_not_to_praise_a_weak_answer() -> None:
    ctx = TurnContext(question=BANK.get("youtube-recommendations"), transcript=(), minutes_left=5)
    instruction = describe_move(Move(kind="probe", phase="requirements", quality="weak"), ctx)
    assert "do not praise or affirm it" in instruction
