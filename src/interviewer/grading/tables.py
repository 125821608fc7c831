"""Markdown in a written answer: emphasis read as plain text, and tables read row by row with their header.

Bold and code marks ("≈ **12,000 writes/s**", "`Redis` **every ten minutes**") are blanked out before an answer is
read, keeping its length, and what is quoted from it is taken from the answer as written.

A pasted answer may carry part of its design in a table. A row such as `| Latency | mean latency > 200 ms |` says
nothing of alerts by itself; under the header `| Signal | Alert |` it says that the latency alert fires on
the mean. Each row is read as "Signal: Latency; Alert: mean latency > 200 ms", and the header row claims nothing.
"""

from __future__ import annotations

import re
from typing import Any, Protocol, Self, TypeVar

_ROW = re.compile(r"^\s*\|.*\|\s*$")
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _line_at(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


def table_reading(answer: str, start: int, sentence: str) -> str | None:
    """How to read `sentence`, found at `start` in `answer`, when it sits in a table: a body row with its
    header's names, "" for the header row (it claims nothing); None when it is not in a table."""
    line_start, line_end = _line_at(answer, start)
    line = answer[line_start:line_end]
    if not _ROW.match(line):
        return None
    block: list[str] = []  # the table's lines above this one, nearest first
    pos = line_start
    while pos > 0:
        above_start, above_end = _line_at(answer, pos - 1)
        above = answer[above_start:above_end]
        if not _ROW.match(above):
            break
        block.append(above)
        pos = above_start
    block.reverse()
    if len(block) < 2 or not _SEPARATOR.match(block[1]):
        # the header itself (the separator follows it), or a table without a header
        below_start = line_end + 1
        below = answer[below_start : _line_at(answer, below_start)[1]] if below_start < len(answer) else ""
        return "" if not block and _SEPARATOR.match(below) else sentence
    header, cells = _cells(block[0]), _cells(line)
    if sentence.strip() != line.strip():
        # part of a row cut at a ";" inside a cell: the header's names say what the row is about
        return f"{' '.join(header)}: {sentence}"
    return "; ".join(f"{h}: {c}" if h else c for h, c in zip(header, cells, strict=False) if c)


# "**bold**", "__bold__", "`code`", "*emphasis*": marks around words, not a multiplication ("500M * 5")
_MARKS = re.compile(r"\*\*|__|`|(?<![\w*])\*(?=[^\s*])|(?<=[^\s*])\*(?![\w*])")


# "**Cost check (large model on every turn)**" alone on its line: a heading
_BOLD_LINE = re.compile(r"^(\s*)\*\*([^*\n]+)\*\*(:?\s*)$", re.M)


def unmarked(text: str) -> str:
    """`text` with Markdown emphasis and code marks blanked out, its length kept; a line in bold alone is
    written as the heading it is."""
    text = _BOLD_LINE.sub(lambda m: f"{m[1]}# {m[2]}  {m[3]}", text)
    return _MARKS.sub(lambda m: " " * len(m.group()), text)


class _Quoted(Protocol):
    quote: str

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False) -> Self: ...


Q = TypeVar("Q", bound=_Quoted)


def quoted_as_written(errors: list[Q], plain: str, answer: str) -> list[Q]:
    """`errors` found in `plain` (the answer unmarked, or with words it does not claim blanked) with their quotes
    taken from `answer` as written; a quote that starts where a blanked part ended loses its leading comma."""
    out = []
    for e in errors:
        quote = e.quote.lstrip(" ,;:")
        at = plain.find(quote) if quote else -1
        out.append(e if at < 0 else e.model_copy(update={"quote": answer[at : at + len(quote)]}))
    return out
