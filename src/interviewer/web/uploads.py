"""A user's uploaded notes sets: kept in the session store, written out into this replica's data folder.

The store (SQLite alone, Postgres for a team) holds every uploaded file with its SHA-256 (`store.uploads`), so
every replica serves a user the same uploads whichever replica received them. Each replica writes a user's
sets into `uploads/<user>/<set>/` under its own data folder, where the notes index reads them, and keeps that
copy in step whenever the user's sets are listed or used (`reconcile`): one query for the names and hashes,
compared with a small marker file in each folder; only a set that is new here is read in full. A set the
store no longer holds (deleted through another replica) is removed here with its index.

A set's index is a Chroma collection named from the user and the set (`upload_collection`), the same on every
replica: with a Chroma server the replicas share its vectors, and a replica that indexes a set another one
has indexed reuses them (`interviewer.notes.sync`). The lexical index is rebuilt locally from the files.

Folders written before the store held uploads (no marker) are moved into the store the first time they are
seen, so nothing uploaded earlier is lost.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import shutil
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from interviewer.config import Settings
from interviewer.errors import BadInput, storage_error

if TYPE_CHECKING:
    from interviewer.store.sessions import SessionStore
    from interviewer.store.uploads import QuotaCheck

log = logging.getLogger(__name__)

MARKER = ".stored.json"
"""In each written-out set: the files and hashes it was written from (hidden, so the notes reader skips it)."""

_SET_NAME = re.compile(r"[0-9a-f]{12}")
_LOCK = threading.Lock()


@dataclass(frozen=True)
class UploadSet:
    """One upload of notes files, kept in its own folder under the user's uploads."""

    name: str
    files: tuple[str, ...]
    size: int


def user_folder_name(user: str) -> str:
    """A folder name for `user`'s uploads: readable, safe on any file system, distinct per user."""
    readable = re.sub(r"[^\w.-]", "_", user).strip("._")[:40] or "user"
    return f"{readable}-{hashlib.sha256(user.encode()).hexdigest()[:8]}"


def safe_file_name(name: str) -> str:
    """An uploaded file's name as it is kept: its last part, with anything unusual replaced."""
    return re.sub(r"[^\w.-]", "_", Path(name).name).lstrip(".") or "notes.md"


def set_name(files: Sequence[tuple[str, bytes]]) -> str:
    """A notes set's name: a digest of its files' names and bytes, so the same upload is the same set."""
    digest = hashlib.sha256()
    for name, data in sorted(files):
        digest.update(name.encode() + b"\0" + data)
    return digest.hexdigest()[:12]


def upload_collection(user: str, notes_set: str) -> str:
    """The Chroma collection of one of `user`'s sets, the same on every replica."""
    return f"upload-{hashlib.sha256(user.encode()).hexdigest()[:12]}-{notes_set}"


class UserUploads:
    """One user's uploaded notes sets, as the store holds them and as this replica has written them out."""

    def __init__(
        self, settings: Settings, store: Callable[[], SessionStore], user: str, clock: Callable[[], float]
    ):
        self.settings = settings
        self.user = user
        self._store = store
        self._clock = clock

    @property
    def root(self) -> Path:
        """This user's uploads in this replica's data folder: `uploads/<user>/<set>/`."""
        return self.settings.uploads_dir / user_folder_name(self.user)

    def collection(self, folder: Path) -> str | None:
        """The collection of the set in `folder`, when it is one of this user's sets."""
        folder = folder.resolve()
        if folder.parent != self.root.resolve() or not _SET_NAME.fullmatch(folder.name):
            return None
        return upload_collection(self.user, folder.name)

    # -- reading ----------------------------------------------------------------------------------------

    def sets(self) -> list[UploadSet]:
        """The user's sets, oldest first, each written out here."""
        stored = self.reconcile()
        return [UploadSet(name, tuple(files), sum(files.values())) for name, files in stored.items()]

    def folder(self, name: str) -> Path:
        """The folder of one of the user's sets, written out here; `BadInput` when there is no such set."""
        if not _SET_NAME.fullmatch(name):
            raise BadInput("no such notes set")
        if name not in self.reconcile():
            raise BadInput("no such notes set; it may have been deleted in another tab")
        return self.root / name

    def held(self) -> tuple[int, int]:
        """The files and bytes the user holds in the store."""
        return self._store().uploads.held(self.user)

    # -- writing ----------------------------------------------------------------------------------------

    def save(self, files: Sequence[tuple[str, bytes]], *, check: QuotaCheck) -> Path:
        """Keep a set of files (names as given; they are made safe here) in the store, then write it out here.
        `check` sees what the user held before, in the same transaction; the same set again is not counted."""
        kept = {safe_file_name(name): data for name, data in files}
        name = set_name(files)
        self._store().uploads.add_set(self.user, name, sorted(kept.items()), at=self._clock(), check=check)
        return self.folder(name)

    def delete(self, name: str) -> Path:
        """Delete one of the user's sets from the store, and here with its index; returns where it was."""
        if not _SET_NAME.fullmatch(name):
            raise BadInput("no such notes set")
        if not self._store().uploads.delete_set(self.user, name) and not (self.root / name).is_dir():
            raise BadInput("no such notes set; it may have been deleted in another tab")
        folder = self.root / name
        self._remove_here(folder)
        return folder

    # -- keeping this replica's copy in step -------------------------------------------------------------

    def reconcile(self) -> dict[str, dict[str, int]]:
        """Bring this replica's copy of the user's sets in step with the store; returns the sets (oldest
        first), each as its files' sizes by name."""
        with _LOCK:
            self._adopt_unstored()
            stored: dict[str, dict[str, tuple[str, int]]] = {}
            for f in self._store().uploads.files(self.user):
                stored.setdefault(f.notes_set, {})[f.name] = (f.sha256, f.size)
            here = self._written_out()
            for name, marker in here.items():
                if name not in stored:
                    self._remove_here(self.root / name)
                elif marker != {n: sha for n, (sha, _) in stored[name].items()}:
                    self._write_out(name)
            for name in stored:
                if name not in here:
                    self._write_out(name)
        return {name: {n: size for n, (_, size) in files.items()} for name, files in stored.items()}

    def _written_out(self) -> dict[str, dict[str, str]]:
        """The sets written out here, each with the hashes its marker records."""
        found: dict[str, dict[str, str]] = {}
        if not self.root.is_dir():
            return found
        for folder in self.root.iterdir():
            if not (folder.is_dir() and _SET_NAME.fullmatch(folder.name)):
                continue
            with contextlib.suppress(OSError, ValueError):
                found[folder.name] = dict(json.loads((folder / MARKER).read_text(encoding="utf-8"))["files"])
                continue
            found[folder.name] = {}  # unreadable: written out again
        return found

    def _write_out(self, name: str) -> None:
        files = self._store().uploads.contents(self.user, name)
        folder = self.root / name
        staging = self.root / f".{name}-{uuid.uuid4().hex[:8]}"
        try:
            staging.mkdir(parents=True)
            for file_name, data in files.items():
                (staging / file_name).write_bytes(data)
            marker = {"files": {n: hashlib.sha256(d).hexdigest() for n, d in files.items()}}
            (staging / MARKER).write_text(json.dumps(marker), encoding="utf-8")
            if folder.exists():
                shutil.rmtree(folder)
            staging.rename(folder)
        except OSError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise storage_error(exc, "writing out the uploaded notes") or BadInput(
                f"the uploaded notes could not be written out ({exc.strerror})"
            ) from None

    def _remove_here(self, folder: Path) -> None:
        """Remove a set's folder, its lexical index and its vectors from this replica's view."""
        from interviewer.notes import chroma

        collection = upload_collection(self.user, folder.name)
        try:
            chroma.drop_collection(self.settings, collection)
        except Exception as exc:  # the files still go; an orphaned collection is only disk space
            log.warning("could not drop the index of an uploaded notes set: %s", exc)
        shutil.rmtree(self.settings.bm25_dir / collection, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)

    def _adopt_unstored(self) -> None:
        """Move sets written before the store held uploads (folders without a marker) into the store."""
        if not self.root.is_dir():
            return
        for folder in self.root.iterdir():
            if not (folder.is_dir() and _SET_NAME.fullmatch(folder.name)) or (folder / MARKER).exists():
                continue
            files = [
                (f.name, f.read_bytes())
                for f in sorted(folder.iterdir())
                if f.is_file() and not f.name.startswith(".")
            ]
            if files:
                self._store().uploads.add_set(self.user, folder.name, files, at=folder.stat().st_mtime)
                log.info("moved an uploaded notes set of %d files into the session store", len(files))
            self._forget_path_index(folder)
            shutil.rmtree(folder, ignore_errors=True)  # written out again, with its marker

    def _forget_path_index(self, folder: Path) -> None:
        """Drop the index an earlier version built for `folder` under a name made from its path."""
        from interviewer.notes import chroma
        from interviewer.notes.sync import collection_name

        old = collection_name(folder.resolve())
        with contextlib.suppress(Exception):
            chroma.drop_collection(self.settings, old)
        shutil.rmtree(self.settings.bm25_dir / old, ignore_errors=True)
