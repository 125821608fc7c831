"""The `any_store` fixture: the same store tests, once on SQLite and once on Postgres.

The Postgres run needs INTERVIEWER_TEST_DATABASE_URL (a database the tests may empty); without it that run is
skipped, unless INTERVIEWER_REQUIRE_POSTGRES=1, when it fails instead (CI sets both).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from interviewer.store.sessions import SessionStore
from team_servers import fresh_postgres_store


@pytest.fixture(params=["sqlite", "postgres"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SessionStore]:
    store = SessionStore(tmp_path / "sessions.db") if request.param == "sqlite" else fresh_postgres_store()
    yield store
    store.close()
