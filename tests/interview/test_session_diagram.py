"""A diagram submitted with a turn: saved in the turn's meta the moment the turn is saved, the latest one
returned by `InterviewSession.diagram`, and a fenced ```mermaid block in a typed answer submitted as one."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.diagrams import Component, Diagram, Flow
from interviewer.errors import BadInput
from interviewer.interview.session import InterviewSession
from interviewer.store.sessions import SessionStore
from interviewer.testing import FakeClock, keyword_engine, tiny_question

BOARD = Diagram(
    components=(
        Component(id="api", label="API", kind="service"),
        Component(id="db", label="Postgres", kind="store"),
    ),
    flows=(Flow(source="api", target="db", label="reads"),),
)


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    return SessionStore(tmp_path / "sessions.db")


@pytest.fixture
def session(store: SessionStore) -> InterviewSession:
    s = InterviewSession.create(tiny_question(), keyword_engine(), store, clock=FakeClock())
    s.start()
    return s


def _candidate_turns(store: SessionStore, session_id: str) -> list:
    return [t for t in store.turns(session_id) if t.role == "candidate"]


def test_a_diagram_is_saved_with_the_turn_and_is_the_latest(
    session: InterviewSession, store: SessionStore
) -> None:
    assert session.diagram() is None
    session.submit("Here is my design.", diagram=BOARD)
    saved = _candidate_turns(store, session.id)[-1]
    assert Diagram.model_validate(saved.meta["diagram"]) == BOARD
    assert saved.meta["diagram_changed"] is True
    assert session.diagram() == BOARD
    assert session.diagram("requirements") == BOARD
    assert session.diagram("architecture") is None


def test_a_typed_mermaid_block_is_submitted_as_the_diagram(
    session: InterviewSession, store: SessionStore
) -> None:
    text = "The API reads from Postgres.\n\n```mermaid\nflowchart LR\n  api[API] -->|reads| db[(Postgres)]\n```\n"
    session.submit(text)
    saved = _candidate_turns(store, session.id)[-1]
    assert saved.text == "The API reads from Postgres."
    assert "flowchart LR" in saved.meta["mermaid"]
    diagram = session.diagram()
    assert diagram is not None
    assert [(c.id, c.label, c.kind) for c in diagram.components] == [
        ("api", "API", "service"),
        ("db", "Postgres", "store"),
    ]


def test_a_bad_block_names_its_line_and_saves_nothing(session: InterviewSession, store: SessionStore) -> None:
    before = len(store.turns(session.id))
    text = "My design:\n```mermaid\nflowchart LR\n  api[API] -->\n```"
    with pytest.raises(BadInput, match="line 4"):
        session.submit(text)
    assert len(store.turns(session.id)) == before
    assert session.diagram() is None


def test_a_diagram_alone_is_an_answer_not_a_silence(session: InterviewSession, store: SessionStore) -> None:
    session.submit("", diagram=BOARD)
    saved = _candidate_turns(store, session.id)[-1]
    assert not saved.meta.get("silent")
    assert any("Postgres" in a for a in session.answers(session.phase))


def test_the_same_diagram_again_is_not_a_change(session: InterviewSession, store: SessionStore) -> None:
    session.submit("First.", diagram=BOARD)
    session.submit("Second, same board.", diagram=BOARD)
    saved = _candidate_turns(store, session.id)[-1]
    assert saved.meta["diagram_changed"] is False
    assert sum("Postgres" in a for a in session.answers(session.phase)) == 1


def test_the_diagram_survives_a_resume(session: InterviewSession, store: SessionStore) -> None:
    session.submit("Here.", diagram=BOARD)
    again = InterviewSession.resume(
        session.id, session.engine, store, lambda _id: tiny_question(), clock=FakeClock()
    )
    assert again.diagram() == BOARD
