"""The `any_store` fixture: the same store tests, once on SQLite and once on Postgres.

The Postgres run needs INTERVIEWER_TEST_DATABASE_URL (a database the tests may empty); without it that run is
skipped, unless INTERVIEWER_REQUIRE_POSTGRES=1, when it fails instead (CI sets both).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from interviewer.store.sessions import SessionStore


def postgres_url() -> str:
    """The test database's URL, or skip (fail when Postgres is required)."""
    url = os.environ.get("INTERVIEWER_TEST_DATABASE_URL", "")
    if url:
        return url
    if os.environ.get("INTERVIEWER_REQUIRE_POSTGRES") == "1":
        pytest.fail("INTERVIEWER_REQUIRE_POSTGRES=1 but INTERVIEWER_TEST_DATABASE_URL is not set")
    pytest.skip("set INTERVIEWER_TEST_DATABASE_URL to run the store tests on Postgres")


def fresh_postgres_store() -> SessionStore:
    """A store on the test database, emptied of every table first."""
    url = postgres_url()
    from interviewer.store.postgres import PostgresBackend, drop_everything

    drop_everything(url)
    return SessionStore(PostgresBackend(url))


@pytest.fixture(params=["sqlite", "postgres"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SessionStore]:
    store = SessionStore(tmp_path / "sessions.db") if request.param == "sqlite" else fresh_postgres_store()
    yield store
    store.close()
