"""What the session store saves and returns: sessions, turns, grades and users, as frozen records."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from interviewer.phases import Phase

LOCAL_OWNER = "local"
"""The owner of every interview in single-user mode, and of interviews saved before owners existed."""

Role = Literal["candidate", "interviewer", "system"]
TurnKind = Literal["answer", "question", "hint", "system", "notes_lookup"]
SessionState = Literal[
    "not_started", "requirements", "architecture", "deep_dive", "issues", "optimization", "wrap_up", "done"
]
EngineName = Literal["offline", "openai"]


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
    """One interview's row. `version` grows by one with every write to the row (a turn or a state change)."""

    id: str
    question_id: str
    minutes: int
    drill: Phase | None
    engine: EngineName
    state: SessionState
    created_at: float
    updated_at: float
    data: dict[str, Any] = Field(default_factory=dict)
    owner: str = LOCAL_OWNER
    version: int = 1

    @property
    def created(self) -> str:
        return _iso(self.created_at)


class SavedGrade(_Record):
    """A grade as saved: its JSON object (`interviewer.grading.grade.Grade` reads it back)."""

    phase: Phase | Literal["communication"]
    grade: dict[str, Any]
    at: float


class UserRecord(_Record):
    """Someone who signed in: their id (as the sign-in gave it), role, and when they were first and last seen."""

    id: str
    role: str
    created_at: float
    last_seen: float


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).isoformat(timespec="seconds")


def new_session_id() -> str:
    return uuid.uuid4().hex[:12]
