"""The extractive answer's raw material: a chunk read as units a learner can read, and the passage that answers.

`units_of` reads a chunk's Markdown as a reader sees it: paragraphs split into sentences, each list item whole
(with its continuation lines; an item of a list nested in it is an item of its own, one level deeper), each
table row whole and labelled with its column headings, a short code block whole (a command or a few lines of
configuration often is the answer; longer ones are left out), bare link lists left out, and every unit free
of markup (no `*emphasis*`, link syntax, HTML tags or entities).

`passage` picks, from one chunk's scored units, the ones that answer: the best unit, what it leans on, the
lead-in of its list, and the units around it that score nearly as well, in the chunk's order. A unit that
mostly repeats the question's own words (a restated question, a heading-like line) is never the answer when
the line after it gives the guidance; a sentence that states a problem brings the remedy the next sentence
gives ("To fix this...", "Use..."); a lead-in ending in a colon brings what it introduces, as much of a
list as fits a word budget; and a code block brings the sentence after it, which in a tutorial says what the
code gives ("The result is 0.975").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from interviewer.notes.lexical import lexical_tokens
from interviewer.notes.markup import readable

UnitKind = Literal["sentence", "item", "row", "code"]

_BULLET = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[“]?[A-Z0-9])")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_LINK_ONLY = re.compile(r"^\s*\[[^\]]*\]\([^)]*\)\s*[.,;]?\s*$")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_LEANS_BACK = re.compile(
    r"^(this|that|these|those|it|its|they|their|them|such|otherwise|then|he|she|both|the latter|the former"
    r"|also|however|but|so|thus|therefore|instead)\b",
    re.IGNORECASE,
)
_NESTED_BULLET = re.compile(r"^\s+(?:[-*+]|\d{1,3}[.)])\s+")
# The sentence after a problem that gives its remedy.
_REMEDY = re.compile(
    r"^(?:to (?:fix|avoid|solve|prevent|work around|overcome|mitigate|address)|the (?:fix|solution|remedy|"
    r"workaround|trick|cure|answer)|one (?:way|solution|fix)|instead|you (?:can|should|need|must|could|may)|"
    r"use|set|add|make sure|try|consider|always|never|do not|don't|avoid|prefer|switch|enable|disable)\b",
    re.IGNORECASE,
)
# A question that asks what to do about something, and a sentence that states a problem.
_ASKS_REMEDY = re.compile(
    r"^\s*(?:how (?:can|could|do|does|should|would|to|is|are)|what (?:can|could|should|do) (?:i|we|one|you)"
    r"|is there (?:a|any) way|can (?:i|we|one))\b",
    re.IGNORECASE,
)
_PROBLEM = re.compile(
    r"\b(?:can't|cannot|can not|unable|nobody|no one|problems?|issues?|hangs?|hanging|stuck|fails?|failing|"
    r"crash(?:es)?|won't|doesn't|don't|isn't|aren't|not|never|without|run(?:s|ning)? out|out of memory|"
    r"lose|loses|lost|difficult|hard to|too (?:slow|large|big|much|many|long))\b",
    re.IGNORECASE,
)
_REMEDY_REACH = 3  # the units of the next paragraph a problem stated at the end of its own brings
# A sentence after a code block that reports what it gives.
_RESULT = re.compile(
    r"\d|\b(?:results?|returns?|outputs?|prints?|shows?|gives?|reports?|you(?:'ll| will| should) (?:see|get)"
    r"|you get)\b",
    re.IGNORECASE,
)
_RESULT_REACH = 3  # how many units after a code block its result may come
_MAX_WORDS = 120
_MAX_CODE_LINES = 8
_MAX_CODE_CHARS = 400
_LIST_WORDS = 150  # the words a lead-in's list may bring, however many items that is


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t").replace("\t", "    "))


@dataclass(frozen=True)
class Unit:
    """One readable piece of a chunk: a sentence, a list item or a table row, without markup."""

    text: str
    kind: UnitKind
    block: int  # units of one paragraph, list or table share a block
    position: int  # order in the chunk
    depth: int = 0  # a list item's nesting: 0 for a top-level item, 1 for an item under it, ...


def render(units: Sequence[Unit]) -> list[str]:
    """The passage's lines: sentences of one paragraph joined (with "…" where one was left out), each list
    item (as "- item", indented two spaces a level under the passage's shallowest item) and table row on its
    own line. An empty line comes before a new paragraph and each table row, as Markdown needs to keep them
    apart (a bold line standing as a heading would otherwise run into the paragraph before it, a paragraph
    after a list would join its last item, and a table's rows would read as one sentence)."""
    lines: list[str] = []
    previous: Unit | None = None
    top = min((unit.depth for unit in units if unit.kind == "item"), default=0)
    for unit in units:
        if previous is not None and (
            unit.kind == "row"
            or (unit.kind == "sentence" and (previous.kind != "sentence" or previous.block != unit.block))
        ):
            lines.append("")
        if unit.kind == "code":
            lines.append(f"```\n{unit.text}\n```")
        elif unit.kind == "item":
            lines.append(f"{'  ' * (unit.depth - top)}- {unit.text}")
        elif (
            unit.kind == "row"
            or previous is None
            or previous.block != unit.block
            or previous.kind != "sentence"
        ):
            lines.append(unit.text)
        else:
            gap = " … " if unit.position > previous.position + 1 else " "
            lines[-1] += gap + unit.text
        previous = unit
    return lines


def units_of(text: str) -> list[Unit]:
    """The readable units of a chunk's text, in order."""
    builder = _Builder()
    in_code = False
    code: list[str] = []
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped.startswith(("```", "~~~")):
            builder.end_block()
            if in_code:
                builder.code(code)
            in_code, code = not in_code, []
            continue
        if in_code:
            code.append(raw.rstrip())
            continue
        if not stripped or stripped.startswith("#"):
            builder.end_block()
            continue
        if stripped.startswith("|"):
            builder.table_row(stripped)
            continue
        if _BULLET.match(raw) and not raw.startswith(("    ", "\t")):
            builder.item(_BULLET.sub("", raw), _indent(raw))
            continue
        if _NESTED_BULLET.match(raw):
            # An item of a list inside an item (or of one whose first items the chunk does not hold).
            builder.item(_NESTED_BULLET.sub("", raw), _indent(raw))
            continue
        if builder.open_item and raw[:1].isspace():
            builder.continue_item(stripped)
            continue
        builder.prose(stripped.lstrip("> ").strip())
    builder.end_block()
    return builder.units


class _Builder:
    def __init__(self) -> None:
        self.units: list[Unit] = []
        self.block = 0
        self.kind: str | None = None
        self.paragraph: list[str] = []
        self.item_parts: list[str] = []
        self.header: list[str] = []
        self.open_item = False
        self.indents: list[int] = []  # the indentation of each list level open above the current item
        self.depth = 0

    def _start(self, kind: str) -> None:
        if self.kind != kind:
            self.end_block()
            self.kind = kind

    def end_block(self) -> None:
        self._flush_paragraph()
        self._flush_item()
        if self.kind is not None:
            self.block += 1
        self.kind = None
        self.header = []
        self.indents = []

    def _add(self, text: str, kind: UnitKind) -> None:
        words = text.split()
        if (len(words) >= 3 or text.endswith(":")) and any(ch.isalpha() for ch in text):
            if len(words) > _MAX_WORDS:
                text = " ".join(words[:_MAX_WORDS]) + " …"
            depth = self.depth if kind == "item" else 0
            self.units.append(Unit(text, kind, self.block, len(self.units), depth))

    def prose(self, line: str) -> None:
        self._flush_item()
        parts = _BREAK.split(line)
        for part in parts:
            if not readable(part):
                continue  # layout-only HTML
            self._start("prose")
            self.paragraph.append(part)
            if len(parts) > 1:
                self._flush_paragraph()  # lines broken by <br> are read as lines

    def _flush_paragraph(self) -> None:
        if self.paragraph:
            for sentence in _SPLIT.split(readable(" ".join(self.paragraph))):
                self._add(sentence, "sentence")
            self.paragraph = []

    def item(self, text: str, indent: int = 0) -> None:
        self._start("list")
        self._flush_item()
        while self.indents and indent < self.indents[-1]:
            self.indents.pop()
        if not self.indents or indent > self.indents[-1]:
            self.indents.append(indent)
        self.depth = len(self.indents) - 1
        if _LINK_ONLY.match(text):
            return  # a reading list or table of contents entry
        self.item_parts = [text]
        self.open_item = True

    def continue_item(self, text: str) -> None:
        self.item_parts.append(text)

    def _flush_item(self) -> None:
        if self.item_parts:
            self._add(readable(" ".join(self.item_parts)), "item")
        self.item_parts = []
        self.open_item = False

    def code(self, lines: list[str]) -> None:
        """A short code block, kept whole and verbatim; a long one is not an answer a reader can take in."""
        body = "\n".join(lines).strip("\n")
        if body.strip() and len(lines) <= _MAX_CODE_LINES and len(body) <= _MAX_CODE_CHARS:
            self.units.append(Unit(body, "code", self.block, len(self.units)))
            self.block += 1

    def table_row(self, line: str) -> None:
        self._start("table")
        if _TABLE_RULE.match(line):
            return
        cells = [readable(cell) for cell in line.strip().strip("|").split("|")]
        if not self.header:
            self.header = cells
            return
        labelled = [
            f"{name}: {cell}" if name and name != cell else cell
            for name, cell in zip([*self.header, *[""] * len(cells)], cells, strict=False)
            if cell
        ]
        self._add("; ".join(labelled), "row")


# --------------------------------------------------------------------------------------------------
# The passage that answers


def restates(unit: Unit, question: str) -> bool:
    """Whether `unit` mostly repeats the question's own words (or is itself a question).

    It does when it is a sentence that asks a question, or when none of its words, or under a fifth of
    them, are not the question's. A lead-in ending with a colon never does: what it introduces answers.
    """
    text = unit.text.rstrip()
    if text.endswith(":"):
        return False  # a lead-in: what it introduces answers
    words = set(lexical_tokens(text))
    if not words:
        return True
    new = words - set(lexical_tokens(question))
    asks = text.endswith("?") and unit.kind == "sentence"  # a checklist item may be a question
    return asks or not new or len(new) / len(words) < 0.2


def passage(
    units: Sequence[Unit], scores: Sequence[float], question: str, *, max_units: int = 5, near: float = 0.75
) -> list[Unit]:
    """The units of one chunk that answer `question`, in the chunk's order (`scores` align with `units`)."""
    if not units:
        return []
    order = sorted(range(len(units)), key=lambda i: -scores[i])
    best = order[0]
    # A restated question is not the answer when the line after it gives the guidance.
    while restates(units[best], question) and best + 1 < len(units):
        best += 1
    chosen = {best}
    anchor = units[best]
    if best > 0 and _LEANS_BACK.match(anchor.text) and units[best - 1].block == anchor.block:
        chosen.add(best - 1)
    if anchor.text.rstrip().endswith(":"):
        # A lead-in is no answer without what it introduces: the items or sentences after it.
        chosen.update(_introduced(units, best, max_units))
    elif anchor.kind in ("item", "row"):
        lead = _lead_in(units, best)
        if lead is not None:
            chosen.add(lead)
            if anchor.depth and units[lead].kind == "item":
                # One item of a nested list answers with its fellow items under the same lead-in.
                for i in _fellow_items(units, lead, anchor.depth):
                    if len(chosen) >= max_units:
                        break
                    chosen.add(i)
    elif best + 1 < len(units) and units[best + 1].block == anchor.block:
        next_unit = units[best + 1]
        if (
            _LEANS_BACK.match(next_unit.text)
            or _REMEDY.match(next_unit.text)
            or scores[best + 1] >= near * scores[best]
        ):
            chosen.add(best + 1)
    elif best + 1 < len(units) and units[best + 1].kind == "code" and anchor.kind == "sentence":
        chosen.add(best + 1)  # "...add this to the job script" followed by the lines to add
    elif (
        best + 1 < len(units)
        and anchor.kind == "sentence"
        and units[best + 1].kind == "sentence"
        and _ASKS_REMEDY.match(question)
        and _PROBLEM.search(anchor.text)
    ):
        # A problem that ends its paragraph, asked how to deal with: what to do is the next paragraph.
        block = units[best + 1].block
        chosen.update(
            i for i in range(best + 1, min(len(units), best + 1 + _REMEDY_REACH)) if units[i].block == block
        )
    floor = near * scores[order[0]]
    for i in order[1:]:
        if len(chosen) >= max_units:
            break
        if scores[i] >= floor and not restates(units[i], question):
            chosen.add(i)
    # A code block brings the sentence after it that says what it gives ("The result is 0.975").
    for i in sorted(chosen):
        if units[i].kind == "code":
            result = result_after(units, i)
            if result is not None:
                chosen.add(result)
    # A lead-in chosen for its score brings what it introduces. When the chunk ends on it, it stays: it tells
    # the reader the section goes on, and the citation opens it.
    for i in sorted(chosen):
        if (
            i != best
            and i + 1 not in chosen
            and units[i].text.rstrip().endswith(":")
            and units[i].kind != "code"
        ):
            chosen.update(_introduced(units, i, max_units))
    return [units[i] for i in sorted(chosen)]


def result_after(units: Sequence[Unit], code: int) -> int | None:
    """The sentence that says what the code block `units[code]` gives: the first of the next few units that is
    a sentence holding a number or speaking of a result ("The result is 0.975", "The accuracy is good at over
    80%!"), before any other code block."""
    for i in range(code + 1, min(len(units), code + 1 + _RESULT_REACH)):
        if units[i].kind == "code":
            return None
        if units[i].kind == "sentence" and _RESULT.search(units[i].text):
            return i
    return None


def _introduced(units: Sequence[Unit], lead: int, max_units: int) -> list[int]:
    """What the lead-in `units[lead]` introduces: the list, table or code block after it (as many items as
    fit in `_LIST_WORDS` words, at least `max_units - 1`), or the sentences after it."""
    after = lead + 1
    if after >= len(units):
        return []
    kind = units[after].kind
    # an item ending in a colon introduces the items nested under it (in a flat list, the items after it)
    nested = units[lead].kind == "item" and units[after].depth > units[lead].depth
    if kind in ("item", "row", "code"):
        found: list[int] = []
        words = 0
        # a loose list (blank lines between its items) is one list all the same; one code block at most
        while after < len(units) and units[after].kind == kind and not (kind == "code" and found):
            if nested and units[after].depth <= units[lead].depth:
                break
            words += len(units[after].text.split())
            if found and len(found) >= max_units - 1 and words > _LIST_WORDS:
                break
            found.append(after)
            after += 1
        return found
    return list(range(after, min(len(units), after + max_units - 1)))


def _fellow_items(units: Sequence[Unit], parent: int, depth: int) -> list[int]:
    """The items `depth` deep under the item `units[parent]`, in order."""
    found = []
    for i in range(parent + 1, len(units)):
        unit = units[i]
        if unit.kind != "item" or unit.block != units[parent].block or unit.depth < depth:
            break
        if unit.depth == depth:
            found.append(i)
    return found


def _lead_in(units: Sequence[Unit], index: int) -> int | None:
    """The sentence that introduces the list or table `units[index]` belongs to, if one ends with a colon."""
    depth = units[index].depth
    if depth:
        for above in range(index - 1, -1, -1):
            unit = units[above]
            if unit.block != units[index].block or unit.kind != "item":
                break
            if unit.depth < depth:
                return above if unit.text.rstrip().endswith(":") else None
    block = units[index].block
    first = index
    while first > 0 and units[first - 1].block == block:
        first -= 1
    if first > 0 and units[first - 1].kind == "sentence" and units[first - 1].text.rstrip().endswith(":"):
        return first - 1
    return None


def continued(lead: Unit, following: Sequence[Unit], max_units: int, depth: int = 0) -> list[Unit]:
    """What a lead-in that ends its chunk introduces, from the section's next chunk (`following`, its units):
    the list, table or code block that comes first after the lead-in, renumbered to follow it and with its
    list items from `depth` down (the depth the passage's own items sit at)."""
    start = next((i + 1 for i, u in enumerate(following) if u.text == lead.text), 0)
    if start >= len(following) or following[start].kind == "sentence":
        return []
    probe = [lead, *following[start:]]
    picked = [probe[i] for i in _introduced(probe, 0, max_units)]
    top = min((u.depth for u in picked if u.kind == "item"), default=0)
    return [
        Unit(u.text, u.kind, lead.block + 1 + u.block, lead.position + 1 + n, depth + u.depth - top)
        for n, u in enumerate(picked)
    ]
