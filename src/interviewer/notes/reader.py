"""Notes on disk: reading a folder safely, and repairing the text.

`scan_folder` walks a folder of Markdown and plain-text notes and returns the readable files (as raw
bytes with their content hash) and the files it skipped, each with a reason. `decode_note` turns a
file's bytes into text, repairing mis-encoded text (mojibake) with ftfy and reporting what it did.
Chunking the decoded text is `interviewer.notes.chunking`.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import re
import stat
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import ftfy

log = logging.getLogger(__name__)

NOTE_SUFFIXES = frozenset({".md", ".markdown", ".txt", ".text"})
DEFAULT_MAX_FILE_BYTES = 2_000_000
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

# Repair only encoding damage: leave quotes, ligatures, widths, HTML entities and line breaks as written.
_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    uncurl_quotes=False,
    fix_character_width=False,
    fix_latin_ligatures=False,
    fix_line_breaks=False,
    normalization=None,
    explain=False,
)


@dataclass(frozen=True)
class NoteFile:
    """A readable notes file: its path relative to the notes folder, its bytes and their hash."""

    source: str
    path: Path
    data: bytes
    content_hash: str


@dataclass(frozen=True)
class Skip:
    """A file that was not indexed, and why (in words for the user)."""

    source: str
    reason: str


@dataclass(frozen=True)
class Scan:
    files: tuple[NoteFile, ...]
    skipped: tuple[Skip, ...]


@dataclass(frozen=True)
class DecodedNote:
    source: str
    text: str
    content_hash: str
    warnings: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------------
# Reading a folder


def scan_folder(root: Path, *, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> Scan:
    """Every notes file under `root` (recursively, following symlinks, skipping hidden entries).

    Nothing here raises for a bad file: binary, empty, oversized, unreadable files and symlink loops
    are returned in `skipped` with the reason.
    """
    root = Path(root)
    files: list[NoteFile] = []
    skipped: list[Skip] = []
    seen_files: dict[tuple[int, int], str] = {}
    for path, source in _walk(root, skipped):
        note = _read_file(path, source, max_file_bytes, skipped, seen_files)
        if note is not None:
            files.append(note)
    files.sort(key=lambda f: f.source)
    skipped.sort(key=lambda s: s.source)
    return Scan(tuple(files), tuple(skipped))


# A folder to walk: its path, its source prefix, and the identities of the folders above it.
_Folder = tuple[Path, str, tuple[tuple[int, int], ...]]


def _walk(root: Path, skipped: list[Skip]) -> Iterator[tuple[Path, str]]:
    """Yield (path, source) for candidate notes files, detecting symlink loops by directory identity.

    Real files and folders come first, in name order; what is reached through a symlink is walked
    afterwards, so a file that is both linked and present keeps its real path as its source.
    """
    try:
        root_stat = root.stat()
    except OSError as exc:
        skipped.append(Skip(".", f"cannot open the notes folder ({_os_reason(exc)})"))
        return
    # Directories on the current path from the root: a link back to one of them is a loop.
    stack: list[_Folder] = [(root, "", ((root_stat.st_dev, root_stat.st_ino),))]
    linked: list[_Folder] = []
    linked_files: list[tuple[Path, str]] = []
    visited: set[tuple[int, int]] = set()
    while stack or linked:
        if not stack:
            stack.append(linked.pop(0))
        directory, prefix, ancestors = stack.pop()
        if ancestors[-1] in visited:
            skipped.append(Skip(prefix.rstrip("/"), "already indexed through another path (symlink)"))
            continue
        visited.add(ancestors[-1])
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            skipped.append(Skip(prefix.rstrip("/") or ".", f"unreadable folder ({_os_reason(exc)})"))
            continue
        folders: list[_Folder] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            source = prefix + entry.name
            path = Path(entry.path)
            try:
                info = path.stat()  # follows symlinks
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    skipped.append(Skip(source, "symlink loop"))
                elif entry.is_symlink():
                    skipped.append(Skip(source, "broken symlink (its target does not exist)"))
                elif Path(entry.name).suffix.lower() in NOTE_SUFFIXES:
                    skipped.append(Skip(source, f"unreadable ({_os_reason(exc)})"))
                continue
            if stat.S_ISDIR(info.st_mode):
                identity = (info.st_dev, info.st_ino)
                if identity in ancestors:
                    skipped.append(Skip(source, "symlink loop (links back to a parent folder)"))
                else:
                    folder = (path, source + "/", (*ancestors, identity))
                    (linked if entry.is_symlink() else folders).append(folder)
            elif Path(entry.name).suffix.lower() in NOTE_SUFFIXES:
                if not stat.S_ISREG(info.st_mode):
                    skipped.append(Skip(source, "not a regular file"))
                elif entry.is_symlink():
                    linked_files.append((path, source))
                else:
                    yield path, source
        stack.extend(reversed(folders))
    yield from linked_files


def _read_file(
    path: Path,
    source: str,
    max_file_bytes: int,
    skipped: list[Skip],
    seen_files: dict[tuple[int, int], str],
) -> NoteFile | None:
    try:
        info = path.stat()
        identity = (info.st_dev, info.st_ino)
        if identity in seen_files:
            skipped.append(Skip(source, f"same file as {seen_files[identity]} (symlink)"))
            return None
        if info.st_size > max_file_bytes:
            skipped.append(
                Skip(
                    source,
                    f"too large ({_megabytes(info.st_size)} over the {_megabytes(max_file_bytes)} cap); "
                    "split it into smaller notes",
                )
            )
            return None
        with path.open("rb") as handle:
            data = handle.read(max_file_bytes + 1)
    except OSError as exc:
        skipped.append(Skip(source, f"unreadable ({_os_reason(exc)})"))
        return None
    seen_files[identity] = source
    if len(data) > max_file_bytes:
        skipped.append(Skip(source, f"too large (over the {_megabytes(max_file_bytes)} cap)"))
        return None
    if _is_binary(data):
        skipped.append(Skip(source, "binary file, not text"))
        return None
    if not data.removeprefix(_UTF8_BOM).strip() or data in _UTF16_BOMS:
        skipped.append(Skip(source, "empty file"))
        return None
    return NoteFile(source, path, data, hashlib.sha256(data).hexdigest())


def _is_binary(data: bytes) -> bool:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 with a byte-order mark
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return bool(head) and controls / len(head) > 0.1


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def _os_reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


# --------------------------------------------------------------------------------------------------
# Decoding and repair


def decode_note(note: NoteFile) -> DecodedNote:
    """Decode a file's bytes to text, saying what was done to invalid bytes and mis-encoded text."""
    warnings: list[str] = []
    data = note.data
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            text = data.decode("utf-8", errors="replace")
            bad = text.count("\ufffd")
            warnings.append(
                f"invalid UTF-8 from byte {exc.start}: decoded with replacement characters ({bad} replaced)"
            )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    fixed = _repair_mac_roman(ftfy.fix_text(text, _FTFY_CONFIG))
    if fixed != text:
        changed = _changed_lines(text, fixed)
        warnings.append(f"repaired mis-encoded text (mojibake) on {changed} line(s)")
        text = fixed
    return DecodedNote(note.source, text, note.content_hash, tuple(warnings))


# UTF-8 read as Mac Roman (as in `‚Üí` for →, `√ó` for ×) in short runs that ftfy leaves alone.
_MAC_ROMAN_HIGH = bytes(range(0x80, 0x100)).decode("mac_roman")
_MAC_ROMAN_RUN = re.compile("[" + re.escape(_MAC_ROMAN_HIGH) + "]{2,}")
_PLAUSIBLE_CATEGORIES = frozenset({"So", "Sm", "Sc", "Sk", "Pd", "Po", "Pi", "Pf", "Ps", "Pe", "No", "Zs"})


def _repair_mac_roman(text: str) -> str:
    """Decode runs of Mac Roman mojibake back to the symbol they stood for, one character at a time.

    A candidate is accepted only when its bytes are strict UTF-8 and decode to a symbol, punctuation
    or accented Latin letter, so ordinary accented words are left as they are.
    """
    return _MAC_ROMAN_RUN.sub(lambda m: _repair_run(m.group(0)), text)


def _repair_run(run: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(run):
        for width in (4, 3, 2):
            candidate = run[i : i + width]
            if len(candidate) < width:
                continue
            try:
                decoded = candidate.encode("mac_roman").decode("utf-8")
            except UnicodeError:
                continue
            if len(decoded) == 1 and _plausible(decoded):
                out.append(decoded)
                i += width
                break
        else:
            out.append(run[i])
            i += 1
    return "".join(out)


def _plausible(ch: str) -> bool:
    return unicodedata.category(ch) in _PLAUSIBLE_CATEGORIES or 0xC0 <= ord(ch) <= 0x24F


def _changed_lines(before: str, after: str) -> int:
    a, b = before.split("\n"), after.split("\n")
    if len(a) != len(b):
        return max(len(a), len(b))
    return sum(1 for x, y in zip(a, b, strict=True) if x != y)
