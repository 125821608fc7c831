"""What the session store needs from a database: reads, one transaction at a time, and a schema version.

Two backends implement it: `sqlite.py` (the default, one file under INTERVIEWER_HOME) and `postgres.py`
(when INTERVIEWER_DATABASE_URL is set). SQL is written once, with `:name` parameters, in the dialect both
accept; the schema and its migrations are written per backend in `schema.py`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Literal, Protocol

Row = dict[str, Any]
Params = Mapping[str, Any]
BackendName = Literal["sqlite", "postgres"]


@dataclass(frozen=True)
class Result:
    """What one statement gave back: its rows (empty for writes) and how many rows it changed."""

    rows: list[Row]
    rowcount: int

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def scalar(self) -> Any:
        return next(iter(self.rows[0].values())) if self.rows else None


class Transaction(Protocol):
    def run(self, sql: str, params: Params | None = None) -> Result: ...


class Backend(Protocol):
    """A database the store can use. Driver errors come out as `StoreError` with the fix in the message."""

    name: BackendName
    where: str
    """The database as the user knows it, for messages: a file path, or a URL without its password."""

    def read(self, sql: str, params: Params | None = None) -> list[Row]: ...

    def write(self) -> AbstractContextManager[Transaction]:
        """A transaction that commits on leaving and rolls back on any exception (re-raised unchanged,
        except driver errors, which become `StoreError`). Writers to one session row are serialised."""
        ...

    def close(self) -> None: ...
