"""The session database's schema, as ordered migrations per backend, applied at startup.

SQLite keeps its version in `PRAGMA user_version`; Postgres in a one-row `schema_version` table. A database
newer than this code is refused rather than guessed at. Version 2 added owners, row versions, users, and
usage rows that outlive their interview (so a daily token budget cannot be reset by deleting interviews).
Version 3 added uploaded notes files (so every replica serves a user the same uploads), counted events
(questions to the notes, so their rate holds across replicas) and indexing leases (one indexing job per user
across replicas).
"""

from __future__ import annotations

SCHEMA_VERSION = 3

SQLITE_MIGRATIONS: dict[int, list[str]] = {
    1: [
        """CREATE TABLE IF NOT EXISTS sessions (
            id          TEXT PRIMARY KEY,
            question_id TEXT NOT NULL,
            minutes     INTEGER NOT NULL,
            drill       TEXT,
            engine      TEXT NOT NULL,
            state       TEXT NOT NULL,
            created_at  REAL NOT NULL,
            updated_at  REAL NOT NULL,
            data        TEXT NOT NULL DEFAULT '{}'
        )""",
        """CREATE TABLE IF NOT EXISTS turns (
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
        )""",
        """CREATE TABLE IF NOT EXISTS grades (
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            phase      TEXT NOT NULL,
            grade      TEXT NOT NULL,
            at         REAL NOT NULL,
            PRIMARY KEY (session_id, phase)
        )""",
        """CREATE TABLE IF NOT EXISTS usage (
            id                INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id        TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            model             TEXT NOT NULL,
            prompt_tokens     INTEGER NOT NULL,
            completion_tokens INTEGER NOT NULL,
            cached_tokens     INTEGER NOT NULL DEFAULT 0,
            at                REAL NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS turns_by_session ON turns(session_id, seq)",
        "CREATE INDEX IF NOT EXISTS sessions_by_time ON sessions(created_at)",
    ],
    2: [
        "ALTER TABLE sessions ADD COLUMN owner TEXT NOT NULL DEFAULT 'local'",
        "ALTER TABLE sessions ADD COLUMN version INTEGER NOT NULL DEFAULT 1",
        "CREATE INDEX IF NOT EXISTS sessions_by_owner ON sessions(owner, created_at)",
        """CREATE TABLE usage_v2 (
            id                INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id        TEXT REFERENCES sessions(id) ON DELETE SET NULL,
            owner             TEXT NOT NULL DEFAULT 'local',
            model             TEXT NOT NULL,
            prompt_tokens     INTEGER NOT NULL,
            completion_tokens INTEGER NOT NULL,
            cached_tokens     INTEGER NOT NULL DEFAULT 0,
            at                REAL NOT NULL
        )""",
        """INSERT INTO usage_v2
            (id, session_id, owner, model, prompt_tokens, completion_tokens, cached_tokens, at)
            SELECT u.id, u.session_id, COALESCE(s.owner, 'local'), u.model, u.prompt_tokens,
                   u.completion_tokens, u.cached_tokens, u.at
            FROM usage u LEFT JOIN sessions s ON s.id = u.session_id""",
        "DROP TABLE usage",
        "ALTER TABLE usage_v2 RENAME TO usage",
        "CREATE INDEX IF NOT EXISTS usage_by_owner ON usage(owner, at)",
        "CREATE INDEX IF NOT EXISTS usage_by_session ON usage(session_id)",
        """CREATE TABLE IF NOT EXISTS users (
            id         TEXT PRIMARY KEY,
            role       TEXT NOT NULL,
            created_at REAL NOT NULL,
            last_seen  REAL NOT NULL
        )""",
    ],
    3: [
        """CREATE TABLE IF NOT EXISTS uploads (
            owner     TEXT NOT NULL,
            notes_set TEXT NOT NULL,
            name      TEXT NOT NULL,
            content   BLOB NOT NULL,
            sha256    TEXT NOT NULL,
            size      INTEGER NOT NULL,
            at        REAL NOT NULL,
            PRIMARY KEY (owner, notes_set, name)
        )""",
        """CREATE TABLE IF NOT EXISTS events (
            id    INTEGER PRIMARY KEY AUTOINCREMENT,
            owner TEXT NOT NULL,
            kind  TEXT NOT NULL,
            at    REAL NOT NULL
        )""",
        """CREATE TABLE IF NOT EXISTS index_jobs (
            owner      TEXT PRIMARY KEY,
            job        TEXT NOT NULL,
            started_at REAL NOT NULL,
            seen_at    REAL NOT NULL,
            cancelled  INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX IF NOT EXISTS events_by_owner ON events(owner, kind, at)",
    ],
}

# Postgres support arrived with version 2, so its first migration is the whole version-2 schema. Timestamps
# are DOUBLE PRECISION (REAL is four bytes there); `rowid` is spelled out so ordering SQL is shared.
POSTGRES_MIGRATIONS: dict[int, list[str]] = {
    2: [
        """CREATE TABLE IF NOT EXISTS sessions (
            rowid       BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
            id          TEXT PRIMARY KEY,
            question_id TEXT NOT NULL,
            minutes     INTEGER NOT NULL,
            drill       TEXT,
            engine      TEXT NOT NULL,
            state       TEXT NOT NULL,
            created_at  DOUBLE PRECISION NOT NULL,
            updated_at  DOUBLE PRECISION NOT NULL,
            data        TEXT NOT NULL DEFAULT '{}',
            owner       TEXT NOT NULL DEFAULT 'local',
            version     INTEGER NOT NULL DEFAULT 1
        )""",
        """CREATE TABLE IF NOT EXISTS turns (
            id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            session_id     TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            seq            INTEGER NOT NULL,
            role           TEXT NOT NULL,
            phase          TEXT,
            kind           TEXT NOT NULL,
            text           TEXT NOT NULL,
            at             DOUBLE PRECISION NOT NULL,
            prompt_version TEXT,
            tokens         INTEGER NOT NULL DEFAULT 0,
            meta           TEXT NOT NULL DEFAULT '{}',
            UNIQUE (session_id, seq)
        )""",
        """CREATE TABLE IF NOT EXISTS grades (
            rowid      BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            phase      TEXT NOT NULL,
            grade      TEXT NOT NULL,
            at         DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (session_id, phase)
        )""",
        """CREATE TABLE IF NOT EXISTS usage (
            id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            session_id        TEXT REFERENCES sessions(id) ON DELETE SET NULL,
            owner             TEXT NOT NULL DEFAULT 'local',
            model             TEXT NOT NULL,
            prompt_tokens     INTEGER NOT NULL,
            completion_tokens INTEGER NOT NULL,
            cached_tokens     INTEGER NOT NULL DEFAULT 0,
            at                DOUBLE PRECISION NOT NULL
        )""",
        """CREATE TABLE IF NOT EXISTS users (
            id         TEXT PRIMARY KEY,
            role       TEXT NOT NULL,
            created_at DOUBLE PRECISION NOT NULL,
            last_seen  DOUBLE PRECISION NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS turns_by_session ON turns(session_id, seq)",
        "CREATE INDEX IF NOT EXISTS sessions_by_time ON sessions(created_at)",
        "CREATE INDEX IF NOT EXISTS sessions_by_owner ON sessions(owner, created_at)",
        "CREATE INDEX IF NOT EXISTS usage_by_owner ON usage(owner, at)",
        "CREATE INDEX IF NOT EXISTS usage_by_session ON usage(session_id)",
    ],
    3: [
        """CREATE TABLE IF NOT EXISTS uploads (
            owner     TEXT NOT NULL,
            notes_set TEXT NOT NULL,
            name      TEXT NOT NULL,
            content   BYTEA NOT NULL,
            sha256    TEXT NOT NULL,
            size      INTEGER NOT NULL,
            at        DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (owner, notes_set, name)
        )""",
        """CREATE TABLE IF NOT EXISTS events (
            id    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            owner TEXT NOT NULL,
            kind  TEXT NOT NULL,
            at    DOUBLE PRECISION NOT NULL
        )""",
        """CREATE TABLE IF NOT EXISTS index_jobs (
            owner      TEXT PRIMARY KEY,
            job        TEXT NOT NULL,
            started_at DOUBLE PRECISION NOT NULL,
            seen_at    DOUBLE PRECISION NOT NULL,
            cancelled  INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX IF NOT EXISTS events_by_owner ON events(owner, kind, at)",
    ],
}


def pending(migrations: dict[int, list[str]], current: int) -> list[tuple[int, list[str]]]:
    """The migrations after `current`, oldest first."""
    return [(v, migrations[v]) for v in sorted(migrations) if v > current]
