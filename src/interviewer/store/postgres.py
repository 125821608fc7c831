"""The Postgres backend (INTERVIEWER_DATABASE_URL): SQLAlchemy Core over psycopg 3, migrated at startup.

Several app replicas share one database. Writes to a session row serialise on the row's lock: the version
check in `UPDATE ... WHERE version = :expected` waits for a concurrent writer, then sees its commit and
matches nothing, so exactly one of two racing tabs wins. Migrations run under an advisory lock, so replicas
starting together migrate once. Messages name the database without its password.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, SQLAlchemyError

from interviewer.errors import ConfigError, StoreError
from interviewer.store.backend import BackendName, Params, Result, Row
from interviewer.store.schema import POSTGRES_MIGRATIONS, SCHEMA_VERSION, pending

log = logging.getLogger(__name__)

_MIGRATION_LOCK = 7_146_505_372  # any constant, the same for every replica
_TABLES = (
    "uploads",
    "events",
    "index_jobs",
    "usage",
    "grades",
    "turns",
    "users",
    "sessions",
    "schema_version",
)


def parse_url(url: str) -> URL:
    """The URL with the psycopg 3 driver (`postgresql://` and `postgres://` are accepted as they are usually
    written); a URL that is not Postgres is a `ConfigError` naming the setting."""
    try:
        parsed = make_url(url.strip())
    except ArgumentError:
        raise ConfigError(
            "INTERVIEWER_DATABASE_URL is not a database URL; write it as "
            "postgresql://USER:PASSWORD@HOST:5432/DATABASE"
        ) from None
    if parsed.drivername in ("postgres", "postgresql", "postgresql+psycopg"):
        return parsed.set(drivername="postgresql+psycopg")
    raise ConfigError(
        f"INTERVIEWER_DATABASE_URL names a {parsed.drivername!r} database; only postgresql:// URLs are "
        "supported (leave it unset to keep sessions in SQLite under INTERVIEWER_HOME)"
    )


def shown(url: URL) -> str:
    """The URL as messages show it: the password masked, the driver as the user wrote it."""
    return url.set(drivername="postgresql").render_as_string(hide_password=True)


class _Tx:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def run(self, sql: str, params: Params | None = None) -> Result:
        result = self._conn.execute(text(sql), dict(params or {}))
        rows = [dict(r) for r in result.mappings().all()] if result.returns_rows else []
        return Result(rows, result.rowcount)


class PostgresBackend:
    name: BackendName = "postgres"

    def __init__(self, url: str, *, pool_size: int = 5, connect_timeout: float = 10.0) -> None:
        self.url = parse_url(url)
        self.where = shown(self.url)
        self._password = self.url.password or ""
        self.engine: Engine = create_engine(
            self.url,
            pool_size=pool_size,
            max_overflow=pool_size,
            pool_pre_ping=True,
            connect_args={"connect_timeout": max(1, int(connect_timeout))},
        )
        self._migrate()

    def _error(self, exc: SQLAlchemyError, doing: str) -> StoreError:
        cause: Any = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
        detail = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
        if self._password:
            detail = detail.replace(self._password, "***")
        if isinstance(exc, OperationalError):  # refused, timed out, authentication, no such database
            return StoreError(
                f"cannot use the session database at {self.where} ({detail}); check INTERVIEWER_DATABASE_URL "
                "(host, port, user, password, database) and that Postgres is running and reachable from here"
            )
        return StoreError(f"could not {doing} the session database at {self.where} ({detail})")

    @contextmanager
    def write(self) -> Iterator[_Tx]:
        try:
            with self.engine.begin() as conn:
                yield _Tx(conn)
        except SQLAlchemyError as exc:
            raise self._error(exc, "save to") from None

    def read(self, sql: str, params: Params | None = None) -> list[Row]:
        try:
            with self.engine.connect() as conn:
                return [dict(r) for r in conn.execute(text(sql), dict(params or {})).mappings().all()]
        except SQLAlchemyError as exc:
            raise self._error(exc, "read") from None

    def close(self) -> None:
        self.engine.dispose()

    def _migrate(self) -> None:
        try:
            with self.engine.begin() as conn:
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
                conn.execute(text("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"))
                version = conn.execute(text("SELECT MAX(version) FROM schema_version")).scalar() or 0
                if version > SCHEMA_VERSION:
                    raise StoreError(
                        f"the session database at {self.where} was written by a newer interviewer (schema "
                        f"v{version}, this one reads v{SCHEMA_VERSION}); upgrade interviewer on every replica"
                    )
                for target, statements in pending(POSTGRES_MIGRATIONS, version):
                    for sql in statements:
                        conn.execute(text(sql))
                    conn.execute(text("DELETE FROM schema_version"))
                    conn.execute(text("INSERT INTO schema_version (version) VALUES (:v)"), {"v": target})
                    log.info("migrated %s to schema v%d", self.where, target)
        except SQLAlchemyError as exc:
            raise self._error(exc, "migrate") from None

    @property
    def schema_version(self) -> int:
        return int(self.read("SELECT MAX(version) AS v FROM schema_version")[0]["v"] or 0)


def drop_everything(url: str) -> None:
    """Drop every table the store made. For throwaway test databases only: it deletes all interviews."""
    engine = create_engine(parse_url(url))
    try:
        with engine.begin() as conn:
            for table in _TABLES:
                conn.execute(text(f"DROP TABLE IF EXISTS {table} CASCADE"))
    finally:
        engine.dispose()
