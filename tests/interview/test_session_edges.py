"""The interview session at its edges: lengths, ending twice, resuming after an unanswered command."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.errors import BadInput
from interviewer.interview.commands import act, parse_script
from interviewer.interview.session import InterviewSession
from interviewer.store.sessions import SessionStore
from interviewer.testing import FakeClock, keyword_engine, tiny_question


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    return SessionStore(tmp_path / "sessions.db")


def new_session(store: SessionStore, clock: FakeClock | None = None, **kwargs: object) -> InterviewSession:
    return InterviewSession.create(
        tiny_question(), keyword_engine(), store, clock=clock or FakeClock(), **kwargs
    )  # type: ignore[arg-type]


@pytest.mark.parametrize("minutes", [0, -1, 181])
def test_an_interview_length_outside_1_to_180_minutes_is_bad_input(store: SessionStore, minutes: int) -> None:
    with pytest.raises(BadInput, match="between 1 and 180 minutes"):
        new_session(store, minutes=minutes)
    assert store.list_sessions() == []


def test_ending_before_starting_opens_the_first_phase_and_closes_the_interview(store: SessionStore) -> None:
    session = new_session(store)
    reply = session.end()
    assert session.done and reply.done
    turns = store.turns(session.id)
    assert [(t.role, t.phase) for t in turns[:2]] == [
        ("system", "requirements"),
        ("candidate", "requirements"),
    ]
    assert turns[1].text == "(ended the interview)"
    assert turns[-1].role == "interviewer"
    assert store.get_session(session.id).state == "done"


def test_ending_twice_is_refused_and_saves_nothing_more(store: SessionStore) -> None:
    session = new_session(store)
    session.start()
    session.end()
    saved = len(store.turns(session.id))
    with pytest.raises(BadInput, match="already over"):
        session.end()
    assert len(store.turns(session.id)) == saved


@pytest.mark.parametrize(
    ("command", "expect_kind"),
    [("/hint", "hint"), ("/next", "question"), ("/end", "system")],
)
def test_a_command_left_without_a_reply_is_answered_after_resuming(
    store: SessionStore, command: str, expect_kind: str
) -> None:
    clock = FakeClock()
    first = new_session(store, clock)
    first.start()
    first.submit("We should optimise watch time, not clicks.")
    act(first, command)  # the command is saved; its reply never streamed
    assert [t.role for t in store.turns(first.id) if t.role != "system"][-1] == "candidate"

    again = InterviewSession.resume(first.id, keyword_engine(), store, lambda _: tiny_question(), clock=clock)
    reply = again.catch_up()

    assert reply is not None and reply.text
    last = store.turns(first.id)[-1]
    assert last.role == "interviewer" and last.kind == expect_kind
    assert again.catch_up() is None
    assert again.phase == first.phase  # catching up never moves the interview on a second time


def test_after_moving_on_the_resumed_session_opens_the_new_phase_once(store: SessionStore) -> None:
    clock = FakeClock()
    first = new_session(store, clock)
    first.start()
    first.submit("We should optimise watch time, not clicks.")
    first.next_phase_stream()  # the phase changed; the reply opening it never streamed
    turns = store.turns(first.id)
    assert turns[-1].role == "system" and turns[-1].meta["to"] == "architecture"

    again = InterviewSession.resume(first.id, keyword_engine(), store, lambda _: tiny_question(), clock=clock)
    reply = again.catch_up()

    assert reply is not None and again.phase == "architecture"
    assert store.turns(first.id)[-1].role == "interviewer"
    assert [g.phase for g in store.grades(first.id)] == ["requirements"]
    assert again.catch_up() is None


def test_a_reply_stream_read_twice_gives_its_text_once(store: SessionStore) -> None:
    session = new_session(store)
    stream = session.start_stream()
    first = "".join(stream)
    assert first and "".join(stream) == ""
    assert stream.reply.text == first
    interviewer_turns = [t for t in store.turns(session.id) if t.role == "interviewer"]
    assert len(interviewer_turns) == 1


def test_minutes_left_is_zero_once_the_interview_is_over(store: SessionStore) -> None:
    session = new_session(store)
    session.start()
    assert session.total_minutes_left == pytest.approx(45.0)
    session.end()
    assert session.total_minutes_left == 0.0


def test_time_a_skipped_phase_did_not_use_stays_in_the_time_left_overall(store: SessionStore) -> None:
    clock = FakeClock()
    session = new_session(store, clock)
    session.start()
    clock.advance(minutes=2)
    session.next_phase()  # requirements had 9 minutes and used 2

    assert session.phase == "architecture"
    assert session.total_minutes_left == pytest.approx(45.0 - 2)
    clock.advance(minutes=3)
    assert session.total_minutes_left == pytest.approx(45.0 - 5)
    assert session.minutes_left == pytest.approx(session.pacing.minutes["architecture"] - 3)


def test_a_phase_that_overruns_takes_its_extra_time_from_the_time_left_overall(store: SessionStore) -> None:
    clock = FakeClock()
    session = new_session(store, clock)
    session.start()
    clock.advance(minutes=session.pacing.minutes["requirements"] + 4)
    session.next_phase()

    assert session.total_minutes_left == pytest.approx(45.0 - session.pacing.minutes["requirements"] - 4)


@pytest.mark.parametrize(
    ("text", "turns"),
    [
        ("", []),
        ("   \n\n", []),
        ("only one answer\n", ["only one answer"]),
        ("first\n---\nsecond\n---\n", ["first", "second"]),
        ("first\n  ---  \nsecond", ["first", "second"]),
        ("line one\nline two\n---\n/end", ["line one\nline two", "/end"]),
    ],
)
def test_a_script_splits_on_dash_lines(text: str, turns: list[str]) -> None:
    assert parse_script(text) == turns
