"""Pacing: a phase ends when the candidate moves on, when its time is used up, or when the interviewer has
run out of questions, and the closing line says which of those ended the interview."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.interview.engine import Engine
from interviewer.interview.interviewer import describe_move
from interviewer.interview.moves import Move, TurnContext
from interviewer.interview.session import InterviewSession
from interviewer.phases import PHASES
from interviewer.store.sessions import SessionStore
from interviewer.testing import (
    TINY_COVERING_ANSWERS,
    FakeClock,
    answer_and_move_on,
    keyword_engine,
    tiny_question,
)

COVERING = TINY_COVERING_ANSWERS
TIME_UP = ("That's time", "out of time")
MORE_DEEP_DIVE = (
    "The ranker is a gradient-boosted model over watch history, video age and device features.",
    "Labels come from watch time so the model does not learn to chase clickbait thumbnails.",
    "Candidates sit in Redis keyed by user, refreshed every few minutes from the event stream.",
    "We retrain daily and compare offline metrics before promoting a new model to serving.",
    "Position bias is handled by logging the slot each video was shown in during training.",
)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    return SessionStore(tmp_path / "sessions.db")


@pytest.fixture
def engine() -> Engine:
    return keyword_engine()


def drill(engine: Engine, store: SessionStore, clock: FakeClock) -> InterviewSession:
    session = InterviewSession.create(
        tiny_question(), engine, store, minutes=20, drill="deep_dive", clock=clock
    )
    session.start()
    return session


def interview(engine: Engine, store: SessionStore, clock: FakeClock) -> InterviewSession:
    session = InterviewSession.create(tiny_question(), engine, store, clock=clock)
    session.start()
    return session


def test_a_drill_whose_key_points_are_all_covered_keeps_asking_until_its_time_is_up(
    engine: Engine, store: SessionStore, clock: FakeClock
) -> None:
    session = drill(engine, store, clock)
    replies = [session.submit(COVERING["deep_dive"])]
    for text in MORE_DEEP_DIVE:
        clock.advance(seconds=40)
        replies.append(session.submit(text))
    assert session.phase == "deep_dive" and not session.done
    assert all(r.move != "advance" and r.text.rstrip().endswith("?") for r in replies)


def test_a_drill_that_repeats_itself_still_does_not_close_before_its_time(
    engine: Engine, store: SessionStore, clock: FakeClock
) -> None:
    session = drill(engine, store, clock)
    for _ in range(8):
        clock.advance(seconds=10)
        session.submit(COVERING["deep_dive"])
    assert session.phase == "deep_dive"


def test_a_drill_ends_when_its_time_is_used_up_and_the_close_says_it_is_time(
    engine: Engine, store: SessionStore, clock: FakeClock
) -> None:
    session = drill(engine, store, clock)
    session.submit(COVERING["deep_dive"])
    clock.advance(minutes=21)
    moved = session.submit(MORE_DEEP_DIVE[0])
    assert moved.move == "advance" and session.state == "wrap_up"
    assert session.data["visits"][0]["reason"] == "time"
    closing = session.submit("I'd revisit the ranking features first.")
    assert closing.done and any(t in closing.text for t in TIME_UP)


def test_a_phase_whose_key_points_are_covered_goes_on_while_it_has_time_and_questions(
    engine: Engine, store: SessionStore, clock: FakeClock
) -> None:
    session = interview(engine, store, clock)
    reply = session.submit(COVERING["requirements"])
    assert reply.phase == "requirements" and reply.move != "advance"
    assert reply.text.rstrip().endswith("?")


def test_a_covered_phase_moves_on_once_the_candidate_has_nothing_new_to_add(
    engine: Engine, store: SessionStore, clock: FakeClock
) -> None:
    session = interview(engine, store, clock)
    moves = [session.submit(COVERING["requirements"]).move]
    while session.phase == "requirements" and len(moves) < 10:
        moves.append(session.submit(COVERING["requirements"]).move)
    assert session.phase == "architecture"
    assert session.data["visits"][0]["reason"] == "covered"


def test_a_phase_ends_when_its_time_is_used_up_with_a_warning_first(
    engine: Engine, store: SessionStore, clock: FakeClock
) -> None:
    session = interview(engine, store, clock)
    session.submit(COVERING["requirements"])
    clock.advance(minutes=8.5)
    warned = session.submit("We should also support new users with no watch history at all.")
    assert "left" in warned.text and session.phase == "requirements"
    clock.advance(minutes=2)
    moved = session.submit("And the page has to stay fresh as they watch more videos.")
    assert moved.ended_phase == "requirements" and session.data["visits"][0]["reason"] == "time"


def test_ending_early_closes_without_saying_that_time_is_up(
    engine: Engine, store: SessionStore, clock: FakeClock
) -> None:
    session = drill(engine, store, clock)
    session.submit(COVERING["deep_dive"])
    closing = session.end()
    assert closing.done and not any(t in closing.text for t in TIME_UP)


def test_finishing_every_phase_in_time_closes_without_saying_that_time_is_up(
    engine: Engine, store: SessionStore, clock: FakeClock
) -> None:
    session = interview(engine, store, clock)
    for phase in PHASES:
        clock.advance(minutes=2)
        answer_and_move_on(session, COVERING[phase])
    closing = session.submit("I'd revisit the cache because the hit rate drives the cost.")
    assert closing.done and not any(t in closing.text for t in TIME_UP)


@pytest.mark.parametrize(
    ("reason", "says"),
    [("time", "time is up; say so"), ("ended", "chose to end early"), ("finished", "Every phase is done")],
)
def test_the_model_is_told_why_the_interview_closed(reason: str, says: str) -> None:
    ctx = TurnContext(question=tiny_question(), transcript=(), minutes_left=0)
    move = Move(kind="close", phase=None, reason=reason)  # type: ignore[arg-type]
    assert says in describe_move(move, ctx)


def test_a_long_phase_reads_only_its_latest_answers_again_so_a_turn_costs_the_same_late_in_it(
    engine: Engine, store: SessionStore, clock: FakeClock
) -> None:
    session = drill(engine, store, clock)
    read: list[str] = []
    original = engine.coverage

    def recording(question: object, phase: object, answer: str) -> object:
        read.append(answer)
        return original(question, phase, answer)  # type: ignore[arg-type]

    engine.coverage = recording  # type: ignore[method-assign]
    session.submit("The ranking model learns from watch logs.")  # one point covered, one still missing
    for i in range(10):
        clock.advance(seconds=30)
        session.submit(f"Answer {i}: the profile keeps recent watches and device features number {i}.")
    assert read and max(text.count("\n") + 1 for text in read) <= 6
    assert "ranking-model" in session.data["covered"]["deep_dive"]  # a point once covered stays covered


EVEN_MORE_DEEP_DIVE = (
    "Serving reads precomputed candidates, and the ranker scores about a thousand of them per request.",
    "The two-tower model is retrained weekly, and its embeddings are re-indexed in the ANN index nightly.",
    "A canary gets one percent of traffic before a new ranker replaces the old one everywhere.",
)


def deep_dive_of(engine: Engine, store: SessionStore, clock: FakeClock) -> InterviewSession:
    session = interview(engine, store, clock)
    for phase in ("requirements", "architecture"):
        answer_and_move_on(session, COVERING[phase])
    assert session.phase == "deep_dive"
    return session


def test_a_deep_dive_that_kept_adding_survives_two_answers_that_add_nothing(
    engine: Engine, store: SessionStore, clock: FakeClock
) -> None:
    session = deep_dive_of(engine, store, clock)
    for text in (COVERING["deep_dive"], *MORE_DEEP_DIVE, *EVEN_MORE_DEEP_DIVE):
        clock.advance(seconds=30)
        session.submit(text)
    assert session.data["fresh"]["deep_dive"] >= 8
    for _ in range(2):  # two answers that say again what was said: a different part of the design next
        reply = session.submit(MORE_DEEP_DIVE[0])
        assert session.phase == "deep_dive" and reply.move == "deepen"
    session.submit(MORE_DEEP_DIVE[0])  # a third: the phase is given up on
    assert session.phase == "issues"
    assert session.data["visits"][2]["reason"] == "covered"


def test_a_deep_dive_with_little_added_moves_on_after_two_answers_that_add_nothing(
    engine: Engine, store: SessionStore, clock: FakeClock
) -> None:
    session = deep_dive_of(engine, store, clock)
    session.submit(COVERING["deep_dive"])
    session.submit(MORE_DEEP_DIVE[0])
    session.submit(MORE_DEEP_DIVE[0])
    session.submit(MORE_DEEP_DIVE[0])
    assert session.phase == "issues"
