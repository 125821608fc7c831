"""Text from users and models, made safe to render as Markdown: shown as typed, or with its emphasis kept but
never a link, an image, raw HTML or an entity."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

_INLINE_SYNTAX = re.compile(r"([\\`*_\[\]<>~$|&])")
_LINE_START_SYNTAX = re.compile(r"^(\s{0,3})(\d+)?([#>=+.)-])", re.MULTILINE)
_LINK_SYNTAX = re.compile(r"([\\\[\]<>&])")
_CITATION = re.compile(r"\\\[(\d{1,3})\\\](?![(\[:])")
_BARE_URL = re.compile(r"(?<=:)//|(?<=\bwww)\.|@", re.IGNORECASE)
_SOFT_BREAK = re.compile(r"[ \t]*(?<!\n)\n(?!\n)")
WORD_JOINER = "\u2060"
"""Invisible, and it keeps `http://`, `www.` and `name@host` from being found as links: Markdown finds bare URLs in the
text after escapes are read, so only a character that is not part of a URL stops it."""


def plain(text: str) -> str:
    """`text` escaped so that Markdown shows it as typed: no emphasis, links, images, HTML, colours, maths,
    headings or lists. For whatever a user wrote (answers, questions, look-ups, a URL's query values).

    Only what would start markup is escaped, so an ordinary sentence reads the same in the page source."""
    escaped = _INLINE_SYNTAX.sub(r"\\\1", text)
    escaped = _LINE_START_SYNTAX.sub(lambda m: m.group(1) + (m.group(2) or "") + "\\" + m.group(3), escaped)
    # a line break typed inside a paragraph (pasted notes, a table's rows) stays a line break
    escaped = _SOFT_BREAK.sub("  \n", escaped)
    return _BARE_URL.sub(lambda m: WORD_JOINER + m.group(0), escaped)


def safe_markdown(text: str) -> str:
    """`text` from a model or from notes, keeping its emphasis, lists, code and citation markers (`[1]`) but
    never a link, an image (which the browser would load from anywhere), raw HTML or an entity: they show as
    the text they are."""
    escaped = _LINK_SYNTAX.sub(r"\\\1", text)
    escaped = _BARE_URL.sub(lambda m: WORD_JOINER + m.group(0), escaped)  # a bare URL is not made a link
    return _CITATION.sub(r"[\1]", escaped)


STREAM_HOLD = 16
"""Characters of a streamed reply held back until the next piece shows what follows them (`[1]` then `(`)."""


def safe_stream(pieces: Iterable[str]) -> Iterator[str]:
    """`safe_markdown` over a streamed reply: what is yielded, joined, is `safe_markdown` of the whole."""
    raw, sent = "", ""
    for piece in pieces:
        raw += piece
        safe = safe_markdown(raw)
        ready = safe[: max(len(sent), len(safe) - STREAM_HOLD)]
        if ready.startswith(sent) and len(ready) > len(sent):
            yield ready[len(sent) :]
            sent = ready
    safe = safe_markdown(raw)
    if safe.startswith(sent) and len(safe) > len(sent):
        yield safe[len(sent) :]
