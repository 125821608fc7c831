"""The SQLite backend: one file in WAL mode, one connection per thread, migrated in place at startup.

Each thread gets its own connection, so two interviews driven from two browser tabs (two threads of one
server) or two processes never share a cursor. A write transaction starts with BEGIN IMMEDIATE, which takes
the database's write lock at once: writers are serialised, and a busy timeout makes them wait their turn.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from interviewer.errors import StoreError, storage_error
from interviewer.store.backend import BackendName, Params, Result, Row
from interviewer.store.schema import SCHEMA_VERSION, SQLITE_MIGRATIONS, pending

log = logging.getLogger(__name__)


class _Tx:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def run(self, sql: str, params: Params | None = None) -> Result:
        cur = self._conn.execute(sql, dict(params or {}))
        rows = [dict(r) for r in cur.fetchall()] if cur.description else []
        return Result(rows, cur.rowcount)


class SQLiteBackend:
    name: BackendName = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = str(path)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the data folder {path.parent} ({exc}); check INTERVIEWER_HOME"
            ) from None
        self._migrate()

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = sqlite3.connect(self.path, timeout=10.0, isolation_level=None, check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA foreign_keys=ON")
            except sqlite3.Error as exc:
                raise StoreError(
                    f"cannot open the session database {self.path} ({exc}); "
                    "check the file's permissions or move it aside"
                ) from None
            conn.row_factory = sqlite3.Row
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    @contextmanager
    def write(self) -> Iterator[_Tx]:
        conn = self._conn()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield _Tx(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            # A full or read-only disk is said as such, with the fix and without the path.
            raise storage_error(exc, "saving the interview") or StoreError(
                f"could not save to {self.path} ({exc})"
            ) from None

    def read(self, sql: str, params: Params | None = None) -> list[Row]:
        try:
            return [dict(r) for r in self._conn().execute(sql, dict(params or {})).fetchall()]
        except sqlite3.Error as exc:
            raise storage_error(exc, "reading the interviews") or StoreError(
                f"could not read {self.path} ({exc})"
            ) from None

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    @property
    def journal_mode(self) -> str:
        return str(self._conn().execute("PRAGMA journal_mode").fetchone()[0])

    def _migrate(self) -> None:
        conn = self._conn()
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} was written by a newer interviewer (schema v{version}, this one reads "
                    f"v{SCHEMA_VERSION}); upgrade interviewer or point INTERVIEWER_HOME elsewhere"
                )
            if version == SCHEMA_VERSION:
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                # Another process may have migrated while this one waited for the lock.
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                for target, statements in pending(SQLITE_MIGRATIONS, version):
                    for sql in statements:
                        conn.execute(sql)
                    conn.execute(f"PRAGMA user_version={target}")
                    log.info("migrated %s to schema v%d", self.path, target)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{self.path} is not a readable session database ({exc}); move it aside to start afresh"
            ) from None
