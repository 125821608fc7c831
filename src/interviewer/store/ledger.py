"""What per-user limits count in the session database, so they hold across replicas: events (questions to the
notes, for a rate) and indexing leases (one indexing job per user at a time, cancellable from any replica).

Each check and write is one transaction under the user's lock (`lock_user`: the write lock in SQLite, an
advisory lock in Postgres), so two replicas cannot both take a user's last place.
"""

from __future__ import annotations

from interviewer.store.backend import Backend, Transaction

_USER_LOCK = 7_146_505_373
"""The advisory-lock namespace of per-user checks in Postgres (any constant, the same on every replica)."""

EVENTS_KEPT_SECONDS = 86_400.0
"""Counted events older than this are deleted as new ones are recorded: rates look back a minute."""


def lock_user(tx: Transaction, backend: Backend, owner: str) -> None:
    """Serialise this transaction with every other one that locks `owner` (SQLite: already, by its write lock)."""
    if backend.name == "postgres":
        tx.run(
            "SELECT pg_advisory_xact_lock(:ns, hashtext(:owner))", {"ns": _USER_LOCK % 2**31, "owner": owner}
        )


class EventLedger:
    """Events per user and kind, counted over a recent window."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def record_within(self, owner: str, kind: str, *, at: float, since: float, limit: int) -> int:
        """Record one event unless `limit` of them were recorded since `since` (0: no limit). Returns how many
        there were before this one; when that is `limit` or more, nothing was recorded."""
        with self.backend.write() as tx:
            lock_user(tx, self.backend, owner)
            recent = int(
                tx.run(
                    "SELECT COUNT(*) AS n FROM events WHERE owner = :owner AND kind = :kind AND at > :since",
                    {"owner": owner, "kind": kind, "since": since},
                ).scalar()
                or 0
            )
            if limit and recent >= limit:
                return recent
            tx.run(
                "DELETE FROM events WHERE owner = :owner AND at < :old",
                {"owner": owner, "old": at - EVENTS_KEPT_SECONDS},
            )
            tx.run(
                "INSERT INTO events (owner, kind, at) VALUES (:owner, :kind, :at)",
                {"owner": owner, "kind": kind, "at": at},
            )
        return recent

    def count_since(self, owner: str, kind: str, since: float) -> int:
        rows = self.backend.read(
            "SELECT COUNT(*) AS n FROM events WHERE owner = :owner AND kind = :kind AND at > :since",
            {"owner": owner, "kind": kind, "since": since},
        )
        return int(rows[0]["n"])


class IndexLeases:
    """Which job holds a user's indexing, on any replica: one row per user, with the job's id, when it was last
    heard from, and whether someone asked it to stop. A lease not heard from for `stale_after` seconds (its
    replica stopped) may be taken over."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def acquire(self, owner: str, job: str, *, at: float, stale_after: float) -> str | None:
        """Take the user's lease for `job`; returns None when taken, else the job that holds it. A lease that
        was cancelled, or not heard from for `stale_after` seconds, is taken over."""
        with self.backend.write() as tx:
            lock_user(tx, self.backend, owner)
            rows = tx.run(
                "SELECT job, seen_at, cancelled FROM index_jobs WHERE owner = :owner", {"owner": owner}
            ).rows
            held = rows and rows[0]["job"] != job and not rows[0]["cancelled"]
            if held and float(rows[0]["seen_at"]) > at - stale_after:
                return str(rows[0]["job"])
            tx.run("DELETE FROM index_jobs WHERE owner = :owner", {"owner": owner})
            tx.run(
                "INSERT INTO index_jobs (owner, job, started_at, seen_at, cancelled)"
                " VALUES (:owner, :job, :at, :at, 0)",
                {"owner": owner, "job": job, "at": at},
            )
        return None

    def beat(self, owner: str, job: str, *, at: float) -> bool:
        """Say `job` is still running; False when it should stop (cancelled, or its lease was taken over)."""
        with self.backend.write() as tx:
            changed = tx.run(
                "UPDATE index_jobs SET seen_at = :at WHERE owner = :owner AND job = :job AND cancelled = 0",
                {"owner": owner, "job": job, "at": at},
            ).rowcount
        return changed == 1

    def release(self, owner: str, job: str) -> None:
        with self.backend.write() as tx:
            tx.run("DELETE FROM index_jobs WHERE owner = :owner AND job = :job", {"owner": owner, "job": job})

    def cancel(self, owner: str) -> bool:
        """Ask the user's running job, on whichever replica, to stop; True when there was one."""
        with self.backend.write() as tx:
            return (
                tx.run("UPDATE index_jobs SET cancelled = 1 WHERE owner = :owner", {"owner": owner}).rowcount
                > 0
            )

    def holder(self, owner: str, *, at: float, stale_after: float) -> str | None:
        """The job holding the user's lease, if it was heard from in the last `stale_after` seconds."""
        rows = self.backend.read(
            "SELECT job FROM index_jobs WHERE owner = :owner AND seen_at > :fresh AND cancelled = 0",
            {"owner": owner, "fresh": at - stale_after},
        )
        return str(rows[0]["job"]) if rows else None
