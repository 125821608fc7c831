"""The session store: WAL, one committed row per turn, grades and usage, list/delete, two writers."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from interviewer.errors import BadInput, SessionNotFound, StoreError
from interviewer.grading.grade import CriterionGrade, Grade
from interviewer.llm.protocol import Usage
from interviewer.store.sessions import SCHEMA_VERSION, SessionStore


@pytest.fixture
def sqlite_store(tmp_path: Path) -> SessionStore:
    return SessionStore(tmp_path / "sessions.db")


@pytest.fixture
def store(any_store: SessionStore) -> SessionStore:
    """Every test taking `store` runs on SQLite and on Postgres (see conftest.py)."""
    return any_store


def _grade(phase: str = "requirements", score: float = 3.5) -> Grade:
    criterion = CriterionGrade(criterion_id="coverage", name="Coverage", weight=1.0, score=4, level="good")
    return Grade(question_id="q", phase=phase, score=score, criteria=[criterion], grader="offline")  # type: ignore[arg-type]


def test_the_database_is_in_wal_mode_with_a_schema_version(
    sqlite_store: SessionStore, tmp_path: Path
) -> None:
    assert sqlite_store.journal_mode.lower() == "wal"
    version = sqlite3.connect(tmp_path / "sessions.db").execute("PRAGMA user_version").fetchone()[0]
    assert version == SCHEMA_VERSION


def test_a_turn_is_visible_to_another_connection_as_soon_as_it_is_appended(
    sqlite_store: SessionStore, tmp_path: Path
) -> None:
    record = sqlite_store.create_session(question_id="q", minutes=45, drill=None, engine="offline", at=100.0)
    sqlite_store.append_turn(
        record.id, role="candidate", phase="requirements", kind="answer", text="hello", at=101.0
    )
    other = sqlite3.connect(tmp_path / "sessions.db")
    rows = other.execute("SELECT role, kind, text FROM turns WHERE session_id = ?", (record.id,)).fetchall()
    assert rows == [("candidate", "answer", "hello")]


def test_turns_come_back_in_order_with_their_metadata(store: SessionStore) -> None:
    record = store.create_session(question_id="q", minutes=45, drill=None, engine="offline", at=0.0)
    store.append_turn(
        record.id,
        role="interviewer",
        phase="requirements",
        kind="question",
        text="Hi?",
        at=1.0,
        prompt_version="offline-templates@v1",
        tokens=3,
        meta={"move": "open"},
    )
    store.append_turn(
        record.id, role="candidate", phase="requirements", kind="question", text="Users?", at=2.0
    )
    turns = store.turns(record.id)
    assert [t.seq for t in turns] == [1, 2]
    assert turns[0].meta == {"move": "open"}
    assert turns[0].prompt_version == "offline-templates@v1"
    assert turns[0].tokens == 3
    assert turns[1].role == "candidate"


def test_a_turn_can_update_the_session_state_in_the_same_commit(store: SessionStore) -> None:
    record = store.create_session(question_id="q", minutes=45, drill=None, engine="offline", at=0.0)
    store.append_turn(
        record.id,
        role="system",
        phase="architecture",
        kind="system",
        text="Phase",
        at=5.0,
        state="architecture",
        data={"hints": {"requirements": 2}},
    )
    saved = store.get_session(record.id)
    assert saved.state == "architecture"
    assert saved.data == {"hints": {"requirements": 2}}
    assert saved.updated_at == 5.0


def test_grades_are_saved_as_json_and_replaced_when_a_phase_is_regraded(store: SessionStore) -> None:
    record = store.create_session(question_id="q", minutes=45, drill=None, engine="offline", at=0.0)
    store.save_grade(record.id, "requirements", _grade(score=2.0), at=1.0)
    store.save_grade(record.id, "requirements", _grade(score=4.0), at=2.0)
    store.save_grade(record.id, "communication", _grade("communication", 3.0), at=3.0)
    grades = store.grades(record.id)
    assert [(g.phase, g.grade["score"]) for g in grades] == [("requirements", 4.0), ("communication", 3.0)]


def test_usage_is_kept_per_call(store: SessionStore) -> None:
    record = store.create_session(question_id="q", minutes=45, drill=None, engine="openai", at=0.0)
    store.add_usage(
        record.id, [Usage("gpt-4o-mini", 100, 20), Usage("gpt-4o-mini", 50, 5, cached_tokens=10)], at=1
    )
    assert store.usage(record.id) == [
        Usage("gpt-4o-mini", 100, 20),
        Usage("gpt-4o-mini", 50, 5, cached_tokens=10),
    ]


def test_sessions_are_listed_oldest_first_and_filtered_by_state(store: SessionStore) -> None:
    late = store.create_session(question_id="b", minutes=60, drill=None, engine="offline", at=200.0)
    early = store.create_session(question_id="a", minutes=20, drill="deep_dive", engine="offline", at=100.0)
    assert store.update_session(late.id, state="done", data={}, at=300.0, expected_version=1) == 2
    assert [s.id for s in store.list_sessions()] == [early.id, late.id]
    assert [s.id for s in store.list_sessions(state="done")] == [late.id]
    assert store.get_session(early.id).drill == "deep_dive"


def test_deleting_a_session_removes_its_turns_grades_and_usage(
    sqlite_store: SessionStore, tmp_path: Path
) -> None:
    store = sqlite_store
    record = store.create_session(question_id="q", minutes=45, drill=None, engine="offline", at=0.0)
    store.append_turn(record.id, role="candidate", phase="requirements", kind="answer", text="x", at=1.0)
    store.save_grade(record.id, "requirements", _grade(), at=1.0)
    store.add_usage(record.id, [Usage("m", 1, 1)], at=1.0)
    store.delete_session(record.id)
    db = sqlite3.connect(tmp_path / "sessions.db")
    for table in ("sessions", "turns", "grades"):
        assert db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0
    # The token counts stay, unlinked, so a daily budget cannot be reset by deleting interviews.
    assert db.execute("SELECT session_id, owner FROM usage").fetchall() == [(None, "local")]
    assert store.usage(record.id) == []
    with pytest.raises(SessionNotFound, match="no interview with that id"):
        store.get_session(record.id)


def test_an_unknown_session_id_is_bad_input(store: SessionStore) -> None:
    with pytest.raises(BadInput, match="no interview with that id"):
        store.delete_session("nope")


def test_two_sessions_written_from_two_threads_do_not_interfere(store: SessionStore) -> None:
    a = store.create_session(question_id="a", minutes=45, drill=None, engine="offline", at=0.0)
    b = store.create_session(question_id="b", minutes=45, drill=None, engine="offline", at=0.0)
    errors: list[BaseException] = []

    def write(session_id: str, label: str) -> None:
        try:
            for i in range(40):
                store.append_turn(
                    session_id,
                    role="candidate",
                    phase="requirements",
                    kind="answer",
                    text=f"{label}{i}",
                    at=float(i),
                )
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    threads = [
        threading.Thread(target=write, args=(a.id, "a")),
        threading.Thread(target=write, args=(b.id, "b")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert [t.text for t in store.turns(a.id)] == [f"a{i}" for i in range(40)]
    assert [t.text for t in store.turns(b.id)] == [f"b{i}" for i in range(40)]
    assert [t.seq for t in store.turns(b.id)] == list(range(1, 41))


def test_a_database_from_a_newer_version_is_refused_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "sessions.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="upgrade interviewer"):
        SessionStore(path)


def test_a_file_that_is_not_a_database_is_reported_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "sessions.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="move it aside"):
        SessionStore(path)


def test_deleting_a_session_leaves_nothing_readable_but_its_token_count(store: SessionStore) -> None:
    record = store.create_session(question_id="q", minutes=45, drill=None, engine="offline", at=0.0)
    store.append_turn(record.id, role="candidate", phase="requirements", kind="answer", text="x", at=1.0)
    store.save_grade(record.id, "requirements", _grade(), at=1.0)
    store.add_usage(record.id, [Usage("m", 3, 4)], at=1.0)
    store.delete_session(record.id)
    assert (store.turns(record.id), store.grades(record.id), store.usage(record.id)) == ([], [], [])
    assert store.list_sessions() == []
    assert store.usage_since("local", 0.0) == 7
