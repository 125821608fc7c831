"""Markdown as a reader sees it: what a rendered note hides, and its text without markup.

`hide_invisible` blanks what a reader of the rendered note never sees (HTML comments, `<script>`, `<style>`
and `<head>` elements, YAML front matter, link reference definitions) while keeping the line count, so
line numbers still point into the file. Code blocks are left as written: a comment inside one is shown.
`plain_text` is the text the embedder and BM25 see; `clean_heading` a heading as a reader sees it.
"""

from __future__ import annotations

import html
import re

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_HIDDEN_ELEMENT = re.compile(r"<(script|style|head)\b[^>]*>.*?(?:</\1\s*>|\Z)", re.DOTALL | re.IGNORECASE)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?:.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_LINK_DEFINITION = re.compile(
    r"^ {0,3}\[[^\]\n]+\]:[ \t]*<?\S+>?(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?[ \t]*$"
)

# An HTML tag: a name, then attributes whose quoted values may hold `>`. "a < b and c > d" is not one.
TAG = re.compile(r"</?[A-Za-z][\w:-]*(?:\s(?:[^<>\"']|\"[^\"]*\"|'[^']*')*)?/?>")
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
URL = re.compile(r"<?https?://[^\s)>]+>?")
# "### Why SVR? [^1]": a footnote reference renders as a small number, not as its label
FOOTNOTE = re.compile(r"\s?\[\^[^\]\s]+\](?!:)")


def _blank(match: re.Match[str]) -> str:
    """The matched text replaced by as many line breaks as it spanned."""
    return "\n" * match.group(0).count("\n")


def hide_invisible(text: str) -> str:
    """`text` without what its rendering hides, each hidden span replaced by its line breaks."""
    text = _FRONT_MATTER.sub(_blank, text, count=1)
    out: list[str] = []
    prose: list[str] = []

    def flush() -> None:
        if prose:
            block = "\n".join(prose)
            block = _HIDDEN_ELEMENT.sub(_blank, _COMMENT.sub(_blank, block))
            out.extend("" if _LINK_DEFINITION.match(line) else line for line in block.split("\n"))
            prose.clear()

    fence: str | None = None
    in_comment = False
    for line in text.split("\n"):
        match = _FENCE.match(line)
        if fence is not None:
            out.append(line)
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            continue
        if match and not in_comment:
            flush()
            fence = match.group(1)
            out.append(line)
            continue
        prose.append(line)
        in_comment = _ends_in_comment(line, in_comment)
    flush()
    return "\n".join(out)


def _ends_in_comment(line: str, in_comment: bool) -> bool:
    """Whether an HTML comment is open at the end of `line`, given whether one was open at its start."""
    position = 0
    while True:
        if in_comment:
            end = line.find("-->", position)
            if end < 0:
                return True
            in_comment, position = False, end + 3
        else:
            start = line.find("<!--", position)
            if start < 0:
                return False
            in_comment, position = True, start + 4


def plain_text(text: str) -> str:
    """Text as the embedder and BM25 see it: link text without its URL, no images or HTML tags.

    URLs carry many wordpieces and little meaning, so dropping them leaves room for the words.
    """
    text = IMAGE.sub("", text)
    text = LINK.sub(r"\1", text)
    text = TAG.sub(" ", text)
    text = FOOTNOTE.sub("", text)
    return URL.sub("", text)


def clean_heading(raw: str) -> str:
    """Heading text as a reader sees it: no `#`, emphasis, link syntax, footnote marks or HTML."""
    text = FOOTNOTE.sub("", LINK.sub(r"\1", raw))
    text = TAG.sub("", text)
    for _ in range(2):
        text = EMPHASIS.sub(r"\2", text)
    return " ".join(text.split())


_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS_STAR = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
_EMPHASIS_UNDERSCORE = re.compile(r"(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])")
_CODE_SPAN = re.compile(r"`+([^`]*)`+")
_STRIKE = re.compile(r"~~(.+?)~~")
_REFERENCE_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_STRAY = re.compile(r"<!--|-->")


def readable(text: str) -> str:
    """Text as a reader of the rendered note sees it: no emphasis, code marks, links, tags or entities."""
    text = IMAGE.sub("", text)
    text = LINK.sub(r"\1", text)
    text = _REFERENCE_LINK.sub(r"\1", text)
    text = FOOTNOTE.sub("", text)
    text = TAG.sub(" ", text)
    text = URL.sub(lambda m: m.group(0).strip("<>"), text)
    text = _CODE_SPAN.sub(r"\1", text)
    text = _STRIKE.sub(r"\1", text)
    for _ in range(2):
        text = _STRONG.sub(r"\2", text)
        text = _EMPHASIS_STAR.sub(r"\1", text)
        text = _EMPHASIS_UNDERSCORE.sub(r"\1", text)
    text = html.unescape(text)
    text = _STRAY.sub(" ", text)
    return " ".join(text.split())
