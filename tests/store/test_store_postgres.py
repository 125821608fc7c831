"""Postgres as the store: picked by INTERVIEWER_DATABASE_URL, migrated once by many replicas, and its
connection errors are project errors that name the fix and never the password."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

from interviewer.config import Settings
from interviewer.errors import ConfigError, StoreError
from interviewer.store.sessions import SessionStore, open_store
from team_servers import fresh_postgres_store, postgres_url


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_without_a_database_url_sessions_stay_in_sqlite_under_the_home(tmp_path: Path) -> None:
    settings = Settings.from_env({"INTERVIEWER_HOME": str(tmp_path)})
    assert settings.database_url is None
    store = open_store(settings)
    assert store.backend.name == "sqlite" and store.path == tmp_path / "sessions.db"


def test_the_database_url_is_read_from_the_environment_and_kept_secret() -> None:
    settings = Settings.from_env({"INTERVIEWER_DATABASE_URL": "postgresql://app:hunter2@db:5432/interviewer"})
    assert settings.database_url is not None
    assert settings.database_url.get_secret_value().endswith("@db:5432/interviewer")
    assert "hunter2" not in repr(settings)


def test_an_unreachable_postgres_is_a_store_error_naming_the_setting_without_the_password() -> None:
    url = f"postgresql://app:s3cret-pass@127.0.0.1:{closed_port()}/interviewer"
    with pytest.raises(StoreError) as err:
        open_store(Settings(database_url=url))  # type: ignore[arg-type]
    message = str(err.value)
    assert "INTERVIEWER_DATABASE_URL" in message
    assert "s3cret-pass" not in message
    assert "postgresql://app:***@127.0.0.1" in message


@pytest.mark.parametrize(
    "url, words",
    [
        ("mysql://app:pw@db/interviewer", "only postgresql:// URLs"),
        ("not a url at all", "postgresql://USER:PASSWORD@HOST:5432/DATABASE"),
    ],
)
def test_a_url_that_is_not_postgres_is_a_config_error_with_the_form_to_use(url: str, words: str) -> None:
    from interviewer.store.postgres import PostgresBackend

    with pytest.raises(ConfigError, match="INTERVIEWER_DATABASE_URL") as err:
        PostgresBackend(url)
    assert words in str(err.value)
    assert "pw@" not in str(err.value)


def test_a_wrong_password_is_reported_without_the_password() -> None:
    real = postgres_url()
    from sqlalchemy.engine import make_url

    wrong = make_url(real).set(password="definitely-wrong-pw").render_as_string(hide_password=False)
    with pytest.raises(StoreError, match="INTERVIEWER_DATABASE_URL") as err:
        open_store(Settings(database_url=wrong))  # type: ignore[arg-type]
    assert "definitely-wrong-pw" not in str(err.value)


def test_replicas_starting_together_migrate_once_and_share_every_write() -> None:
    from interviewer.store.postgres import PostgresBackend, drop_everything

    url = postgres_url()
    drop_everything(url)
    replicas: list[SessionStore] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(3)

    def start() -> None:
        barrier.wait()
        try:
            replicas.append(SessionStore(PostgresBackend(url)))
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    one, two, three = replicas
    session_id = one.create_session(
        question_id="q", minutes=45, drill=None, engine="offline", at=1.0, owner="ada"
    ).id
    two.append_turn(
        session_id, role="candidate", phase=None, kind="answer", text="via two", at=2.0, expected_version=1
    )
    assert [t.text for t in three.turns(session_id, owner="ada")] == ["via two"]
    assert three.get_session(session_id).version == 2
    backend = one.backend
    assert isinstance(backend, PostgresBackend) and backend.schema_version == 3
    for store in replicas:
        store.close()


def test_a_database_from_a_newer_interviewer_is_refused() -> None:
    from sqlalchemy import create_engine, text

    from interviewer.store.postgres import PostgresBackend, parse_url

    fresh_postgres_store().close()
    engine = create_engine(parse_url(postgres_url()))
    with engine.begin() as conn:
        conn.execute(text("UPDATE schema_version SET version = 99"))
    engine.dispose()
    with pytest.raises(StoreError, match="upgrade interviewer on every replica"):
        PostgresBackend(postgres_url())


def test_a_version_2_database_is_migrated_to_hold_uploads_events_and_leases_keeping_its_interviews() -> None:
    from sqlalchemy import create_engine, text

    from interviewer.store.postgres import PostgresBackend, drop_everything, parse_url
    from interviewer.store.schema import POSTGRES_MIGRATIONS

    url = postgres_url()
    drop_everything(url)
    engine = create_engine(parse_url(url))
    with engine.begin() as conn:  # the database as the previous release left it
        conn.execute(text("CREATE TABLE schema_version (version INTEGER NOT NULL)"))
        for sql in POSTGRES_MIGRATIONS[2]:
            conn.execute(text(sql))
        conn.execute(text("INSERT INTO schema_version (version) VALUES (2)"))
        conn.execute(
            text(
                "INSERT INTO sessions (id, question_id, minutes, engine, state, created_at, updated_at, owner)"
                " VALUES ('old1', 'q', 45, 'offline', 'requirements', 1.0, 2.0, 'ada')"
            )
        )
    engine.dispose()

    store = SessionStore(PostgresBackend(url))

    backend = store.backend
    assert isinstance(backend, PostgresBackend) and backend.schema_version == 3
    assert store.get_session("old1", owner="ada").state == "requirements"
    assert store.uploads.add_set("ada", "0123456789ab", [("a.md", b"# A\n")], at=3.0)
    assert store.events.record_within("ada", "ask", at=3.0, since=0.0, limit=1) == 0
    assert store.indexing.acquire("ada", "job", at=3.0, stale_after=300.0) is None
    store.close()
