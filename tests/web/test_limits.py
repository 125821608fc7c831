"""Per-user limits as plain Python: turns a minute, tokens a day, indexing jobs and sizes, uploads."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from interviewer.config import Settings
from interviewer.errors import LimitReached
from interviewer.store.ledger import IndexLeases
from interviewer.store.sessions import SessionStore
from interviewer.testing import FakeClock
from interviewer.web.limits import (
    BEAT_SECONDS,
    LEASE_STALE,
    UPLOAD_FILE_BYTES,
    IndexCancelled,
    IndexJobs,
    TokenBudget,
    UserLimits,
    check_index_size,
    check_turn_rate,
    check_uploads,
    day_start,
    held,
)


class Ledger:
    """A store's view for the limits, recording what it was asked."""

    def __init__(self, turns: int = 0, tokens: int = 0) -> None:
        self.turns, self.tokens = turns, tokens
        self.asked: list[tuple[str, str, float]] = []

    def turns_since(self, owner: str, since_ts: float) -> int:
        self.asked.append(("turns", owner, since_ts))
        return self.turns

    def usage_since(self, owner: str, since_ts: float) -> int:
        self.asked.append(("tokens", owner, since_ts))
        return self.tokens


def test_turns_under_the_limit_pass_and_at_the_limit_are_refused() -> None:
    check_turn_rate(11, 12)
    check_turn_rate(500, 0)  # 0: no limit
    with pytest.raises(LimitReached, match="12 turns in the last minute"):
        check_turn_rate(12, 12)


def test_the_turn_rate_is_counted_by_the_store_over_the_last_minute_for_that_user() -> None:
    clock = FakeClock()
    ledger = Ledger(turns=4)
    limits = UserLimits(ledger, "alice", turns_per_minute=5, daily_tokens=0, clock=clock)

    limits.check_turn()
    ledger.turns = 5
    with pytest.raises(LimitReached):
        limits.check_turn()
    assert ledger.asked[0] == ("turns", "alice", clock() - 60)


def test_the_budget_counts_tokens_since_midnight_utc() -> None:
    clock = FakeClock()
    ledger = Ledger(tokens=999)
    limits = UserLimits(ledger, "bob", turns_per_minute=0, daily_tokens=1000, clock=clock)

    budget = limits.budget()

    assert budget == TokenBudget(999, 1000) and budget.left == 1 and not budget.exhausted
    assert ledger.asked == [("tokens", "bob", day_start(clock()))]
    ledger.tokens = 1000
    spent = limits.budget()
    assert spent.exhausted and spent.left == 0
    assert "offline engine carries on until midnight UTC" in spent.notice()


def test_no_budget_means_no_limit_and_no_store_read() -> None:
    ledger = Ledger(tokens=10**9)
    budget = UserLimits(ledger, "x", turns_per_minute=0, daily_tokens=0, clock=FakeClock()).budget()

    assert not budget.exhausted and budget.left is None and ledger.asked == []


def test_the_day_starts_at_midnight_utc() -> None:
    noon = datetime(2026, 12, 5, 12, 30, tzinfo=UTC).timestamp()

    assert day_start(noon) == datetime(2026, 12, 5, tzinfo=UTC).timestamp()


def test_a_user_runs_one_indexing_job_at_a_time_and_others_are_not_held_up() -> None:
    jobs = IndexJobs()
    with jobs.run("alice"):
        assert jobs.running("alice")
        with pytest.raises(LimitReached, match="already being indexed"), jobs.run("alice"):
            pass
        with jobs.run("bob"):
            assert jobs.running("bob")
    assert not jobs.running("alice") and not jobs.running("bob")


def test_a_job_ends_when_its_run_fails() -> None:
    jobs = IndexJobs()
    with pytest.raises(RuntimeError), jobs.run("alice"):
        raise RuntimeError("boom")
    assert not jobs.running("alice")


def test_cancelling_stops_the_job_at_its_next_progress_step_from_another_thread() -> None:
    jobs = IndexJobs()
    seen: list[int] = []
    with jobs.run("alice") as job:
        step = job.progress(lambda done, total, label: seen.append(done))
        step(1, 10, "a.md")
        threading.Thread(target=jobs.cancel, args=("alice",)).start()
        job.cancelled.wait(5)
        with pytest.raises(IndexCancelled):
            step(2, 10, "b.md")
    assert seen == [1]
    assert jobs.cancel("alice") is False, "nothing left to cancel"


@pytest.fixture
def leases(tmp_path: Path) -> IndexLeases:
    """The store's indexing leases, which two replicas (here two `IndexJobs`) share."""
    return SessionStore(tmp_path / "team.db").indexing


def test_a_job_on_one_replica_refuses_a_second_on_another_until_it_ends(leases: IndexLeases) -> None:
    one, two = IndexJobs(), IndexJobs()
    clock = FakeClock()

    with one.run("alice", leases=leases, clock=clock):
        assert two.running("alice", leases=leases, clock=clock)
        with (
            pytest.raises(LimitReached, match="already being indexed"),
            two.run("alice", leases=leases, clock=clock),
        ):
            pass
        with two.run("bob", leases=leases, clock=clock):
            pass
    assert not two.running("alice", leases=leases, clock=clock)
    with two.run("alice", leases=leases, clock=clock):
        assert one.running("alice", leases=leases, clock=clock)


def test_a_cancel_on_another_replica_stops_the_job_at_its_next_progress_step(leases: IndexLeases) -> None:
    one, two = IndexJobs(), IndexJobs()
    clock = FakeClock()
    seen: list[int] = []
    with one.run("alice", leases=leases, clock=clock) as job:
        step = job.progress(lambda done, total, label: seen.append(done))
        step(1, 10, "a.md")

        assert two.cancel("alice", leases=leases)
        clock.advance(seconds=BEAT_SECONDS)
        with pytest.raises(IndexCancelled):
            step(2, 10, "b.md")
    assert seen == [1]
    assert not two.running("alice", leases=leases, clock=clock)


def test_a_job_whose_replica_stopped_holds_the_user_no_longer_than_the_lease(leases: IndexLeases) -> None:
    clock = FakeClock()
    assert (
        leases.acquire("alice", "lost-job", at=clock(), stale_after=LEASE_STALE) is None
    )  # its replica died

    with pytest.raises(LimitReached), IndexJobs().run("alice", leases=leases, clock=clock):
        pass
    clock.advance(seconds=LEASE_STALE + 1)
    with IndexJobs().run("alice", leases=leases, clock=clock):
        pass


def _notes(folder: Path, count: int, size: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (folder / f"n{i}.md").write_bytes(b"x" * size)
    (folder / "picture.png").write_bytes(b"x" * 10_000)  # not a note: not counted
    hidden = folder / ".git"
    hidden.mkdir(exist_ok=True)
    (hidden / "big.md").write_bytes(b"x" * 10_000)  # hidden: not counted
    return folder


def test_a_folder_within_the_caps_is_counted(tmp_path: Path) -> None:
    assert check_index_size([_notes(tmp_path / "n", 3, 100)], max_files=3, max_bytes=300) == (3, 300)


def test_a_folder_with_too_many_files_is_refused_before_indexing(tmp_path: Path) -> None:
    with pytest.raises(LimitReached, match=r"more than 2 files.*INTERVIEWER_INDEX_MAX_FILES"):
        check_index_size([_notes(tmp_path / "n", 3, 10)], max_files=2, max_bytes=10**9)


def test_a_folder_with_too_many_bytes_is_refused_before_indexing(tmp_path: Path) -> None:
    with pytest.raises(LimitReached, match="INTERVIEWER_INDEX_MAX_MB"):
        check_index_size([_notes(tmp_path / "n", 3, 1000)], max_files=100, max_bytes=2500)


def test_an_upload_over_2_mb_is_refused_before_it_is_kept() -> None:
    with pytest.raises(LimitReached, match=r"big\.md is 2\.0 MB; notes files are indexed up to 2\.0 MB"):
        check_uploads(
            [("big.md", UPLOAD_FILE_BYTES + 1)], held_files=0, held_bytes=0, max_files=10, max_bytes=10**9
        )


def test_the_upload_quota_counts_what_the_user_already_holds() -> None:
    check_uploads([("a.md", 500)], held_files=9, held_bytes=500, max_files=10, max_bytes=1000)
    with pytest.raises(LimitReached, match="11 files, over your quota of 10"):
        check_uploads([("a.md", 1), ("b.md", 1)], held_files=9, held_bytes=0, max_files=10, max_bytes=1000)
    with pytest.raises(LimitReached, match=r"over your quota of 0.0 MB \(0.0 MB left\)"):
        check_uploads([("a.md", 501)], held_files=0, held_bytes=500, max_files=10, max_bytes=1000)


def test_held_counts_files_and_bytes_under_a_folder(tmp_path: Path) -> None:
    assert held(tmp_path / "missing") == (0, 0)
    folder = tmp_path / "u"
    (folder / "set").mkdir(parents=True)
    (folder / "set" / "a.md").write_bytes(b"12345")
    assert held(folder) == (1, 5)


def test_limits_are_read_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "INTERVIEWER_TURNS_PER_MINUTE": "6",
            "INTERVIEWER_DAILY_TOKENS": "20000",
            "INTERVIEWER_UPLOAD_MAX_FILES": "5",
            "INTERVIEWER_UPLOAD_MAX_MB": "1.5",
            "INTERVIEWER_INDEX_MAX_FILES": "50",
            "INTERVIEWER_INDEX_MAX_MB": "3",
        }
    )

    assert (settings.turn_limit, settings.token_budget) == (6, 20000)
    assert (settings.upload_max_files, settings.upload_max_mb) == (5, 1.5)
    assert (settings.index_max_files, settings.index_max_mb) == (50, 3.0)


def test_a_tab_that_runs_again_while_indexing_takes_over_its_own_job() -> None:
    jobs = IndexJobs()
    tab, other_tab = object(), object()
    started, stopped = threading.Event(), threading.Event()

    def earlier_run() -> None:
        with jobs.run("alice", tab) as job:
            started.set()
            step = job.progress(None)
            try:
                while True:
                    step(1, 2, "a.md")
                    job.cancelled.wait(0.01)
            except IndexCancelled:
                stopped.set()

    thread = threading.Thread(target=earlier_run)
    thread.start()
    started.wait(5)
    assert jobs.running("alice", besides=other_tab) and not jobs.running("alice", besides=tab)
    with pytest.raises(LimitReached), jobs.run("alice", other_tab):
        pass
    with jobs.run("alice", tab) as job:
        assert stopped.is_set(), "the same tab's earlier run was cancelled first"
        assert not job.cancelled.is_set()
    thread.join(5)


def test_the_upload_limit_and_suffixes_are_those_the_notes_index_reads() -> None:
    from interviewer.notes.reader import DEFAULT_MAX_FILE_BYTES
    from interviewer.notes.reader import NOTE_SUFFIXES as READ
    from interviewer.web.limits import NOTE_SUFFIXES

    assert UPLOAD_FILE_BYTES == DEFAULT_MAX_FILE_BYTES
    assert set(NOTE_SUFFIXES) == set(READ)
