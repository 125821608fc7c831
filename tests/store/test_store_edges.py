"""The session store at its edges: concurrent writers, schema versions, bad paths, unknown ids."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from interviewer.errors import BadInput, StoreError
from interviewer.store.sessions import SCHEMA_VERSION, SessionStore


def new_session(store: SessionStore, at: float = 1.0) -> str:
    return store.create_session(question_id="video-recs", minutes=45, drill=None, engine="offline", at=at).id


def test_writers_on_one_session_from_many_threads_get_distinct_consecutive_turn_numbers(
    any_store: SessionStore,
) -> None:
    store = any_store
    session_id = new_session(store)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(10):
                store.append_turn(
                    session_id, role="candidate", phase="requirements", kind="answer", text=f"{n}-{i}", at=2.0
                )
        except BaseException as exc:  # pragma: no cover - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    turns = store.turns(session_id)
    assert [t.seq for t in turns] == list(range(1, 41))
    assert sorted(t.text for t in turns) == sorted(f"{n}-{i}" for n in range(4) for i in range(10))


def test_two_stores_on_one_file_behave_like_two_processes_and_see_each_others_writes(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    first, second = SessionStore(path), SessionStore(path)
    session_id = new_session(first)
    barrier = threading.Barrier(2)

    def write(store: SessionStore, tag: str) -> None:
        barrier.wait()
        for i in range(15):
            store.append_turn(
                session_id, role="candidate", phase=None, kind="answer", text=f"{tag}{i}", at=3.0
            )

    threads = [threading.Thread(target=write, args=(s, tag)) for s, tag in ((first, "a"), (second, "b"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seen_by_first = [t.text for t in first.turns(session_id)]
    assert [t.text for t in second.turns(session_id)] == seen_by_first
    assert len(seen_by_first) == 30
    assert [t.seq for t in first.turns(session_id)] == list(range(1, 31))


def test_reopening_a_database_keeps_its_sessions_and_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = SessionStore(path)
    session_id = new_session(store)
    store.append_turn(
        session_id, role="interviewer", phase="requirements", kind="question", text="Hi", at=2.0
    )
    store.close()
    again = SessionStore(path)
    assert [t.text for t in again.turns(session_id)] == ["Hi"]
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_database_left_at_version_zero_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    sqlite3.connect(path).close()  # an empty SQLite file, as an interrupted first run leaves it
    store = SessionStore(path)
    session_id = new_session(store)
    assert store.get_session(session_id).state == "not_started"
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_store_can_be_used_again_after_it_is_closed(any_store: SessionStore) -> None:
    store = any_store
    first = new_session(store)
    store.close()
    second = new_session(store, at=2.0)
    assert [r.id for r in store.list_sessions()] == [first, second]


def test_a_data_folder_that_cannot_be_created_names_interviewer_home(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(StoreError, match="INTERVIEWER_HOME") as exc:
        SessionStore(blocker / "home" / "sessions.db")
    assert "cannot create the data folder" in str(exc.value)


def test_a_database_path_that_is_a_folder_is_a_store_error(tmp_path: Path) -> None:
    folder = tmp_path / "sessions.db"
    folder.mkdir()
    with pytest.raises(StoreError) as exc:
        SessionStore(folder)
    assert str(folder) in str(exc.value)


def test_updating_or_deleting_an_unknown_session_is_bad_input(any_store: SessionStore) -> None:
    store = any_store
    with pytest.raises(BadInput, match="no interview with that id"):
        store.update_session("missing", state="done", data={}, at=1.0, expected_version=1)
    with pytest.raises(BadInput, match="no interview with that id"):
        store.delete_session("missing")


def test_a_turn_for_an_unknown_session_is_refused_and_nothing_is_saved(any_store: SessionStore) -> None:
    store = any_store
    with pytest.raises(StoreError, match="no interview with that id"):
        store.append_turn("missing", role="candidate", phase=None, kind="answer", text="lost", at=1.0)
    assert store.turns("missing") == []


def test_a_refused_write_leaves_the_connection_usable(any_store: SessionStore) -> None:
    store = any_store
    with pytest.raises(BadInput):
        store.delete_session("missing")
    session_id = new_session(store)
    store.append_turn(session_id, role="candidate", phase=None, kind="answer", text="still works", at=2.0)
    assert [t.text for t in store.turns(session_id)] == ["still works"]


def test_text_and_metadata_round_trip_exactly(any_store: SessionStore) -> None:
    store = any_store
    session_id = new_session(store)
    text = "Latency ≤ 200 ms — «p99» 😀\n\tsecond line; DROP TABLE turns; --"
    meta = {"move": "probe", "target": "latency-budget", "nested": {"levels": [1, 2]}}
    store.append_turn(
        session_id, role="candidate", phase="requirements", kind="answer", text=text, at=2.0, meta=meta
    )
    (turn,) = store.turns(session_id)
    assert turn.text == text and turn.meta == meta
    assert len(store.list_sessions()) == 1


def test_state_and_data_written_with_a_turn_come_back_with_the_session(any_store: SessionStore) -> None:
    store = any_store
    session_id = new_session(store)
    store.append_turn(
        session_id,
        role="interviewer",
        phase="architecture",
        kind="question",
        text="Next phase.",
        at=5.0,
        state="architecture",
        data={"hints": {"requirements": 2}},
    )
    record = store.get_session(session_id)
    assert record.state == "architecture"
    assert record.data == {"hints": {"requirements": 2}}
    assert record.updated_at == 5.0
    assert [r.id for r in store.list_sessions(state="architecture")] == [session_id]
    assert store.list_sessions(state="done") == []
