"""Per-user limits, so one user cannot crowd out the others on a shared app.

- turns: at most `INTERVIEWER_TURNS_PER_MINUTE` interviewer turns a minute, counted in the session store
  (so the limit holds across app replicas), and as many questions to the notes, counted there too;
- model tokens: at most `INTERVIEWER_DAILY_TOKENS` a day (UTC), from the usage the store records; once
  spent, the user's interviews and answers continue on the offline engine until the next day;
- indexing: one indexing job per user at a time (across replicas, through a lease in the store), within
  `INTERVIEWER_INDEX_MAX_FILES` files and `INTERVIEWER_INDEX_MAX_MB` megabytes, and cancellable from any tab;
- uploads: each file at most what the index reads (2 MB), and a quota of files and bytes per user (counted
  over the files the store holds for them, `interviewer.web.uploads`).

Everything here is plain Python over numbers, the clock and the file system; the store and the pages call it.
"""

from __future__ import annotations

import math
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from interviewer.errors import InterviewerError, LimitReached

MINUTE = 60.0
UPLOAD_FILE_BYTES = 2_000_000
"""The largest notes file accepted: the notes index skips anything larger (`notes.reader`, which is not
imported here: it loads the text-repair library, and the start screen should not wait for it)."""

NOTE_SUFFIXES = (".md", ".markdown", ".txt", ".text")


def megabytes(n: int | float) -> str:
    return f"{n / 1_000_000:.1f} MB"


# ---------------------------------------------------------------------------------------------- turns


def check_turn_rate(recent_turns: int, limit: int, *, window: float = MINUTE) -> None:
    """Raise `LimitReached` when `recent_turns` in the last `window` seconds reach `limit` (0: no limit)."""
    if limit and recent_turns >= limit:
        raise LimitReached(
            f"that is {limit} turns in the last minute, the most this app allows, so this one was not saved; "
            "wait a minute, then send it again"
        )


# ----------------------------------------------------------------------------------------- token budget


def day_start(now: float) -> float:
    """The start of the UTC day `now` falls in, as a timestamp: budgets reset at midnight UTC."""
    day = datetime.fromtimestamp(now, UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day.timestamp()


@dataclass(frozen=True)
class TokenBudget:
    """A user's model tokens today against the daily budget (0: no budget)."""

    spent: int
    budget: int

    @property
    def limited(self) -> bool:
        return self.budget > 0

    @property
    def left(self) -> int | None:
        return max(0, self.budget - self.spent) if self.limited else None

    @property
    def exhausted(self) -> bool:
        return self.limited and self.spent >= self.budget

    def notice(self) -> str:
        """What the user is told once the budget is spent."""
        return (
            f"Your model budget for today ({self.budget:,} tokens) is used up, so the offline engine carries on "
            "until midnight UTC: your interview continues, graded by the offline grader."
        )


# ------------------------------------------------------------------------------------------- indexing


class IndexCancelled(InterviewerError):
    """The user cancelled indexing; the notes are indexed again the next time they are needed."""


class Leases(Protocol):
    """Indexing leases in the store (`interviewer.store.ledger.IndexLeases`): one job per user on any replica."""

    def acquire(self, owner: str, job: str, *, at: float, stale_after: float) -> str | None: ...

    def beat(self, owner: str, job: str, *, at: float) -> bool: ...

    def release(self, owner: str, job: str) -> None: ...

    def cancel(self, owner: str) -> bool: ...

    def holder(self, owner: str, *, at: float, stale_after: float) -> str | None: ...


LEASE_STALE = 300.0
"""A job on another replica not heard from for this long (its replica stopped) no longer holds the user's
indexing. Long, as one large file can take a minute or more to embed between two progress steps."""

BEAT_SECONDS = 5.0
"""How often, at most, a running job tells the store it is alive and reads whether it was cancelled."""

ALREADY_INDEXING = (
    "your notes are already being indexed (in another tab?); wait for it to finish or cancel it"
)


@dataclass
class IndexJob:
    user: str
    tab: object = None
    cancelled: threading.Event = field(default_factory=threading.Event)
    ended: threading.Event = field(default_factory=threading.Event)
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    leases: Leases | None = None
    clock: Callable[[], float] = time.time
    _beat_at: float = 0.0

    def progress(self, report: Callable[[int, int, str], None] | None) -> Callable[[int, int, str], None]:
        """A progress callback that stops the job (raising `IndexCancelled`) once it is cancelled, in this
        process or, through the store's lease, from another replica."""

        def step(done: int, total: int, label: str) -> None:
            self._beat()
            if self.cancelled.is_set():
                raise IndexCancelled("indexing was cancelled; it starts again the next time you ask")
            if report is not None:
                report(done, total, label)

        return step

    def _beat(self) -> None:
        if self.leases is None:
            return
        now = self.clock()
        if now - self._beat_at < BEAT_SECONDS:
            return
        self._beat_at = now
        if not self.leases.beat(self.user, self.id, at=now):
            self.cancelled.set()


SUPERSEDE_WAIT = 30.0
"""How long a tab's new indexing job waits for the same tab's previous one to stop."""


class IndexJobs:
    """At most one indexing job per user; a second one is refused until the first ends.

    In this process the jobs are tracked here; with `leases` (the store's) a job also holds the user's lease,
    so a job on another replica refuses this one too, and a cancel from any replica stops it.

    A job started again from the same tab (`tab`: any token naming it) takes over: the page ran again while
    the last run was still indexing, so that run is cancelled and, once it has stopped, this one starts.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[str, IndexJob] = {}

    @contextmanager
    def run(
        self,
        user: str,
        tab: object = None,
        *,
        wait: float = SUPERSEDE_WAIT,
        leases: Leases | None = None,
        clock: Callable[[], float] = time.time,
    ) -> Iterator[IndexJob]:
        with self._lock:
            earlier = self._running.get(user)
        if earlier is not None and tab is not None and earlier.tab is tab:
            earlier.cancelled.set()
            earlier.ended.wait(wait)
        with self._lock:
            if user in self._running:
                raise LimitReached(ALREADY_INDEXING)
            job = IndexJob(user, tab, leases=leases, clock=clock, _beat_at=clock())
            self._running[user] = job
        leased = False
        try:
            if leases is not None:
                if leases.acquire(user, job.id, at=clock(), stale_after=LEASE_STALE) is not None:
                    raise LimitReached(ALREADY_INDEXING)
                leased = True
            yield job
        finally:
            if leased and leases is not None:
                leases.release(user, job.id)
            with self._lock:
                self._running.pop(user, None)
            job.ended.set()

    def running(
        self,
        user: str,
        *,
        besides: object = None,
        leases: Leases | None = None,
        clock: Callable[[], float] = time.time,
    ) -> bool:
        """Whether the user has a job running (`besides`: other than one from that tab), here or, with
        `leases`, on another replica."""
        with self._lock:
            job = self._running.get(user)
        if job is not None:
            return besides is None or job.tab is not besides
        return leases is not None and leases.holder(user, at=clock(), stale_after=LEASE_STALE) is not None

    def cancel(self, user: str, *, leases: Leases | None = None) -> bool:
        """Cancel the user's running job, here or (with `leases`) on any replica; True when there was one."""
        with self._lock:
            job = self._running.get(user)
        if job is not None:
            job.cancelled.set()
        elsewhere = leases.cancel(user) if leases is not None else False
        return job is not None or elsewhere


INDEX_JOBS = IndexJobs()
"""The process's indexing jobs, shared by every tab."""


def check_index_size(folders: Sequence[Path], *, max_files: int, max_bytes: int) -> tuple[int, int]:
    """Count the notes files and bytes under `folders` (hidden entries skipped), stopping at the first
    limit crossed; raise `LimitReached` then. Returns (files, bytes)."""
    files = size = 0
    for folder in folders:
        for root, dirs, names in os.walk(folder, followlinks=False):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in names:
                if name.startswith(".") or not name.lower().endswith(NOTE_SUFFIXES):
                    continue
                try:
                    size += os.stat(os.path.join(root, name)).st_size
                except OSError:
                    continue
                files += 1
                if files > max_files:
                    raise LimitReached(
                        f"these notes hold more than {max_files:,} files, more than this app indexes at once; "
                        "choose a smaller folder (or the operator raises INTERVIEWER_INDEX_MAX_FILES)"
                    )
                if size > max_bytes:
                    raise LimitReached(
                        f"these notes hold more than {megabytes(max_bytes)}, more than this app indexes at "
                        "once; choose a smaller folder (or the operator raises INTERVIEWER_INDEX_MAX_MB)"
                    )
    return files, size


# -------------------------------------------------------------------------------------------- uploads


def check_uploads(
    files: Sequence[tuple[str, int]], *, held_files: int, held_bytes: int, max_files: int, max_bytes: int
) -> None:
    """Refuse an upload of `files` (name, size) before anything is saved: a file over 2 MB (the index would
    skip it), or more files or bytes than the user's quota leaves, given what they already hold."""
    for name, size in files:
        if size > UPLOAD_FILE_BYTES:
            raise LimitReached(
                f"{name} is {megabytes(size)}; notes files are indexed up to {megabytes(UPLOAD_FILE_BYTES)}, "
                "so split it into smaller files"
            )
    count = held_files + len(files)
    total = held_bytes + sum(size for _, size in files)
    if count > max_files:
        raise LimitReached(
            f"your uploaded notes would hold {count} files, over your quota of {max_files}; delete a notes "
            "set first"
        )
    if total > max_bytes:
        left = max(0, max_bytes - held_bytes)
        raise LimitReached(
            f"your uploaded notes would take {megabytes(total)}, over your quota of {megabytes(max_bytes)} "
            f"({megabytes(left)} left); delete a notes set first"
        )


def held(folder: Path) -> tuple[int, int]:
    """The files and bytes under `folder` (0, 0 when it does not exist)."""
    files = size = 0
    if not folder.is_dir():
        return 0, 0
    for root, _, names in os.walk(folder):
        for name in names:
            try:
                size += os.stat(os.path.join(root, name)).st_size
            except OSError:
                continue
            files += 1
    return files, size


def quota_bytes(megabytes_allowed: float) -> int:
    return math.floor(megabytes_allowed * 1_000_000)


# ------------------------------------------------------------------------------------- one user's limits


class Events(Protocol):
    """Counted events per user (`interviewer.store.uploads.EventLedger`)."""

    def record_within(self, owner: str, kind: str, *, at: float, since: float, limit: int) -> int: ...


ASK = "ask"
"""The kind of event a question to the notes is counted as."""


class Ledger(Protocol):
    """What the limits read from the session store (so they hold across app replicas)."""

    def turns_since(self, owner: str, since_ts: float) -> int: ...

    def usage_since(self, owner: str, since_ts: float) -> int: ...

    @property
    def events(self) -> Events: ...


class UserLimits:
    """One user's turn rate and token budget, read from the store at the moment they are checked."""

    def __init__(
        self,
        ledger: Ledger,
        owner: str,
        *,
        turns_per_minute: int,
        daily_tokens: int,
        clock: Callable[[], float],
    ) -> None:
        self.ledger = ledger
        self.owner = owner
        self.turns_per_minute = turns_per_minute
        self.daily_tokens = daily_tokens
        self.clock = clock

    def check_turn(self) -> None:
        """Raise `LimitReached` when the user has sent their turns for this minute."""
        if self.turns_per_minute:
            recent = self.ledger.turns_since(self.owner, self.clock() - MINUTE)
            check_turn_rate(recent, self.turns_per_minute)

    def check_ask(self) -> None:
        """Raise `LimitReached` when the user asked the notes as often as the turn rate allows this minute.
        Questions to the notes are counted in the store as events (so the rate holds across replicas): the
        count and the record are one step, so two replicas cannot both take the last place."""
        if self.turns_per_minute:
            now = self.clock()
            recent = self.ledger.events.record_within(
                self.owner, ASK, at=now, since=now - MINUTE, limit=self.turns_per_minute
            )
            check_turn_rate(recent, self.turns_per_minute)

    def budget(self) -> TokenBudget:
        if not self.daily_tokens:
            return TokenBudget(0, 0)
        return TokenBudget(self.ledger.usage_since(self.owner, day_start(self.clock())), self.daily_tokens)
