"""Resuming a saved interview: after a restart, a browser refresh, or a process killed mid-turn."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import team_servers
from interviewer.content.questions import Question
from interviewer.interview.session import InterviewSession
from interviewer.store.sessions import SessionStore
from interviewer.testing import FakeClock, answer_and_move_on, keyword_engine, tiny_question


def _question_for(question_id: str) -> Question:
    return tiny_question(question_id)


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    return SessionStore(tmp_path / "sessions.db")


def test_a_resumed_session_has_the_same_phase_turns_hints_and_facts(store: SessionStore) -> None:
    clock = FakeClock()
    first = InterviewSession.create(tiny_question(), keyword_engine(), store, clock=clock)
    first.start()
    first.submit("How many users are there?")
    first.hint()
    first.submit("We should optimise watch time not clicks.")
    first.next_phase()
    first.hint()

    again = InterviewSession.resume(first.id, keyword_engine(), store, _question_for, clock=clock)
    assert again.phase == "architecture"
    assert [t.text for t in again.turns] == [t.text for t in first.turns]
    assert again.hints_used("requirements") == 1 and again.hints_used("architecture") == 1
    assert [f.topic for f in again.revealed_facts] == ["scale"]
    assert set(again.grades) == {"requirements"}
    reply = answer_and_move_on(
        again, "I'd use candidate generation then ranking with a feature store for training and serving."
    )
    assert reply.ended_phase == "architecture"
    assert [t.seq for t in store.turns(first.id)] == list(range(1, len(store.turns(first.id)) + 1))


def test_time_away_does_not_count_against_the_phase(store: SessionStore) -> None:
    clock = FakeClock()
    first = InterviewSession.create(tiny_question(), keyword_engine(), store, clock=clock)
    first.start()
    clock.advance(minutes=3)
    first.submit("We should optimise watch time not clicks.")
    left = first.minutes_left
    clock.advance(minutes=120)  # the laptop was closed for two hours
    again = InterviewSession.resume(first.id, keyword_engine(), store, _question_for, clock=clock)
    assert again.minutes_left == pytest.approx(left)
    clock.advance(minutes=1)
    assert again.minutes_left == pytest.approx(left - 1)


def test_a_turn_left_without_a_reply_is_answered_after_resuming(store: SessionStore) -> None:
    clock = FakeClock()
    first = InterviewSession.create(tiny_question(), keyword_engine(), store, clock=clock)
    first.start()
    first.submit_stream("How many users do we have?")  # saved, but the reply never finished
    assert store.turns(first.id)[-1].role == "candidate"

    again = InterviewSession.resume(first.id, keyword_engine(), store, _question_for, clock=clock)
    reply = again.catch_up()
    assert reply is not None and "2 billion users" in reply.text
    assert store.turns(first.id)[-1].role == "interviewer"
    assert again.catch_up() is None


def test_a_phase_that_ended_before_its_grade_was_saved_is_graded_on_resume(store: SessionStore) -> None:
    clock = FakeClock()
    first = InterviewSession.create(tiny_question(), keyword_engine(), store, clock=clock)
    first.start()
    first.submit("We should optimise watch time not clicks.")
    first.next_phase_stream()  # the phase ended; the reply (and so the grade) never completed
    assert store.grades(first.id) == []

    again = InterviewSession.resume(first.id, keyword_engine(), store, _question_for, clock=clock)
    again.catch_up()
    assert [g.phase for g in store.grades(first.id)] == ["requirements"]


def test_a_finished_session_resumes_as_done(store: SessionStore) -> None:
    first = InterviewSession.create(tiny_question(), keyword_engine(), store, clock=FakeClock())
    first.start()
    first.end()
    again = InterviewSession.resume(first.id, keyword_engine(), store, _question_for)
    assert again.done
    assert again.catch_up() is None


_CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from interviewer.interview.session import InterviewSession
    from interviewer.store.sessions import SessionStore
    from interviewer.testing import keyword_engine, tiny_question

    target = sys.argv[1]
    if target.startswith("postgresql"):
        from interviewer.store.postgres import PostgresBackend

        store = SessionStore(PostgresBackend(target))
    else:
        store = SessionStore(Path(target))
    s = InterviewSession.create(tiny_question(), keyword_engine(), store, owner="ada")
    s.start()
    s.submit("How many users do we have?")
    s.submit("We should optimise watch time not clicks.")
    s.hint()
    s.submit_stream("What latency does the home page need?")  # the candidate's turn is saved; no reply yet
    print(s.id, flush=True)
    time.sleep(120)
    """
)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_an_interview_survives_its_process_being_killed(tmp_path: Path, backend: str) -> None:
    """On SQLite and on Postgres (INTERVIEWER_TEST_DATABASE_URL; see tests/team_servers.py)."""
    if backend == "postgres":
        target = team_servers.postgres_url()
        team_servers.fresh_postgres_store().close()
    else:
        target = str(tmp_path / "sessions.db")
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, target], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        session_id = child.stdout.readline().strip()
        assert session_id, child.stderr.read() if child.stderr else ""
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=10) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()

    if backend == "postgres":
        from interviewer.store.postgres import PostgresBackend

        store = SessionStore(PostgresBackend(target))
    else:
        store = SessionStore(Path(target))
    saved = store.turns(session_id, owner="ada")
    candidate = [t.text for t in saved if t.role == "candidate"]
    assert candidate == [
        "How many users do we have?",
        "We should optimise watch time not clicks.",
        "(asked for a hint)",
        "What latency does the home page need?",
    ]
    session = InterviewSession.resume(session_id, keyword_engine(), store, _question_for, owner="ada")
    assert session.phase == "requirements" and session.hints_used() == 1
    reply = session.catch_up()
    assert reply is not None and "200 milliseconds" in reply.text
    closing = session.end()
    assert closing.done
    assert store.get_session(session_id).state == "done"
