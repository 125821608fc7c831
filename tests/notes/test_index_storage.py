"""A full, read-only or forbidden data folder stops indexing with a message that names the fix, and never
deletes the notes index: the condition passes once the operator fixes it."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from interviewer.config import Settings
from interviewer.errors import StorageError, storage_error
from interviewer.notes import chroma
from interviewer.notes import sync as sync_module
from interviewer.notes.index import NotesIndex
from interviewer.testing import FakeEmbedder


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "cache.md").write_text("# Caching\n\nCache-aside reads the cache first, then the database.\n")
    (folder / "queues.md").write_text("# Queues\n\nQueues decouple producers from consumers.\n")
    return folder


def _reopen() -> None:
    chroma.forget_clients()
    sync_module._SNAPSHOTS.clear()


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def test_disk_full_while_opening_the_index_keeps_the_whole_chroma_folder(
    settings: Settings, notes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    NotesIndex(settings, FakeEmbedder(dim=64), [notes]).ensure_synced()
    _reopen()
    before = _files(settings.chroma_dir)
    assert "chroma.sqlite3" in before

    import chromadb

    def full(*args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device", str(settings.chroma_dir))

    monkeypatch.setattr(chromadb, "PersistentClient", full)
    with pytest.raises(StorageError) as caught:
        NotesIndex(settings, FakeEmbedder(dim=64), [notes]).ensure_synced()

    message = str(caught.value)
    assert "disk" in message and "full" in message and "free some space" in message
    assert str(settings.home) not in message and "/" not in message.replace("read-write", "")
    assert _files(settings.chroma_dir) == before, "a transient error never deletes the index"

    monkeypatch.undo()
    _reopen()
    (report,) = NotesIndex(settings, FakeEmbedder(dim=64), [notes]).ensure_synced()
    assert report.rebuilt is False and report.indexed == []
    assert sorted(report.unchanged) == ["cache.md", "queues.md"]


def test_a_full_disk_reported_by_sqlite_while_counting_is_not_taken_for_a_corrupt_index(
    settings: Settings, notes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    NotesIndex(settings, FakeEmbedder(dim=64), [notes]).ensure_synced()
    _reopen()
    dropped: list[str] = []
    monkeypatch.setattr(chroma, "drop_collection", lambda s, name: dropped.append(name))
    monkeypatch.setattr(chroma, "reset_embedded", lambda s: dropped.append("everything"))
    real = chroma.collection

    class Full:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def count(self) -> int:
            raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(chroma, "collection", lambda s, name, emb: Full(real(s, name, emb)))

    with pytest.raises(StorageError, match="disk holding the data folder is full"):
        NotesIndex(settings, FakeEmbedder(dim=64), [notes]).ensure_synced()
    assert dropped == []


def test_a_read_only_data_folder_while_embedding_says_how_to_fix_it(
    settings: Settings, notes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = NotesIndex(settings, FakeEmbedder(dim=64), [notes])

    def read_only(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(sync_module.SyncedIndex, "_embed_and_store", read_only)
    with pytest.raises(StorageError, match="read-only file system; point INTERVIEWER_HOME"):
        index.ensure_synced()


def test_an_unrelated_error_is_not_dressed_up_as_a_storage_problem() -> None:
    assert storage_error(ValueError("bad vector"), "indexing") is None
    assert storage_error(OSError(errno.ENOENT, "missing"), "indexing") is None


def test_a_wrapped_permission_error_is_found_through_its_cause() -> None:
    try:
        try:
            raise PermissionError(errno.EACCES, "Permission denied", "/srv/secret/home/chroma")
        except PermissionError as inner:
            raise RuntimeError("chroma failed") from inner
    except RuntimeError as outer:
        found = storage_error(outer, "saving the uploaded notes")
    assert found is not None
    assert str(found).startswith("saving the uploaded notes failed: the app is not allowed to write")
    assert "/srv" not in str(found)
