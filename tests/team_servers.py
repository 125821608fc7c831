"""The real servers of a team deployment, for the tests that need them: Postgres and a Chroma server.

Each is named by an environment variable (`.ci/team-servers.sh` starts throwaway ones and sets them). Without
it the test is skipped, unless the matching INTERVIEWER_REQUIRE_* flag is 1, when it fails instead: in CI a
server that did not start must not pass as a skip.
"""

from __future__ import annotations

import os

import pytest

from interviewer.store.sessions import SessionStore


def _required(flag: str, message: str) -> None:
    if os.environ.get(flag) == "1":
        pytest.fail(f"{flag}=1 but {message}")
    pytest.skip(message)


def postgres_url() -> str:
    """The test database's URL (the tests may empty it), or skip (fail when Postgres is required)."""
    url = os.environ.get("INTERVIEWER_TEST_DATABASE_URL", "")
    if not url:
        _required(
            "INTERVIEWER_REQUIRE_POSTGRES", "INTERVIEWER_TEST_DATABASE_URL is not set (a Postgres to test on)"
        )
    return url


def fresh_postgres_store() -> SessionStore:
    """A store on the test database, emptied of every table first."""
    url = postgres_url()
    from interviewer.store.postgres import PostgresBackend, drop_everything

    drop_everything(url)
    return SessionStore(PostgresBackend(url))


def chroma_server() -> tuple[str, int]:
    """The test Chroma server's host and port, or skip (fail when a Chroma server is required)."""
    host = os.environ.get("INTERVIEWER_TEST_CHROMA_HOST", "")
    port = os.environ.get("INTERVIEWER_TEST_CHROMA_PORT", "")
    if not (host and port):
        _required(
            "INTERVIEWER_REQUIRE_CHROMA",
            "INTERVIEWER_TEST_CHROMA_HOST and INTERVIEWER_TEST_CHROMA_PORT are not set (a Chroma server to test on)",
        )
    return host, int(port)
