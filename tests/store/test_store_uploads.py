"""Uploaded notes files and counted events in the store, on SQLite and on Postgres: what every replica reads."""

from __future__ import annotations

import hashlib
import threading

import pytest

from interviewer.errors import LimitReached
from interviewer.store.sessions import SessionStore

NOTE = b"# Caching\n\nCache-aside reads the cache first.\n"


def refuse_over(files: int):  # type: ignore[no-untyped-def]
    def check(held_files: int, held_bytes: int) -> None:
        if held_files + 1 > files:
            raise LimitReached(f"over {files}")

    return check


def test_an_uploaded_set_is_kept_with_its_hash_size_and_time(any_store: SessionStore) -> None:
    assert any_store.uploads.add_set("alice", "0123456789ab", [("cache.md", NOTE)], at=100.0)

    [stored] = any_store.uploads.files("alice")

    assert (stored.notes_set, stored.name, stored.size, stored.at) == (
        "0123456789ab",
        "cache.md",
        len(NOTE),
        100.0,
    )
    assert stored.sha256 == hashlib.sha256(NOTE).hexdigest()
    assert any_store.uploads.contents("alice", "0123456789ab") == {"cache.md": NOTE}
    assert any_store.uploads.held("alice") == (1, len(NOTE))


def test_uploads_are_each_users_own(any_store: SessionStore) -> None:
    any_store.uploads.add_set("alice", "0123456789ab", [("cache.md", NOTE)], at=1.0)

    assert any_store.uploads.files("bob") == []
    assert any_store.uploads.contents("bob", "0123456789ab") == {}
    assert any_store.uploads.held("bob") == (0, 0)
    assert any_store.uploads.delete_set("bob", "0123456789ab") == 0
    assert len(any_store.uploads.files("alice")) == 1


def test_the_same_set_again_is_not_saved_twice_nor_checked_against_the_quota(any_store: SessionStore) -> None:
    assert any_store.uploads.add_set("alice", "0123456789ab", [("a.md", NOTE)], at=1.0)

    again = any_store.uploads.add_set("alice", "0123456789ab", [("a.md", NOTE)], at=2.0, check=refuse_over(0))

    assert again is False
    assert any_store.uploads.held("alice") == (1, len(NOTE))


def test_a_refused_set_leaves_nothing_behind(any_store: SessionStore) -> None:
    any_store.uploads.add_set("alice", "aaaaaaaaaaaa", [("a.md", NOTE)], at=1.0)

    with pytest.raises(LimitReached):
        any_store.uploads.add_set(
            "alice", "bbbbbbbbbbbb", [("b.md", NOTE), ("c.md", NOTE)], at=2.0, check=refuse_over(1)
        )

    assert [f.notes_set for f in any_store.uploads.files("alice")] == ["aaaaaaaaaaaa"]


def test_deleting_a_set_deletes_all_its_files(any_store: SessionStore) -> None:
    any_store.uploads.add_set("alice", "aaaaaaaaaaaa", [("a.md", NOTE), ("b.md", b"# B\n")], at=1.0)
    any_store.uploads.add_set("alice", "bbbbbbbbbbbb", [("c.md", NOTE)], at=2.0)

    assert any_store.uploads.delete_set("alice", "aaaaaaaaaaaa") == 2

    assert [f.name for f in any_store.uploads.files("alice")] == ["c.md"]


def test_concurrent_uploads_cannot_both_take_the_last_place_in_the_quota(any_store: SessionStore) -> None:
    outcomes: list[str] = []
    start = threading.Barrier(4)

    def upload(n: int) -> None:
        start.wait()
        try:
            any_store.uploads.add_set(
                "alice", f"{n:012x}", [(f"{n}.md", NOTE)], at=float(n), check=refuse_over(2)
            )
            outcomes.append("saved")
        except LimitReached:
            outcomes.append("refused")

    threads = [threading.Thread(target=upload, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes) == ["refused", "refused", "saved", "saved"]
    assert any_store.uploads.held("alice")[0] == 2


def test_events_are_recorded_up_to_the_limit_in_the_window(any_store: SessionStore) -> None:
    events = any_store.events

    counts = [events.record_within("alice", "ask", at=100.0 + i, since=50.0, limit=2) for i in range(3)]

    assert counts == [0, 1, 2]
    assert events.count_since("alice", "ask", 50.0) == 2  # the third was refused, not recorded
    assert events.count_since("bob", "ask", 50.0) == 0
    # A minute on, the window holds none of them.
    assert events.record_within("alice", "ask", at=170.0, since=110.0, limit=2) == 0


def test_concurrent_events_cannot_pass_the_limit(any_store: SessionStore) -> None:
    start = threading.Barrier(5)
    counts: list[int] = []

    def record() -> None:
        start.wait()
        counts.append(any_store.events.record_within("alice", "ask", at=10.0, since=0.0, limit=3))

    threads = [threading.Thread(target=record) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(counts) == [0, 1, 2, 3, 3]
    assert any_store.events.count_since("alice", "ask", 0.0) == 3


def test_old_events_are_deleted_as_new_ones_arrive(any_store: SessionStore) -> None:
    any_store.events.record_within("alice", "ask", at=0.0, since=-60.0, limit=0)

    any_store.events.record_within("alice", "ask", at=200_000.0, since=199_940.0, limit=0)

    assert any_store.events.count_since("alice", "ask", -1.0) == 1


def test_one_indexing_lease_per_user_until_it_is_released(any_store: SessionStore) -> None:
    leases = any_store.indexing

    assert leases.acquire("alice", "job-1", at=10.0, stale_after=300.0) is None
    assert leases.acquire("alice", "job-2", at=11.0, stale_after=300.0) == "job-1"
    assert leases.acquire("bob", "job-3", at=11.0, stale_after=300.0) is None
    assert leases.holder("alice", at=12.0, stale_after=300.0) == "job-1"

    leases.release("alice", "job-2")  # not its lease: nothing happens
    assert leases.holder("alice", at=12.0, stale_after=300.0) == "job-1"
    leases.release("alice", "job-1")
    assert leases.holder("alice", at=12.0, stale_after=300.0) is None
    assert leases.acquire("alice", "job-2", at=13.0, stale_after=300.0) is None


def test_a_cancelled_lease_tells_its_job_to_stop_and_frees_the_user(any_store: SessionStore) -> None:
    leases = any_store.indexing
    leases.acquire("alice", "job-1", at=10.0, stale_after=300.0)
    assert leases.beat("alice", "job-1", at=11.0)

    assert leases.cancel("alice")

    assert not leases.beat("alice", "job-1", at=12.0)
    assert leases.holder("alice", at=12.0, stale_after=300.0) is None
    assert leases.acquire("alice", "job-2", at=12.0, stale_after=300.0) is None
    assert not leases.cancel("nobody")


def test_a_lease_not_heard_from_is_taken_over_and_its_job_told_to_stop(any_store: SessionStore) -> None:
    leases = any_store.indexing
    leases.acquire("alice", "job-1", at=10.0, stale_after=300.0)
    leases.beat("alice", "job-1", at=100.0)

    assert leases.acquire("alice", "job-2", at=350.0, stale_after=300.0) == "job-1"  # heard from 250 s ago
    assert leases.acquire("alice", "job-2", at=401.0, stale_after=300.0) is None

    assert not leases.beat("alice", "job-1", at=402.0)
    assert leases.holder("alice", at=402.0, stale_after=300.0) == "job-2"
