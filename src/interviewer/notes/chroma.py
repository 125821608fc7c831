"""Chroma clients and collections, cached per process: one client per data folder or server, nothing per user.

Chroma is embedded (`PersistentClient` under `settings.chroma_dir`) unless `settings.chroma_host` is set,
in which case it is a Chroma server reached with `HttpClient`. Collections are created with no embedding
function: vectors always come from the injected embedder (Chroma's own would download a model).

Opening an embedded index whose database another process holds locked would wait for as long as the lock is
held, so the lock is probed first: one still held after `LOCK_WAIT_SECONDS` raises `IndexLocked`, which the
caller reports as a busy index (the index is kept: a lock passes once its holder is done).
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import threading
import uuid
from pathlib import Path
from typing import Any

from interviewer.config import Settings
from interviewer.errors import NotesError

LOCK_WAIT_SECONDS = 10.0
"""How long another process may hold the embedded index's database locked before it counts as stuck."""

_CLIENTS: dict[str, Any] = {}
_COLLECTIONS: dict[tuple[str, str], Any] = {}
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _lock(key: str) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(key, threading.Lock())


def _chroma_settings() -> Any:
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=True)


def client(settings: Settings) -> Any:
    """The process's client for the settings' data folder or server, opened on first use."""
    key = client_key(settings)
    with _lock("client:" + key):
        opened = _CLIENTS.get(key)
        if opened is None:
            opened = _open_client(settings)
            _CLIENTS[key] = opened
        return opened


def client_key(settings: Settings) -> str:
    """What identifies a client: the server's address, or the embedded data folder."""
    if settings.chroma_host:
        return f"http://{settings.chroma_host}:{settings.chroma_port}"
    return str(settings.chroma_dir.resolve())


def _open_client(settings: Settings) -> Any:
    import chromadb

    if settings.chroma_host:
        where = f"{settings.chroma_host}:{settings.chroma_port}"
        try:
            remote = chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=_chroma_settings()
            )
            remote.heartbeat()
        except Exception as exc:
            raise NotesError(
                f"cannot reach the Chroma server at {where} ({exc}); start it "
                "(`chroma run --host HOST --port PORT`) or unset CHROMA_HOST to use the embedded index"
            ) from None
        return remote
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    wait_until_writable(settings.chroma_dir / "chroma.sqlite3", LOCK_WAIT_SECONDS)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=_chroma_settings())


class IndexLocked(Exception):
    """Another process has held the embedded index's database locked for too long."""


def wait_until_writable(database: Path, seconds: float) -> None:
    """Return once no other connection holds `database`'s write lock; raise `IndexLocked` after `seconds`."""
    if not database.exists():
        return
    connection = sqlite3.connect(database, timeout=seconds, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise IndexLocked(f"another process kept {database.name} locked for {seconds:g} s") from None
        raise
    finally:
        connection.close()


def collection(settings: Settings, name: str, embedder_name: str) -> Any:
    """The named collection (created, for cosine distance, when it is new)."""
    key = (client_key(settings), name)
    found = _COLLECTIONS.get(key)
    if found is None:
        found = client(settings).get_or_create_collection(
            name=name,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"embedder": embedder_name},
        )
        _COLLECTIONS[key] = found
    return found


def drop_collection(settings: Settings, name: str) -> None:
    """Delete the named collection, if it exists."""
    opened = client(settings)
    _COLLECTIONS.pop((client_key(settings), name), None)
    with contextlib.suppress(Exception):
        opened.delete_collection(name)


def forget_clients() -> None:
    """Drop every client and collection this process has open, as a new process would start without them."""
    from chromadb.api.client import SharedSystemClient

    # Chroma's system cache is per process, so every client opened here is dropped and reopened on use.
    _CLIENTS.clear()
    _COLLECTIONS.clear()
    SharedSystemClient.clear_system_cache()


def reset_embedded(settings: Settings) -> None:
    """Move an unusable embedded Chroma folder out of the way so a fresh one can be built."""
    forget_clients()
    broken = settings.chroma_dir.with_name(f"chroma.broken-{uuid.uuid4().hex[:8]}")
    with contextlib.suppress(OSError):
        settings.chroma_dir.rename(broken)
    shutil.rmtree(broken, ignore_errors=True)
    shutil.rmtree(settings.chroma_dir, ignore_errors=True)
