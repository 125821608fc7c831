"""Owners, row versions, budgets and users: what serving a team needs from the store, on every backend."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from interviewer.errors import SessionNotFound, StaleSession, StoreError
from interviewer.interview.session import InterviewSession
from interviewer.llm.protocol import Usage
from interviewer.store.schema import SCHEMA_VERSION
from interviewer.store.sessions import LOCAL_OWNER, SessionStore
from interviewer.testing import FakeClock, keyword_engine, tiny_question


def new(store: SessionStore, owner: str = LOCAL_OWNER, at: float = 1.0) -> str:
    return store.create_session(
        question_id="q", minutes=45, drill=None, engine="offline", at=at, owner=owner
    ).id


def say(store: SessionStore, session_id: str, text: str, at: float = 2.0, **kw: object) -> None:
    store.append_turn(
        session_id, role="candidate", phase="requirements", kind="answer", text=text, at=at, **kw
    )  # type: ignore[arg-type]


def test_a_new_session_belongs_to_the_local_owner_at_version_one(any_store: SessionStore) -> None:
    record = any_store.get_session(new(any_store))
    assert (record.owner, record.version) == (LOCAL_OWNER, 1)
    assert any_store.get_session(new(any_store, owner="ada@example.com")).owner == "ada@example.com"


def test_someone_elses_interview_is_exactly_as_absent_as_a_missing_one(any_store: SessionStore) -> None:
    ada = new(any_store, owner="ada")
    say(any_store, ada, "ada's answer")
    messages = set()
    for wanted in (ada, "no-such-id"):
        for read in (any_store.get_session, any_store.turns, any_store.grades, any_store.usage):
            with pytest.raises(SessionNotFound) as err:
                read(wanted, owner="bob")
            messages.add(str(err.value))
        with pytest.raises(SessionNotFound) as err:
            any_store.delete_session(wanted, owner="bob")
        messages.add(str(err.value))
        with pytest.raises(SessionNotFound) as err:
            say(any_store, wanted, "bob writes", owner="bob")
        messages.add(str(err.value))
    assert messages == {"no interview with that id"}
    # Nothing of bob's attempts landed; ada still sees her interview whole.
    assert [t.text for t in any_store.turns(ada, owner="ada")] == ["ada's answer"]
    assert any_store.get_session(ada).owner == "ada"


def test_listing_by_owner_shows_only_theirs_and_no_owner_shows_all(any_store: SessionStore) -> None:
    ada1, bob, ada2 = new(any_store, "ada", 1.0), new(any_store, "bob", 2.0), new(any_store, "ada", 3.0)
    assert [r.id for r in any_store.list_sessions(owner="ada")] == [ada1, ada2]
    assert [r.id for r in any_store.list_sessions(owner="bob")] == [bob]
    assert [r.id for r in any_store.list_sessions()] == [ada1, bob, ada2]
    assert any_store.list_sessions(owner="carol") == []
    assert any_store.list_sessions(owner="ada", state="done") == []


def test_each_write_moves_the_version_on_and_a_stale_update_is_refused(any_store: SessionStore) -> None:
    session_id = new(any_store)
    say(any_store, session_id, "one", expected_version=1)
    assert any_store.get_session(session_id).version == 2
    assert (
        any_store.update_session(session_id, state="architecture", data={"k": 1}, at=3.0, expected_version=2)
        == 3
    )
    with pytest.raises(StaleSession, match="changed in another tab; reload to continue") as err:
        any_store.update_session(session_id, state="done", data={}, at=4.0, expected_version=2)
    assert (err.value.expected, err.value.actual) == (2, 3)
    record = any_store.get_session(session_id)
    assert (record.state, record.data, record.version) == ("architecture", {"k": 1}, 3)


def test_two_tabs_cannot_interleave_turns_the_second_is_refused_and_saves_nothing(
    any_store: SessionStore,
) -> None:
    session_id = new(any_store)
    seen_by_both = any_store.get_session(session_id).version
    say(any_store, session_id, "from tab one", expected_version=seen_by_both)
    with pytest.raises(StaleSession):
        say(any_store, session_id, "from tab two", expected_version=seen_by_both, state="done", data={})
    assert [t.text for t in any_store.turns(session_id)] == ["from tab one"]
    assert any_store.get_session(session_id).state == "not_started"


def test_racing_writers_on_one_version_let_exactly_one_through(any_store: SessionStore) -> None:
    session_id = new(any_store)
    barrier = threading.Barrier(4)
    won: list[str] = []
    stale: list[str] = []
    other: list[BaseException] = []

    def tab(name: str) -> None:
        barrier.wait()
        try:
            say(any_store, session_id, name, expected_version=1)
            won.append(name)
        except StaleSession:
            stale.append(name)
        except BaseException as exc:  # reported by the assertion below
            other.append(exc)

    threads = [threading.Thread(target=tab, args=(f"tab{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert other == []
    assert len(won) == 1 and len(stale) == 3
    assert [t.text for t in any_store.turns(session_id)] == won


def test_token_usage_since_a_time_is_counted_per_owner_and_outlives_deletion(any_store: SessionStore) -> None:
    ada, bob = new(any_store, "ada"), new(any_store, "bob")
    any_store.add_usage(ada, [Usage("m", 100, 20)], at=10.0)
    any_store.add_usage(ada, [Usage("m", 50, 5, cached_tokens=40), Usage("m", 1, 1)], at=20.0)
    any_store.add_usage(bob, [Usage("m", 7, 3)], at=20.0)
    assert any_store.usage_since("ada", 0.0) == 177
    assert any_store.usage_since("ada", 15.0) == 57
    assert any_store.usage_since("bob", 0.0) == 10
    assert any_store.usage_since("carol", 0.0) == 0
    any_store.delete_session(ada, owner="ada")
    assert any_store.usage_since("ada", 0.0) == 177


def test_candidate_turns_since_a_time_are_counted_per_owner(any_store: SessionStore) -> None:
    ada, bob = new(any_store, "ada"), new(any_store, "bob")
    for at in (5.0, 15.0, 25.0):
        say(any_store, ada, "answer", at=at)
    any_store.append_turn(ada, role="interviewer", phase=None, kind="question", text="Why?", at=26.0)
    say(any_store, bob, "answer", at=30.0)
    assert any_store.turns_since("ada", 10.0) == 2
    assert any_store.turns_since("ada", 0.0) == 3
    assert any_store.turns_since("ada", 0.0, role="interviewer") == 1
    assert any_store.turns_since("bob", 0.0) == 1


def test_a_user_is_created_on_first_sight_and_touched_after(any_store: SessionStore) -> None:
    assert any_store.get_user("ada") is None
    first = any_store.touch_user("ada", "candidate", at=100.0)
    assert (first.role, first.created_at, first.last_seen) == ("candidate", 100.0, 100.0)
    again = any_store.touch_user("ada", "instructor", at=200.0)
    assert (again.role, again.created_at, again.last_seen) == ("instructor", 100.0, 200.0)
    any_store.touch_user("bob", "candidate", at=150.0)
    assert [u.id for u in any_store.list_users()] == ["ada", "bob"]


def test_an_interview_in_two_tabs_stops_the_stale_tab_until_it_reloads(any_store: SessionStore) -> None:
    question, clock = tiny_question(), FakeClock()
    first = InterviewSession.create(question, keyword_engine(), any_store, clock=clock, owner="ada")
    first.start()
    second = InterviewSession.resume(
        first.id, keyword_engine(), any_store, lambda _: question, clock=clock, owner="ada"
    )
    first.submit("We serve ten million users a day.")
    with pytest.raises(StaleSession):
        second.submit("A different answer from the other tab.")
    texts = [t.text for t in any_store.turns(first.id)]
    assert "A different answer from the other tab." not in texts
    reloaded = InterviewSession.resume(
        first.id, keyword_engine(), any_store, lambda _: question, clock=clock, owner="ada"
    )
    reloaded.submit("Now from the reloaded tab.")
    assert any_store.turns(first.id)[-2].text == "Now from the reloaded tab."
    with pytest.raises(SessionNotFound):
        InterviewSession.resume(first.id, keyword_engine(), any_store, lambda _: question, owner="bob")


def test_an_old_single_user_database_is_migrated_in_place(tmp_path: Path) -> None:
    path = tmp_path / "sessions.db"
    old = sqlite3.connect(path)
    old.executescript(
        """
        CREATE TABLE sessions (id TEXT PRIMARY KEY, question_id TEXT NOT NULL, minutes INTEGER NOT NULL,
            drill TEXT, engine TEXT NOT NULL, state TEXT NOT NULL, created_at REAL NOT NULL,
            updated_at REAL NOT NULL, data TEXT NOT NULL DEFAULT '{}');
        CREATE TABLE turns (id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE, seq INTEGER NOT NULL,
            role TEXT NOT NULL, phase TEXT, kind TEXT NOT NULL, text TEXT NOT NULL, at REAL NOT NULL,
            prompt_version TEXT, tokens INTEGER NOT NULL DEFAULT 0, meta TEXT NOT NULL DEFAULT '{}',
            UNIQUE (session_id, seq));
        CREATE TABLE grades (session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            phase TEXT NOT NULL, grade TEXT NOT NULL, at REAL NOT NULL, PRIMARY KEY (session_id, phase));
        CREATE TABLE usage (id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE, model TEXT NOT NULL,
            prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL,
            cached_tokens INTEGER NOT NULL DEFAULT 0, at REAL NOT NULL);
        INSERT INTO sessions VALUES ('old1', 'video-recs', 45, NULL, 'offline', 'requirements', 1.0, 2.0,
            '{"hints": {}}');
        INSERT INTO turns (session_id, seq, role, phase, kind, text, at)
            VALUES ('old1', 1, 'candidate', 'requirements', 'answer', 'kept', 2.0);
        INSERT INTO usage (session_id, model, prompt_tokens, completion_tokens, at) VALUES ('old1', 'm', 30, 12, 2.0);
        PRAGMA user_version = 1;
        """
    )
    old.close()
    store = SessionStore(path)
    record = store.get_session("old1")
    assert (record.owner, record.version, record.state) == ("local", 1, "requirements")
    assert [t.text for t in store.turns("old1", owner="local")] == ["kept"]
    assert store.usage("old1") == [Usage("m", 30, 12)]
    assert store.usage_since("local", 0.0) == 42
    say(store, "old1", "new turn", expected_version=1)
    assert store.get_session("old1").version == 2
    store.touch_user("ada", "candidate", at=1.0)
    store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3


def test_a_store_error_from_a_stale_write_is_still_a_store_error() -> None:
    # The UI catches the base class; both new errors sit under StoreError.
    assert issubclass(StaleSession, StoreError) and issubclass(SessionNotFound, StoreError)
