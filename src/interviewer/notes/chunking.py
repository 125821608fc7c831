"""Heading-aware chunking: a note split by its headings into chunks that fit the embedding model's window.

`chunk_note` splits a decoded note at its Markdown headings (ATX and setext, never inside code fences), then
packs each section's blocks (paragraphs, list items, tables, code) into chunks of at most `max_tokens`,
breaking long paragraphs between sentences and carrying a small overlap. Each `Chunk` knows its heading path,
so a search hit can say where in the notes it comes from.

BM25 sees the whole heading path (file name included) before the chunk's plain text. The embedder sees only
the chunk's `context`: its headings without the file name and without the note's title, the one top-level
heading every section of a note lies under. Those two are the same for every chunk of a note, so in a vector
they take a share of the window and pull all of a note's chunks toward one point, blurring the sections
apart; as words for BM25 they cost nothing and still name the note.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from interviewer.notes.markup import TAG, clean_heading, hide_invisible, plain_text
from interviewer.notes.reader import DecodedNote

HEADING_SEPARATOR = " › "
# Bump when chunking changes, so existing indexes are rebuilt with the new chunks.
CHUNKER_VERSION = 6

TokenCounter = Callable[[str], int]


@dataclass(frozen=True)
class Chunk:
    """One retrievable piece of a note: `embed_text` is what BM25 sees, `dense_text` what the embedder sees."""

    chunk_id: str
    source: str
    heading: str
    heading_path: str
    start_line: int
    content_hash: str
    text: str
    context: str = ""  # the headings the embedder sees: the path without the file name and the note's title

    @property
    def embed_text(self) -> str:
        return f"{self.heading_path}\n{plain_text(self.text)}"

    @property
    def dense_text(self) -> str:
        return f"{self.context}\n{plain_text(self.text)}" if self.context else plain_text(self.text)


BlockKind = Literal["text", "list", "table", "code"]

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")


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
        if not TAG.sub("", line).strip():
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
    sections = split_sections(hide_invisible(note.text), note.source)
    title = _title(sections)
    for section in sections:
        heading_path = HEADING_SEPARATOR.join((name, *section.path))
        context = HEADING_SEPARATOR.join(
            section.path[1:] if title and len(section.path) > 1 else section.path or (name,)
        )
        # Two special tokens ([CLS], [SEP]) and the context prefix share the window with the text.
        budget = max(16, max_tokens - 2 - count_tokens(context))
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
                    context=context,
                )
            )
    return chunks


def _title(sections: list[_Section]) -> str | None:
    """The note's title: the one top-level heading that every headed section lies under, if there is one."""
    tops = {s.path[0] for s in sections if s.path}
    if len(tops) != 1 or not any(len(s.path) > 1 for s in sections):
        return None
    return tops.pop()


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
