"""The session store: one interface over SQLite (the default) or Postgres, every turn committed as it happens.

Tables: `sessions` (one row per interview, its owner, its resumable state and a row version), `turns` (every
candidate and interviewer turn), `grades` (one `Grade` per phase, as JSON), `usage` (tokens per model call,
kept by owner) and `users` (who signed in, with a role); `uploads` (uploaded notes files), `events` (counted
events per user) and `index_jobs` (who is indexing a user's notes) through `store.uploads` (`uploads.py`),
`store.events` and `store.indexing` (`ledger.py`).

Owners. Every read or delete that takes `owner=` treats another owner's interview exactly as a missing one
(`SessionNotFound`, same message), so an id guessed or shared does not even confirm that it exists.
`owner=None` means unfiltered: the CLI, single-user mode and instructors.

Versions. Each write to a session row, a turn included, adds one to its `version`. `update_session` and
`append_turn` take the version the caller last saw (`expected_version`) and raise `StaleSession` when the row
has moved on, so two tabs on one interview cannot interleave turns silently: the second tab's next turn is
refused, nothing of it is saved, and it must reload. After a successful write the version is
`expected_version + 1`. `append_turn` without `expected_version` appends unconditionally (scripts, imports).
Grades and usage are not versioned: they follow a turn that was, and a grade is replaced per phase.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from interviewer.config import Settings
from interviewer.errors import SessionNotFound, StaleSession
from interviewer.llm.protocol import Usage
from interviewer.phases import Phase
from interviewer.store.backend import Backend, Row, Transaction
from interviewer.store.ledger import EventLedger, IndexLeases
from interviewer.store.records import (
    LOCAL_OWNER,
    EngineName,
    Role,
    SavedGrade,
    SessionRecord,
    SessionState,
    Turn,
    TurnKind,
    UserRecord,
    new_session_id,
)
from interviewer.store.schema import SCHEMA_VERSION
from interviewer.store.sqlite import SQLiteBackend
from interviewer.store.uploads import UploadShelf

__all__ = [
    "LOCAL_OWNER",
    "SCHEMA_VERSION",
    "EngineName",
    "Role",
    "SavedGrade",
    "SessionRecord",
    "SessionState",
    "SessionStore",
    "Turn",
    "TurnKind",
    "UserRecord",
    "new_session_id",
    "open_store",
]

log = logging.getLogger(__name__)


def _owned(owner: str | None, params: dict[str, Any], column: str = "owner") -> str:
    """The SQL condition for `owner` (empty when unfiltered), adding its parameter."""
    if owner is None:
        return ""
    params["owner"] = owner
    return f" AND {column} = :owner"


class SessionStore:
    """All reads and writes of saved interviews. Safe to share between threads.

    `SessionStore(path)` opens (and migrates) a SQLite file; `SessionStore(backend)` uses any `Backend`, such
    as `interviewer.store.postgres.PostgresBackend`. `open_store(settings)` picks one.
    """

    def __init__(self, target: Path | Backend) -> None:
        self.backend: Backend = SQLiteBackend(target) if isinstance(target, Path) else target
        self.path: Path | None = target if isinstance(target, Path) else None
        self.uploads = UploadShelf(self.backend)
        self.events = EventLedger(self.backend)
        self.indexing = IndexLeases(self.backend)

    def close(self) -> None:
        self.backend.close()

    @property
    def journal_mode(self) -> str:
        backend = self.backend
        return backend.journal_mode if isinstance(backend, SQLiteBackend) else "postgres"

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
        owner: str = LOCAL_OWNER,
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
            owner=owner,
            version=1,
        )
        with self.backend.write() as tx:
            tx.run(
                "INSERT INTO sessions (id, question_id, minutes, drill, engine, state, created_at, updated_at,"
                " data, owner, version) VALUES (:id, :question_id, :minutes, :drill, :engine, :state, :at, :at,"
                " '{}', :owner, 1)",
                {
                    "id": record.id,
                    "question_id": question_id,
                    "minutes": minutes,
                    "drill": drill,
                    "engine": engine,
                    "state": "not_started",
                    "at": at,
                    "owner": owner,
                },
            )
        log.info("created session %s on %s", record.id, question_id)
        return record

    def update_session(
        self,
        session_id: str,
        *,
        state: SessionState,
        data: dict[str, Any],
        at: float,
        expected_version: int,
        owner: str | None = None,
    ) -> int:
        """Save the session's state if its row is still at `expected_version`; returns the new version."""
        with self.backend.write() as tx:
            self._bump(
                tx, session_id, at=at, expected_version=expected_version, owner=owner, state=state, data=data
            )
        return expected_version + 1

    def get_session(self, session_id: str, *, owner: str | None = None) -> SessionRecord:
        params: dict[str, Any] = {"id": session_id}
        rows = self.backend.read("SELECT * FROM sessions WHERE id = :id" + _owned(owner, params), params)
        if not rows:
            raise SessionNotFound()
        return _session(rows[0])

    def list_sessions(
        self, *, state: SessionState | None = None, owner: str | None = None
    ) -> list[SessionRecord]:
        params: dict[str, Any] = {}
        where = _owned(owner, params)
        if state is not None:
            params["state"] = state
            where += " AND state = :state"
        rows = self.backend.read(
            f"SELECT * FROM sessions WHERE 1 = 1{where} ORDER BY created_at, rowid", params
        )
        return [_session(r) for r in rows]

    def delete_session(self, session_id: str, *, owner: str | None = None) -> None:
        """Delete the interview with its turns and grades. Its usage rows stay, without the link, for budgets."""
        params: dict[str, Any] = {"id": session_id}
        with self.backend.write() as tx:
            result = tx.run("DELETE FROM sessions WHERE id = :id" + _owned(owner, params), params)
            if result.rowcount == 0:
                raise SessionNotFound()
        log.info("deleted session %s", session_id)

    def _require(self, session_id: str, owner: str | None) -> None:
        if owner is not None:
            self.get_session(session_id, owner=owner)

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
        expected_version: int | None = None,
        owner: str | None = None,
    ) -> Turn:
        """Insert one turn and commit it before returning.

        With `state` and `data`, the session's resumable state is updated in the same transaction. With
        `expected_version`, the turn is refused (`StaleSession`) unless the row is still at that version.
        """
        meta = dict(meta or {})
        with self.backend.write() as tx:
            # Bumping the row first takes its lock (Postgres) or the write lock (SQLite), so the seq below
            # cannot be read by two writers at once.
            self._bump(
                tx, session_id, at=at, expected_version=expected_version, owner=owner, state=state, data=data
            )
            seq = tx.run(
                "SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM turns WHERE session_id = :id",
                {"id": session_id},
            ).scalar()
            tx.run(
                "INSERT INTO turns (session_id, seq, role, phase, kind, text, at, prompt_version, tokens, meta)"
                " VALUES (:id, :seq, :role, :phase, :kind, :text, :at, :prompt_version, :tokens, :meta)",
                {
                    "id": session_id,
                    "seq": seq,
                    "role": role,
                    "phase": phase,
                    "kind": kind,
                    "text": text,
                    "at": at,
                    "prompt_version": prompt_version,
                    "tokens": tokens,
                    "meta": json.dumps(meta),
                },
            )
        return Turn(
            seq=int(seq),
            role=role,
            phase=phase,
            kind=kind,
            text=text,
            at=at,
            prompt_version=prompt_version,
            tokens=tokens,
            meta=meta,
        )

    def _bump(
        self,
        tx: Transaction,
        session_id: str,
        *,
        at: float,
        expected_version: int | None,
        owner: str | None,
        state: SessionState | None,
        data: dict[str, Any] | None,
    ) -> None:
        params: dict[str, Any] = {"id": session_id, "at": at}
        sets = "updated_at = :at, version = version + 1"
        if state is not None:
            sets += ", state = :state, data = :data"
            params.update(state=state, data=json.dumps(data or {}))
        where = "id = :id" + _owned(owner, params)
        if expected_version is not None:
            where += " AND version = :expected"
            params["expected"] = expected_version
        if tx.run(f"UPDATE sessions SET {sets} WHERE {where}", params).rowcount == 1:
            return
        check: dict[str, Any] = {"id": session_id}
        found = tx.run("SELECT version FROM sessions WHERE id = :id" + _owned(owner, check), check).rows
        if not found:
            raise SessionNotFound()
        raise StaleSession(expected=expected_version, actual=int(found[0]["version"]))

    def turns(self, session_id: str, *, owner: str | None = None) -> list[Turn]:
        self._require(session_id, owner)
        rows = self.backend.read(
            "SELECT * FROM turns WHERE session_id = :id ORDER BY seq", {"id": session_id}
        )
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
        with self.backend.write() as tx:
            tx.run(
                "INSERT INTO grades (session_id, phase, grade, at) VALUES (:id, :phase, :grade, :at)"
                " ON CONFLICT (session_id, phase) DO UPDATE SET grade = excluded.grade, at = excluded.at",
                {"id": session_id, "phase": phase, "grade": grade.model_dump_json(), "at": at},
            )

    def grades(self, session_id: str, *, owner: str | None = None) -> list[SavedGrade]:
        self._require(session_id, owner)
        rows = self.backend.read(
            "SELECT * FROM grades WHERE session_id = :id ORDER BY at, rowid", {"id": session_id}
        )
        return [SavedGrade(phase=r["phase"], grade=json.loads(r["grade"]), at=r["at"]) for r in rows]

    def add_usage(self, session_id: str, usages: list[Usage], *, at: float) -> None:
        """Record the tokens of model calls, under the session's owner (usage outlives the session)."""
        if not usages:
            return
        with self.backend.write() as tx:
            for u in usages:
                tx.run(
                    "INSERT INTO usage (session_id, owner, model, prompt_tokens, completion_tokens,"
                    " cached_tokens, at) SELECT :id, owner, :model, :prompt, :completion, :cached, :at"
                    " FROM sessions WHERE id = :id",
                    {
                        "id": session_id,
                        "model": u.model,
                        "prompt": u.prompt_tokens,
                        "completion": u.completion_tokens,
                        "cached": u.cached_tokens,
                        "at": at,
                    },
                )

    def add_user_usage(self, owner: str, usages: list[Usage], *, at: float) -> None:
        """Record the tokens of model calls made outside any interview (Ask the notes) under `owner`, so
        they count against the user's daily budget too."""
        with self.backend.write() as tx:
            for u in usages:
                tx.run(
                    "INSERT INTO usage (session_id, owner, model, prompt_tokens, completion_tokens,"
                    " cached_tokens, at) VALUES (NULL, :owner, :model, :prompt, :completion, :cached, :at)",
                    {
                        "owner": owner,
                        "model": u.model,
                        "prompt": u.prompt_tokens,
                        "completion": u.completion_tokens,
                        "cached": u.cached_tokens,
                        "at": at,
                    },
                )

    def usage(self, session_id: str, *, owner: str | None = None) -> list[Usage]:
        self._require(session_id, owner)
        rows = self.backend.read("SELECT * FROM usage WHERE session_id = :id ORDER BY id", {"id": session_id})
        return [
            Usage(
                model=r["model"],
                prompt_tokens=r["prompt_tokens"],
                completion_tokens=r["completion_tokens"],
                cached_tokens=r["cached_tokens"],
            )
            for r in rows
        ]

    # -- budgets and limits (hold across replicas, as they read the shared database) -----------

    def usage_since(self, owner: str, since_ts: float) -> int:
        """Tokens (prompt + completion) spent by `owner` since `since_ts`, deleted interviews included."""
        rows = self.backend.read(
            "SELECT COALESCE(SUM(prompt_tokens + completion_tokens), 0) AS total FROM usage"
            " WHERE owner = :owner AND at >= :since",
            {"owner": owner, "since": since_ts},
        )
        return int(rows[0]["total"])

    def turns_since(self, owner: str, since_ts: float, role: Role = "candidate") -> int:
        """How many turns of `role` were saved in `owner`'s interviews since `since_ts` (for rate limits).

        A deleted interview's turns go with it, so this suits short windows; a daily budget is `usage_since`.
        """
        rows = self.backend.read(
            "SELECT COUNT(*) AS n FROM turns t JOIN sessions s ON s.id = t.session_id"
            " WHERE s.owner = :owner AND t.role = :role AND t.at >= :since",
            {"owner": owner, "role": role, "since": since_ts},
        )
        return int(rows[0]["n"])

    # -- users -----------------------------------------------------------------------------------

    def touch_user(self, user_id: str, role: str, *, at: float | None = None) -> UserRecord:
        """Record that `user_id` was seen now with `role` (created on first sight); returns the user."""
        now = time.time() if at is None else at
        with self.backend.write() as tx:
            tx.run(
                "INSERT INTO users (id, role, created_at, last_seen) VALUES (:id, :role, :at, :at)"
                " ON CONFLICT (id) DO UPDATE SET role = excluded.role, last_seen = excluded.last_seen",
                {"id": user_id, "role": role, "at": now},
            )
            row = tx.run("SELECT * FROM users WHERE id = :id", {"id": user_id}).rows[0]
        return _user(row)

    def get_user(self, user_id: str) -> UserRecord | None:
        rows = self.backend.read("SELECT * FROM users WHERE id = :id", {"id": user_id})
        return _user(rows[0]) if rows else None

    def list_users(self) -> list[UserRecord]:
        return [_user(r) for r in self.backend.read("SELECT * FROM users ORDER BY created_at, id")]


def open_store(settings: Settings) -> SessionStore:
    """The store the settings name: Postgres at INTERVIEWER_DATABASE_URL, else SQLite under INTERVIEWER_HOME."""
    if settings.database_url is None:
        return SessionStore(settings.db_path)
    from interviewer.store.postgres import PostgresBackend

    return SessionStore(PostgresBackend(settings.database_url.get_secret_value()))


def _session(row: Row) -> SessionRecord:
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
        owner=row["owner"],
        version=row["version"],
    )


def _user(row: Row) -> UserRecord:
    return UserRecord(
        id=row["id"], role=row["role"], created_at=row["created_at"], last_seen=row["last_seen"]
    )
