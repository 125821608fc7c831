"""Uploaded notes files, per user, in the session database, so every replica sees them.

`UploadShelf` keeps each uploaded notes file (its owner, notes set, name, bytes, SHA-256, size and time) in
the `uploads` table. The database is the only copy that counts: a replica writes the files into its own data
folder to index them, and compares hashes to keep that copy in step (`interviewer.web.uploads`). A notes set
is named by the digest of its files, so it never changes once saved; it is added or deleted whole.

The quota is checked and the files written in one transaction, under the user's lock (`ledger.lock_user`), so
two replicas cannot both take a user's last place.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from interviewer.store.backend import Backend
from interviewer.store.ledger import lock_user


@dataclass(frozen=True)
class StoredFile:
    """One uploaded file as the database holds it, without its bytes."""

    notes_set: str
    name: str
    sha256: str
    size: int
    at: float


QuotaCheck = Callable[[int, int], None]
"""Called with (files, bytes) the user already holds, inside the transaction; raises to refuse the upload."""


class UploadShelf:
    """Every user's uploaded notes files in the session database."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def add_set(
        self,
        owner: str,
        notes_set: str,
        files: Sequence[tuple[str, bytes]],
        *,
        at: float,
        check: QuotaCheck | None = None,
    ) -> bool:
        """Save a notes set's files; False (and nothing written) when the user already holds that set.

        `check` sees what the user holds before this set, under the user's lock, and may refuse it."""
        with self.backend.write() as tx:
            lock_user(tx, self.backend, owner)
            found = tx.run(
                "SELECT COUNT(*) AS n FROM uploads WHERE owner = :owner AND notes_set = :set",
                {"owner": owner, "set": notes_set},
            ).scalar()
            if int(found or 0):
                return False
            if check is not None:
                held = tx.run(
                    "SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS bytes FROM uploads WHERE owner = :owner",
                    {"owner": owner},
                ).rows[0]
                check(int(held["n"]), int(held["bytes"]))
            for name, data in files:
                tx.run(
                    "INSERT INTO uploads (owner, notes_set, name, content, sha256, size, at)"
                    " VALUES (:owner, :set, :name, :content, :sha, :size, :at)",
                    {
                        "owner": owner,
                        "set": notes_set,
                        "name": name,
                        "content": data,
                        "sha": hashlib.sha256(data).hexdigest(),
                        "size": len(data),
                        "at": at,
                    },
                )
        return True

    def files(self, owner: str) -> list[StoredFile]:
        """The user's files, without their bytes: oldest set first, then by name."""
        rows = self.backend.read(
            "SELECT notes_set, name, sha256, size, at FROM uploads WHERE owner = :owner"
            " ORDER BY at, notes_set, name",
            {"owner": owner},
        )
        return [
            StoredFile(r["notes_set"], r["name"], r["sha256"], int(r["size"]), float(r["at"])) for r in rows
        ]

    def contents(self, owner: str, notes_set: str) -> dict[str, bytes]:
        """The bytes of every file of one of the user's sets, by name (empty when there is no such set)."""
        rows = self.backend.read(
            "SELECT name, content FROM uploads WHERE owner = :owner AND notes_set = :set",
            {"owner": owner, "set": notes_set},
        )
        return {r["name"]: bytes(r["content"]) for r in rows}

    def delete_set(self, owner: str, notes_set: str) -> int:
        """Delete one of the user's sets; how many files went."""
        with self.backend.write() as tx:
            return tx.run(
                "DELETE FROM uploads WHERE owner = :owner AND notes_set = :set",
                {"owner": owner, "set": notes_set},
            ).rowcount

    def held(self, owner: str) -> tuple[int, int]:
        """The files and bytes the user holds."""
        row = self.backend.read(
            "SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS bytes FROM uploads WHERE owner = :owner",
            {"owner": owner},
        )[0]
        return int(row["n"]), int(row["bytes"])
