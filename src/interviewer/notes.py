"""Notes on disk: reading a folder safely, repairing the text, and heading-aware chunking.

`scan_folder` walks a folder of Markdown and plain-text notes and returns the readable files (as raw
bytes with their content hash) and the files it skipped, each with a reason. `decode_note` turns a
file's bytes into text, repairing mis-encoded text (mojibake) with ftfy and reporting what it did.
`chunk_note` splits a note by its headings into chunks that fit the embedding model's window.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import ftfy

log = logging.getLogger(__name__)

NOTE_SUFFIXES = frozenset({".md", ".markdown", ".txt", ".text"})
DEFAULT_MAX_FILE_BYTES = 2_000_000
HEADING_SEPARATOR = " › "
# Bump when chunking changes, so existing indexes are rebuilt with the new chunks.
CHUNKER_VERSION = 4

TokenCounter = Callable[[str], int]

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


@dataclass(frozen=True)
class Chunk:
    """One retrievable piece of a note. `embed_text` is what the embedder and BM25 see."""

    chunk_id: str
    source: str
    heading: str
    heading_path: str
    start_line: int
    content_hash: str
    text: str

    @property
    def embed_text(self) -> str:
        return f"{self.heading_path}\n{plain_text(self.text)}"


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


def _walk(root: Path, skipped: list[Skip]) -> Iterator[tuple[Path, str]]:
    """Yield (path, source) for candidate notes files, detecting symlink loops by directory identity."""
    try:
        root_stat = root.stat()
    except OSError as exc:
        skipped.append(Skip(".", f"cannot open the notes folder ({_os_reason(exc)})"))
        return
    # Directories on the current path from the root: a link back to one of them is a loop.
    stack: list[tuple[Path, str, tuple[tuple[int, int], ...]]] = [
        (root, "", ((root_stat.st_dev, root_stat.st_ino),))
    ]
    visited: set[tuple[int, int]] = set()
    while stack:
        directory, prefix, ancestors = stack.pop()
        visited.add(ancestors[-1])
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            skipped.append(Skip(prefix.rstrip("/") or ".", f"unreadable folder ({_os_reason(exc)})"))
            continue
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
                elif identity in visited:
                    skipped.append(Skip(source, "already indexed through another path (symlink)"))
                else:
                    stack.append((path, source + "/", (*ancestors, identity)))
            elif Path(entry.name).suffix.lower() in NOTE_SUFFIXES:
                if not stat.S_ISREG(info.st_mode):
                    skipped.append(Skip(source, "not a regular file"))
                else:
                    yield path, source


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
    if not data.strip():
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


# --------------------------------------------------------------------------------------------------
# Chunking

BlockKind = Literal["text", "list", "table", "code"]

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class _Section:
    heading: str
    path: tuple[str, ...]
    start_line: int
    lines: tuple[tuple[int, str], ...]  # (line number, text) of the body


@dataclass
class _Block:
    kind: BlockKind
    start_line: int
    lines: list[str] = field(default_factory=list)
    fence: str = ""  # the opening fence line of a code block


@dataclass(frozen=True)
class _Piece:
    """The smallest unit a chunk boundary may fall between: a line, a list item or a sentence."""

    text: str
    tokens: int
    kind: BlockKind
    group: int  # pieces of one code block or table share a group
    start_line: int
    sep: str  # what joins this piece to the previous one in the same block ("\n" or " ")


_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_URL = re.compile(r"<?https?://[^\s)>]+>?")


def plain_text(text: str) -> str:
    """Text as the embedder and BM25 see it: link text without its URL, no images or HTML tags.

    URLs carry many wordpieces and little meaning, so dropping them leaves room for the words.
    """
    text = _IMAGE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    return _URL.sub("", text)


def clean_heading(raw: str) -> str:
    """Heading text as a reader sees it: no `#`, emphasis, link syntax or HTML."""
    text = _LINK.sub(r"\1", raw)
    text = _TAG.sub("", text)
    for _ in range(2):
        text = _EMPHASIS.sub(r"\2", text)
    return " ".join(text.split())


def split_sections(text: str, source: str) -> list[_Section]:
    """Split Markdown into sections at ATX and setext headings, ignoring `#` lines inside code fences."""
    name = Path(source).name
    lines = text.split("\n")
    sections: list[_Section] = []
    stack: list[tuple[int, str]] = []  # (level, heading)
    heading, start = name, 1
    body: list[tuple[int, str]] = []
    fence: str | None = None

    def close() -> None:
        path = tuple(h for _, h in stack)
        sections.append(_Section(heading, path, start, tuple(body)))

    for number, line in enumerate(lines, start=1):
        fence_match = _FENCE.match(line)
        if fence is not None:
            if (
                fence_match
                and fence_match.group(1)[0] == fence[0]
                and len(fence_match.group(1)) >= len(fence)
            ):
                fence = None
            body.append((number, line))
            continue
        if fence_match:
            fence = fence_match.group(1)
            body.append((number, line))
            continue
        level, title = 0, ""
        atx = _ATX.match(line)
        if atx:
            level, title = len(atx.group(1)), re.sub(r"[ \t]+#+$", "", atx.group(2) or "")
        elif _SETEXT.match(line) and body and body[-1][0] == number - 1 and _is_setext_title(body):
            level = 1 if line.strip().startswith("=") else 2
            title = body.pop()[1]
            number -= 1
        if level:
            close()
            while stack and stack[-1][0] >= level:
                stack.pop()
            heading = clean_heading(title) or name
            stack.append((level, heading))
            start, body = number, []
            continue
        body.append((number, line))
    close()
    return [s for s in sections if any(line.strip() for _, line in s.lines)]


def _is_setext_title(body: list[tuple[int, str]]) -> bool:
    title = body[-1][1]
    if not title.strip() or _LIST_ITEM.match(title) or title.lstrip().startswith(("|", ">", "#")):
        return False
    # Only a single line of text forms a setext title; a longer paragraph followed by `---` is a rule.
    return len(body) < 2 or not body[-2][1].strip()


def _blocks(section: _Section) -> list[_Block]:
    blocks: list[_Block] = []
    current: _Block | None = None
    fence: str | None = None
    for number, line in section.lines:
        fence_match = _FENCE.match(line)
        if fence is not None:
            assert current is not None
            if (
                fence_match
                and fence_match.group(1)[0] == fence[0]
                and len(fence_match.group(1)) >= len(fence)
            ):
                fence = None
                current = None
            else:
                current.lines.append(line)
            continue
        if fence_match:
            fence = fence_match.group(1)
            current = _Block("code", number, fence=line.strip())
            blocks.append(current)
            continue
        if not line.strip():
            current = None
            continue
        if not _TAG.sub("", line).strip():
            continue  # layout-only HTML such as image wrappers
        stripped = line.lstrip()
        if stripped.startswith("|"):
            kind: BlockKind = "table"
        elif _LIST_ITEM.match(line):
            # Each list item starts its own block; its indented continuation lines follow it.
            current = _Block("list", number, [line])
            blocks.append(current)
            continue
        elif current is not None and current.kind == "list" and (line.startswith((" ", "\t"))):
            current.lines.append(line)
            continue
        else:
            kind = "text"
        if current is None or current.kind != kind:
            current = _Block(kind, number)
            blocks.append(current)
        current.lines.append(line)
    return blocks


def _pieces(blocks: list[_Block], count: TokenCounter, budget: int) -> list[_Piece]:
    """Break blocks into pieces. A block that fits is one piece; otherwise lines, then sentences."""
    pieces: list[_Piece] = []
    for group, block in enumerate(blocks):
        whole = "\n".join(block.lines)
        tokens = count(whole)
        if block.kind == "code":
            # A code block is always carried with its fences, whole lines only.
            lines = block.lines or [""]
            if tokens + _fence_tokens(block, count) <= budget:
                pieces.append(_Piece(whole, tokens, "code", group, block.start_line, "\n"))
            else:
                for offset, line in enumerate(lines, start=1):
                    pieces.append(_Piece(line, count(line), "code", group, block.start_line + offset, "\n"))
            continue
        if tokens <= budget:
            pieces.append(_Piece(whole, tokens, block.kind, group, block.start_line, "\n"))
            continue
        for offset, line in enumerate(block.lines):
            line_tokens = count(line)
            number = block.start_line + offset
            if line_tokens <= budget or block.kind == "table":
                pieces.append(_Piece(line, line_tokens, block.kind, group, number, "\n"))
                continue
            # A very long line of prose (or a long list item) is split between sentences, then words.
            first = True
            for sentence in _sentences(line, count, budget):
                sep = "\n" if first else " "
                pieces.append(_Piece(sentence, count(sentence), block.kind, group, number, sep))
                first = False
    return pieces


def _fence_tokens(block: _Block, count: TokenCounter) -> int:
    return count(block.fence) + count("```")


def _sentences(line: str, count: TokenCounter, budget: int) -> Iterator[str]:
    for sentence in _SENTENCE_END.split(line):
        if count(sentence) <= budget:
            yield sentence
            continue
        words: list[str] = []
        used = 0
        for word in sentence.split(" "):
            cost = count(word)
            if words and used + cost > budget:
                yield " ".join(words)
                words, used = [], 0
            words.append(word)
            used += cost
        if words:
            yield " ".join(words)


def _render(pieces: list[_Piece], blocks: list[_Block]) -> str:
    out: list[str] = []
    previous: _Piece | None = None
    for piece in pieces:
        same_block = previous is not None and previous.group == piece.group
        if piece.kind == "code":
            if not same_block:
                if previous is not None and previous.kind == "code":
                    out.append("\n```")
                out.append(("\n\n" if out else "") + (blocks[piece.group].fence or "```") + "\n")
            else:
                out.append("\n")
            out.append(piece.text)
        else:
            if previous is not None and previous.kind == "code":
                out.append("\n```")
            if same_block:
                out.append(piece.sep)
            elif out:
                out.append("\n\n")
            out.append(piece.text)
        previous = piece
    if previous is not None and previous.kind == "code":
        out.append("\n```")
    return "".join(out)


def chunk_note(
    note: DecodedNote,
    count_tokens: TokenCounter,
    *,
    max_tokens: int = 256,
    overlap_tokens: int = 32,
) -> list[Chunk]:
    """Split a note into heading-aware chunks whose embedded text fits in `max_tokens` wordpieces.

    Each section (the text under one heading) is packed into as few chunks as fit; consecutive chunks
    of one section share up to `overlap_tokens` of whole lines or sentences. Code blocks, tables and
    list items are cut only between lines.
    """
    name = Path(note.source).name

    def count_plain(text: str) -> int:
        return count_tokens(plain_text(text))

    chunks: list[Chunk] = []
    ordinals: dict[str, int] = {}
    for section in split_sections(note.text, note.source):
        heading_path = HEADING_SEPARATOR.join((name, *section.path))
        # Two special tokens ([CLS], [SEP]) and the heading-path prefix share the window with the text.
        budget = max(16, max_tokens - 2 - count_tokens(heading_path))
        blocks = _blocks(section)
        pieces = _pieces(blocks, count_plain, budget)
        for part, group_pieces in enumerate(_pack(pieces, blocks, count_plain, budget, overlap_tokens)):
            text = _render(group_pieces, blocks).strip("\n")
            if not text.strip():
                continue
            ordinal = ordinals.get(heading_path, 0)
            ordinals[heading_path] = ordinal + 1
            chunks.append(
                Chunk(
                    chunk_id=chunk_id(note.source, heading_path, ordinal),
                    source=note.source,
                    heading=section.heading,
                    heading_path=heading_path,
                    # A section's first chunk starts at its heading; later ones where their text starts.
                    start_line=section.start_line if part == 0 else group_pieces[0].start_line,
                    content_hash=note.content_hash,
                    text=text,
                )
            )
    return chunks


def _pack(
    pieces: list[_Piece], blocks: list[_Block], count: TokenCounter, budget: int, overlap: int
) -> Iterator[list[_Piece]]:
    current: list[_Piece] = []
    used = 0
    for piece in pieces:
        cost = _cost(piece, current, blocks, count)
        if current and used + cost > budget:
            yield current
            carried = _overlap(current, overlap)
            current, used = [], 0
            for kept in carried:
                used += _cost(kept, current, blocks, count)
                current.append(kept)
            cost = _cost(piece, current, blocks, count)
            if current and used + cost > budget:
                current, used = [], 0
                cost = _cost(piece, current, blocks, count)
        current.append(piece)
        used += cost
    if current:
        yield current


def _cost(piece: _Piece, current: list[_Piece], blocks: list[_Block], count: TokenCounter) -> int:
    opens_code = piece.kind == "code" and (not current or current[-1].group != piece.group)
    return piece.tokens + (_fence_tokens(blocks[piece.group], count) if opens_code else 0)


def _overlap(previous: list[_Piece], overlap: int) -> list[_Piece]:
    """The trailing whole pieces of the previous chunk that fit in the overlap (prose and lists only)."""
    carried: list[_Piece] = []
    used = 0
    for piece in reversed(previous):
        if piece.kind == "code" or used + piece.tokens > overlap:
            break
        carried.insert(0, piece)
        used += piece.tokens
    if len(carried) == len(previous):
        return []  # carrying everything would make no progress
    return carried


def chunk_id(source: str, heading_path: str, ordinal: int) -> str:
    """Stable id of the `ordinal`-th chunk under one heading path of one file."""
    digest = hashlib.sha1(f"{source}\x1f{heading_path}\x1f{ordinal}".encode()).hexdigest()
    return digest[:24]
