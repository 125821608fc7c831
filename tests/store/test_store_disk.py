"""A full or read-only disk under the session database is reported with its fix, never the path."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from interviewer.errors import StorageError


def test_a_full_disk_under_the_session_database_names_the_fix_not_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from interviewer.store.sqlite import SQLiteBackend

    backend = SQLiteBackend(tmp_path / "private" / "sessions.db")

    class Full:
        def execute(self, *args: Any) -> Any:
            raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(backend, "_conn", lambda: Full())
    with pytest.raises(StorageError) as caught, backend.write():
        pass

    assert "saving the interview failed: the disk holding the data folder is full" in str(caught.value)
    assert "private" not in str(caught.value)
