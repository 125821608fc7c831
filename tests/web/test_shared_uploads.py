"""Uploaded notes are the user's on every replica: two app processes (here two `Shared`, each with its own
data folder, as two replicas have) on one session database see the same sets, answer from them, see a
deletion made through the other, count one quota, and one rate of questions to the notes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from interviewer.config import Settings
from interviewer.errors import BadInput, LimitReached
from interviewer.store.sessions import SessionStore
from interviewer.testing import FakeClock, FakeEmbedder
from interviewer.web.auth import Viewer
from interviewer.web.uploads import MARKER, upload_collection
from interviewer.web.workbench import Overrides, Shared, Workbench

NOTE = (
    b"# Zebra caching\n\n## Stripe lifetime\n\n"
    b"The zebra cache keeps hot stripes in memory for ninety seconds before it reloads them from the ledger.\n"
)
QUESTION = "How long does the zebra cache keep hot stripes in memory?"


class CountingEmbedder(FakeEmbedder):
    """The fake embedder, counting the texts it embedded."""

    def __init__(self) -> None:
        super().__init__()
        self.embedded = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded += len(texts)
        return super().embed(texts)


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    return SessionStore(tmp_path / "team.db")


def replica(tmp_path: Path, name: str, store: SessionStore, **settings: object) -> Shared:
    return Shared.build(
        Settings(home=tmp_path / name, auth="header", **settings),  # type: ignore[arg-type]
        embedder=CountingEmbedder(),
        store=store,
    )


def tab(shared: Shared, user: str, clock: FakeClock | None = None) -> Workbench:
    return Workbench(shared, Overrides(clock=clock), viewer=Viewer(user))


def test_a_set_uploaded_through_one_replica_is_listed_and_answered_on_the_other(
    tmp_path: Path, store: SessionStore
) -> None:
    one, two = replica(tmp_path, "one", store), replica(tmp_path, "two", store)
    first = tab(one, "dana@example.com")
    folder = first.notes.save_uploads([("zebra.md", NOTE)])
    first.notes.index_notes()

    second = tab(two, "dana@example.com")
    [listed] = second.notes.upload_sets()
    second.notes.use_upload(listed.name)
    reports = second.notes.index_notes()
    answer = second.notes.ask(QUESTION)
    text = "".join(answer)

    assert (listed.name, listed.files, listed.size) == (folder.name, ("zebra.md",), len(NOTE))
    assert second.notes.folder == two.settings.uploads_dir / folder.parent.name / folder.name
    assert (second.notes.folder / "zebra.md").read_bytes() == NOTE
    assert reports[0].indexed == ["zebra.md"]
    assert "ninety seconds" in text
    assert answer.result.citations[0].source == "zebra.md"


def test_another_user_on_the_other_replica_sees_none_of_them(tmp_path: Path, store: SessionStore) -> None:
    one, two = replica(tmp_path, "one", store), replica(tmp_path, "two", store)
    name = tab(one, "dana@example.com").notes.save_uploads([("zebra.md", NOTE)]).name

    erin = tab(two, "erin@example.com")

    assert erin.notes.upload_sets() == []
    with pytest.raises(BadInput, match="no such notes set"):
        erin.notes.use_upload(name)


def test_a_set_deleted_through_one_replica_is_gone_from_the_other_with_its_index(
    tmp_path: Path, store: SessionStore
) -> None:
    one, two = replica(tmp_path, "one", store), replica(tmp_path, "two", store)
    first, second = tab(one, "dana@example.com"), tab(two, "dana@example.com")
    name = first.notes.save_uploads([("zebra.md", NOTE)]).name
    second.notes.use_upload(name)
    second.notes.index_notes()
    here = second.notes.folder
    assert here is not None
    lexical = two.settings.bm25_dir / upload_collection("dana@example.com", name)
    assert lexical.is_dir()

    first.notes.delete_upload(name)

    with pytest.raises(BadInput, match="deleted"):
        second.notes.ask(QUESTION)
    assert second.notes.folder is None
    assert second.notes.upload_sets() == []
    assert not here.exists() and not lexical.exists()
    assert store.uploads.files("dana@example.com") == []


def test_a_deletion_elsewhere_is_seen_when_the_sets_are_listed(tmp_path: Path, store: SessionStore) -> None:
    one, two = replica(tmp_path, "one", store), replica(tmp_path, "two", store)
    first, second = tab(one, "dana@example.com"), tab(two, "dana@example.com")
    name = first.notes.save_uploads([("zebra.md", NOTE)]).name
    second.notes.use_upload(name)

    tab(two, "dana@example.com").notes.delete_upload(name)

    assert first.notes.upload_sets() == []
    assert first.notes.folder is None, "the tab no longer answers from a deleted set"
    assert not (one.settings.uploads_dir / first.notes.uploads_root.name / name).exists()


def test_the_quota_counts_what_was_uploaded_through_every_replica(
    tmp_path: Path, store: SessionStore
) -> None:
    one = replica(tmp_path, "one", store, upload_max_files=2)
    two = replica(tmp_path, "two", store, upload_max_files=2)
    tab(one, "dana@example.com").notes.save_uploads([("a.md", b"# A\n\nOne.\n"), ("b.md", b"# B\n\nTwo.\n")])
    second = tab(two, "dana@example.com")

    with pytest.raises(LimitReached, match="quota of 2"):
        second.notes.save_uploads([("c.md", b"# C\n\nThree.\n")])
    with pytest.raises(LimitReached, match="quota of 2"):
        second.notes.check_upload([("c.md", 10)])
    assert len(second.notes.upload_sets()) == 1
    # The same files again are the same set, which takes no more of the quota.
    assert second.notes.save_uploads([("a.md", b"# A\n\nOne.\n"), ("b.md", b"# B\n\nTwo.\n")]).is_dir()


def test_a_replica_reuses_the_vectors_of_a_set_it_finds_in_the_index(
    tmp_path: Path, store: SessionStore
) -> None:
    """Two replicas on one Chroma server share a set's collection; here the second replica is the first one
    with its lexical index gone, which is what a replica that never indexed the set has."""
    import shutil

    one = replica(tmp_path, "one", store)
    embedder = one.embedder
    assert isinstance(embedder, CountingEmbedder)
    first = tab(one, "dana@example.com")
    folder = first.notes.save_uploads([("zebra.md", NOTE)])
    first.notes.index_notes()
    embedded = embedder.embedded
    assert embedded > 0
    shutil.rmtree(one.settings.bm25_dir / upload_collection("dana@example.com", folder.name))

    again = tab(one, "dana@example.com")
    again.notes.use_upload(folder.name)
    reports = again.notes.index_notes()
    indexing = embedder.embedded - embedded
    answer = "".join(again.notes.ask(QUESTION))

    assert reports[0].indexed == ["zebra.md"] and not reports[0].rebuilt
    assert indexing == 0, "the notes were not embedded again"
    assert "ninety seconds" in answer


def test_sets_uploaded_before_the_store_kept_them_are_moved_into_it(
    tmp_path: Path, store: SessionStore
) -> None:
    one = replica(tmp_path, "one", store)
    first = tab(one, "dana@example.com")
    earlier = first.notes.uploads_root / "0123456789ab"
    earlier.mkdir(parents=True)
    (earlier / "zebra.md").write_bytes(NOTE)

    [found] = first.notes.upload_sets()

    assert (found.name, found.files) == ("0123456789ab", ("zebra.md",))
    assert [(f.notes_set, f.name) for f in store.uploads.files("dana@example.com")] == [
        ("0123456789ab", "zebra.md")
    ]
    assert (earlier / MARKER).is_file() and (earlier / "zebra.md").read_bytes() == NOTE
    two = replica(tmp_path, "two", store)
    assert [s.name for s in tab(two, "dana@example.com").notes.upload_sets()] == ["0123456789ab"]


def test_a_copy_that_differs_from_the_store_is_written_out_again(tmp_path: Path, store: SessionStore) -> None:
    one = replica(tmp_path, "one", store)
    first = tab(one, "dana@example.com")
    folder = first.notes.save_uploads([("zebra.md", NOTE)])
    (folder / MARKER).write_text('{"files": {"zebra.md": "0000"}}', encoding="utf-8")
    (folder / "zebra.md").write_bytes(b"# Tampered\n")

    first.notes.upload_sets()

    assert (folder / "zebra.md").read_bytes() == NOTE


def test_questions_to_the_notes_count_once_across_replicas(tmp_path: Path, store: SessionStore) -> None:
    clock = FakeClock()
    one = replica(tmp_path, "one", store, turns_per_minute=2)
    two = replica(tmp_path, "two", store, turns_per_minute=2)
    first, second = tab(one, "dana@example.com", clock), tab(two, "dana@example.com", clock)

    "".join(first.notes.ask("What is cache-aside?"))
    "".join(second.notes.ask("What is write-through?"))

    with pytest.raises(LimitReached, match="2 turns in the last minute"):
        first.notes.ask("What is write-behind?")
    with pytest.raises(LimitReached, match="2 turns in the last minute"):
        second.notes.ask("What is write-behind?")
    assert "".join(tab(two, "erin@example.com", clock).notes.ask("What is write-behind?"))
    clock.advance(minutes=1.1)
    assert "".join(second.notes.ask("What is write-behind?"))
