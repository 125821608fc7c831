"""The session store: SQLite in WAL mode, one row per turn, committed the moment it happens.

Tables: `sessions` (one row per interview and its resumable state), `turns` (every candidate and
interviewer turn), `grades` (one `Grade` per phase, as JSON) and `usage` (tokens per model call).
The schema version lives in `PRAGMA user_version`.

Each thread gets its own connection, so two interviews driven from two browser tabs (two threads of one
server) or two processes never share a cursor; SQLite's locking and a busy timeout do the rest.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from interviewer.errors import BadInput, StoreError
from interviewer.llm.protocol import Usage
from interviewer.phases import Phase

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1

Role = Literal["candidate", "interviewer", "system"]
TurnKind = Literal["answer", "question", "hint", "system", "notes_lookup"]
SessionState = Literal[
    "not_started", "requirements", "architecture", "deep_dive", "issues", "optimization", "wrap_up", "done"
]
EngineName = Literal["offline", "openai"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id          TEXT PRIMARY KEY,
    question_id TEXT NOT NULL,
    minutes     INTEGER NOT NULL,
    drill       TEXT,
    engine      TEXT NOT NULL,
    state       TEXT NOT NULL,
    created_at  REAL NOT NULL,
    updated_at  REAL NOT NULL,
    data        TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS turns (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id     TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    seq            INTEGER NOT NULL,
    role           TEXT NOT NULL,
    phase          TEXT,
    kind           TEXT NOT NULL,
    text           TEXT NOT NULL,
    at             REAL NOT NULL,
    prompt_version TEXT,
    tokens         INTEGER NOT NULL DEFAULT 0,
    meta           TEXT NOT NULL DEFAULT '{}',
    UNIQUE (session_id, seq)
);
CREATE TABLE IF NOT EXISTS grades (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    phase      TEXT NOT NULL,
    grade      TEXT NOT NULL,
    at         REAL NOT NULL,
    PRIMARY KEY (session_id, phase)
);
CREATE TABLE IF NOT EXISTS usage (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id        TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    model             TEXT NOT NULL,
    prompt_tokens     INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    cached_tokens     INTEGER NOT NULL DEFAULT 0,
    at                REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS turns_by_session ON turns(session_id, seq);
CREATE INDEX IF NOT EXISTS sessions_by_time ON sessions(created_at);
"""


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Turn(_Record):
    """One saved turn. `meta` holds what the interviewer decided (the move, hint level, capping)."""

    seq: int
    role: Role
    phase: Phase | None
    kind: TurnKind
    text: str
    at: float
    prompt_version: str | None = None
    tokens: int = 0
    meta: dict[str, Any] = Field(default_factory=dict)


class SessionRecord(_Record):
    id: str
    question_id: str
    minutes: int
    drill: Phase | None
    engine: EngineName
    state: SessionState
    created_at: float
    updated_at: float
    data: dict[str, Any] = Field(default_factory=dict)

    @property
    def created(self) -> str:
        return _iso(self.created_at)


class SavedGrade(_Record):
    """A grade as saved: its JSON object (`interviewer.grading.grade.Grade` reads it back)."""

    phase: Phase | Literal["communication"]
    grade: dict[str, Any]
    at: float


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).isoformat(timespec="seconds")


def new_session_id() -> str:
    return uuid.uuid4().hex[:12]


class SessionStore:
    """All reads and writes of saved interviews. Safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
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

    # -- connections ---------------------------------------------------------------------------

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
    def _write(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StoreError(f"could not save to {self.path} ({exc})") from None

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        try:
            return self._conn().execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"could not read {self.path} ({exc})") from None

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    def _migrate(self) -> None:
        conn = self._conn()
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} was written by a newer interviewer (schema v{version}, this one reads "
                    f"v{SCHEMA_VERSION}); upgrade interviewer or point INTERVIEWER_HOME elsewhere"
                )
            if version < SCHEMA_VERSION:
                conn.executescript(_SCHEMA)
                conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{self.path} is not a readable session database ({exc}); move it aside to start afresh"
            ) from None

    @property
    def journal_mode(self) -> str:
        return str(self._conn().execute("PRAGMA journal_mode").fetchone()[0])

    # -- sessions ------------------------------------------------------------------------------

    def create_session(
        self,
        *,
        question_id: str,
        minutes: int,
        drill: Phase | None,
        engine: EngineName,
        at: float,
        session_id: str | None = None,
    ) -> SessionRecord:
        record = SessionRecord(
            id=session_id or new_session_id(),
            question_id=question_id,
            minutes=minutes,
            drill=drill,
            engine=engine,
            state="not_started",
            created_at=at,
            updated_at=at,
        )
        with self._write() as conn:
            conn.execute(
                "INSERT INTO sessions (id, question_id, minutes, drill, engine, state, created_at, updated_at, data)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, '{}')",
                (record.id, question_id, minutes, drill, engine, "not_started", at, at),
            )
        log.info("created session %s on %s", record.id, question_id)
        return record

    def update_session(
        self, session_id: str, *, state: SessionState, data: dict[str, Any], at: float
    ) -> None:
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE sessions SET state = ?, data = ?, updated_at = ? WHERE id = ?",
                (state, json.dumps(data), at, session_id),
            )
            if cur.rowcount == 0:
                raise BadInput(f"no saved session {session_id!r}; run `interviewer sessions` to list them")

    def get_session(self, session_id: str) -> SessionRecord:
        rows = self._read("SELECT * FROM sessions WHERE id = ?", (session_id,))
        if not rows:
            raise BadInput(f"no saved session {session_id!r}; run `interviewer sessions` to list them")
        return _session(rows[0])

    def list_sessions(self, *, state: SessionState | None = None) -> list[SessionRecord]:
        if state is None:
            rows = self._read("SELECT * FROM sessions ORDER BY created_at, rowid")
        else:
            rows = self._read("SELECT * FROM sessions WHERE state = ? ORDER BY created_at, rowid", (state,))
        return [_session(r) for r in rows]

    def delete_session(self, session_id: str) -> None:
        with self._write() as conn:
            cur = conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
            if cur.rowcount == 0:
                raise BadInput(f"no saved session {session_id!r}; run `interviewer sessions` to list them")
        log.info("deleted session %s", session_id)

    # -- turns, grades, usage ------------------------------------------------------------------

    def append_turn(
        self,
        session_id: str,
        *,
        role: Role,
        phase: Phase | None,
        kind: TurnKind,
        text: str,
        at: float,
        prompt_version: str | None = None,
        tokens: int = 0,
        meta: dict[str, Any] | None = None,
        state: SessionState | None = None,
        data: dict[str, Any] | None = None,
    ) -> Turn:
        """Insert one turn and commit it before returning.

        With `state` and `data`, the session's resumable state is updated in the same transaction.
        """
        meta = dict(meta or {})
        with self._write() as conn:
            seq = conn.execute(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM turns WHERE session_id = ?", (session_id,)
            ).fetchone()[0]
            conn.execute(
                "INSERT INTO turns (session_id, seq, role, phase, kind, text, at, prompt_version, tokens, meta)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (session_id, seq, role, phase, kind, text, at, prompt_version, tokens, json.dumps(meta)),
            )
            if state is None:
                conn.execute("UPDATE sessions SET updated_at = ? WHERE id = ?", (at, session_id))
            else:
                conn.execute(
                    "UPDATE sessions SET updated_at = ?, state = ?, data = ? WHERE id = ?",
                    (at, state, json.dumps(data or {}), session_id),
                )
        return Turn(
            seq=seq,
            role=role,
            phase=phase,
            kind=kind,
            text=text,
            at=at,
            prompt_version=prompt_version,
            tokens=tokens,
            meta=meta,
        )

    def turns(self, session_id: str) -> list[Turn]:
        rows = self._read("SELECT * FROM turns WHERE session_id = ? ORDER BY seq", (session_id,))
        return [
            Turn(
                seq=r["seq"],
                role=r["role"],
                phase=r["phase"],
                kind=r["kind"],
                text=r["text"],
                at=r["at"],
                prompt_version=r["prompt_version"],
                tokens=r["tokens"],
                meta=json.loads(r["meta"]),
            )
            for r in rows
        ]

    def save_grade(self, session_id: str, phase: str, grade: BaseModel, *, at: float) -> None:
        """Save (or replace) the grade of `phase`, as the model's JSON."""
        with self._write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO grades (session_id, phase, grade, at) VALUES (?, ?, ?, ?)",
                (session_id, phase, grade.model_dump_json(), at),
            )

    def grades(self, session_id: str) -> list[SavedGrade]:
        rows = self._read("SELECT * FROM grades WHERE session_id = ? ORDER BY at, rowid", (session_id,))
        return [SavedGrade(phase=r["phase"], grade=json.loads(r["grade"]), at=r["at"]) for r in rows]

    def add_usage(self, session_id: str, usages: list[Usage], *, at: float) -> None:
        if not usages:
            return
        with self._write() as conn:
            conn.executemany(
                "INSERT INTO usage (session_id, model, prompt_tokens, completion_tokens, cached_tokens, at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (session_id, u.model, u.prompt_tokens, u.completion_tokens, u.cached_tokens, at)
                    for u in usages
                ],
            )

    def usage(self, session_id: str) -> list[Usage]:
        rows = self._read("SELECT * FROM usage WHERE session_id = ? ORDER BY id", (session_id,))
        return [
            Usage(
                model=r["model"],
                prompt_tokens=r["prompt_tokens"],
                completion_tokens=r["completion_tokens"],
                cached_tokens=r["cached_tokens"],
            )
            for r in rows
        ]


def _session(row: sqlite3.Row) -> SessionRecord:
    return SessionRecord(
        id=row["id"],
        question_id=row["question_id"],
        minutes=row["minutes"],
        drill=row["drill"],
        engine=row["engine"],
        state=row["state"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        data=json.loads(row["data"]),
    )
