"""Mermaid flowcharts to and from a `Diagram`.

`parse_mermaid` reads the `flowchart`/`graph` subset a candidate writes on a whiteboard: node shapes, quoted
labels, chains (`A --> B --> C`), labelled arrows (`A -->|reads| B`, `A -- reads --> B`), dotted and thick
arrows, `&` groups and subgraphs (flattened). Styling lines (`classDef`, `class`, `style`, `linkStyle`,
`click`) and `%%` comments are ignored. Each component gets a kind from its shape and label (see
`diagrams.kinds`), or from a `:::kind` class, which `to_mermaid` writes so a diagram survives the round trip.

A problem raises `BadInput` naming the line, counted from `first_line` (so a block inside a longer answer is
reported at the answer's line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from interviewer.diagrams.kinds import kind_for
from interviewer.diagrams.model import KINDS, Component, Diagram, Flow, Kind
from interviewer.errors import BadInput

MAX_CHARS = 20_000
MAX_COMPONENTS = 200
MAX_FLOWS = 500

_HEADER = re.compile(r"^(?:flowchart|graph)(?:\s+(?:TD|TB|LR|RL|BT))?\s*;?\s*$", re.IGNORECASE)
_HEADER_WORD = re.compile(r"^(?:flowchart|graph)\b", re.IGNORECASE)
_OTHER_DIAGRAMS = re.compile(
    r"^(sequenceDiagram|classDiagram|stateDiagram(?:-v2)?|erDiagram|gantt|pie|journey|gitGraph|mindmap|"
    r"timeline|quadrantChart|requirementDiagram|C4Context|sankey-beta|xychart-beta|block-beta|architecture-beta)\b"
)
_IGNORED = re.compile(r"^(?:classDef|class|style|linkStyle|click|direction|accTitle|accDescr)\b")
_FRONT_MATTER = re.compile(r"^---\s*$")
_SUBGRAPH = re.compile(r"^subgraph\b(.*)$")
_END = re.compile(r"^end\s*;?\s*$")
_ID = re.compile(
    r"[A-Za-z0-9_\u00C0-\uFFFF]+(?:[-.](?=[A-Za-z0-9_\u00C0-\uFFFF])[A-Za-z0-9_\u00C0-\uFFFF]+)*"
)
_CLASS_SUFFIX = re.compile(r":::([\w-]+)")
_SHAPE_OBJECT = re.compile(r"@\{([^}]*)\}")

# Openers longest first, with their closers and the kind a shape implies (None: the label decides).
_SHAPES: tuple[tuple[str, str, Kind | None], ...] = (
    ("(((", ")))", None),
    ("([", "])", None),
    ("[(", ")]", "store"),
    ("[[", "]]", None),
    ("((", "))", None),
    ("{{", "}}", None),
    ("[/", "/]", None),
    ("[/", "\\]", None),
    ("[\\", "\\]", None),
    ("[\\", "/]", None),
    ("[", "]", None),
    ("(", ")", None),
    ("{", "}", None),
    (">", "]", None),
)
# New-style `A@{ shape: cyl, label: "Orders" }` shapes that imply a kind.
_SHAPE_NAMES: dict[str, Kind] = {"cyl": "store", "cylinder": "store", "db": "store", "database": "store"}

# Arrows. Plain ones first; then those with the label inside (`-- text -->`, `-. text .->`, `== text ==>`).
_PLAIN_ARROW = re.compile(
    r"(?P<back><)?(?:(?P<solid>-{2,}>|-{3,})|(?P<dotted>-\.+->|-\.+-)|(?P<thick>={2,}>|={3,})"
    r"|(?P<end>(?:--|==)[ox])(?![\w])|(?P<invisible>~{3,}))"
)
_TEXT_ARROW = re.compile(
    r"(?P<back><)?(?P<open>--|==|-\.)(?![->.=])\s*(?P<text>[^|\n]*?)\s*"
    r"(?P<close>-{2,}>|-{3,}|={2,}>|={3,}|\.+->|\.+-)"
)
_PIPE_LABEL = re.compile(r"\s*\|(?P<text>[^|]*)\|")


@dataclass
class _Node:
    id: str
    label: str | None = None
    shape_kind: Kind | None = None
    class_kind: Kind | None = None


@dataclass
class _Graph:
    nodes: dict[str, _Node] = field(default_factory=dict)
    flows: list[tuple[str, str, str]] = field(default_factory=list)
    subgraphs: set[str] = field(default_factory=set)


class _Problem(Exception):
    """A statement that cannot be read; the caller adds the line number."""


def parse_mermaid(text: str, *, first_line: int = 1) -> Diagram:
    """The `Diagram` a Mermaid flowchart describes. Raises `BadInput` naming the line of the first problem."""
    if len(text) > MAX_CHARS:
        raise BadInput(f"the diagram is too long ({len(text):,} characters; at most {MAX_CHARS:,})")
    graph = _Graph()
    depth = 0
    seen_header = False
    lines = text.splitlines()
    number = 0
    in_front_matter = False
    for offset, raw in enumerate(lines):
        number = first_line + offset
        line = _strip_comment(raw).strip()
        if not line:
            continue
        if not seen_header and _FRONT_MATTER.match(line):
            in_front_matter = not in_front_matter
            continue
        if in_front_matter:
            continue
        if not seen_header:
            seen_header = True
            if _HEADER.match(line):
                continue
            if _HEADER_WORD.match(line):
                raise _error(number, "the direction after `flowchart` must be one of TD, TB, LR, RL or BT")
            other = _OTHER_DIAGRAMS.match(line)
            if other:
                raise _error(
                    number,
                    f"this is a {other.group(1)}; only flowcharts (`flowchart LR` or `graph TD`) are read",
                )
            # A flowchart without its header line is read as one.
        for statement in _statements(line):
            try:
                depth = _statement(statement, graph, depth)
            except _Problem as problem:
                raise _error(number, str(problem)) from None
            if len(graph.nodes) > MAX_COMPONENTS:
                raise _error(number, f"too many components (at most {MAX_COMPONENTS})")
            if len(graph.flows) > MAX_FLOWS:
                raise _error(number, f"too many arrows (at most {MAX_FLOWS})")
    if depth > 0:
        raise _error(number or first_line, "a `subgraph` is not closed with `end`")
    return _diagram(graph)


def read_mermaid(path: Path) -> Diagram:
    """The diagram in a `.mmd` file (or a Markdown file holding a ```mermaid block)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise BadInput(f"cannot read the diagram file {path}: {exc.strerror}") from None
    found = find_fenced(text)
    if found.block is not None:
        return parse_mermaid(found.block, first_line=found.first_line)
    return parse_mermaid(text)


def _error(number: int, message: str) -> BadInput:
    return BadInput(f"Mermaid line {number}: {message}")


def _strip_comment(line: str) -> str:
    """The line without a `%%` comment (a `%%` inside quotes is kept)."""
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif not quoted and line.startswith("%%", i):
            return line[:i]
    return line


def _statements(line: str) -> list[str]:
    """A line split at `;` outside quotes and brackets."""
    parts: list[str] = []
    quoted, depth, start = False, 0, 0
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "[({":
            depth += 1
        elif not quoted and ch in "])}":
            depth = max(0, depth - 1)
        elif ch == ";" and not quoted and depth == 0:
            parts.append(line[start:i])
            start = i + 1
    parts.append(line[start:])
    return [p.strip() for p in parts if p.strip()]


def _statement(text: str, graph: _Graph, depth: int) -> int:
    if _END.match(text):
        if depth == 0:
            raise _Problem("`end` without a `subgraph` to close")
        return depth - 1
    sub = _SUBGRAPH.match(text)
    if sub:
        title = sub.group(1).strip()
        head = _ID.match(title)
        if head:
            graph.subgraphs.add(head.group(0))
        return depth + 1
    if _IGNORED.match(text):
        return depth
    _chain(text, graph)
    return depth


def _chain(text: str, graph: _Graph) -> None:
    """`A & B --> C -->|x| D`: node groups joined by arrows, every node of one group to every node of the next."""
    pos, group = _group(text, 0, graph)
    while True:
        pos = _skip_space(text, pos)
        if pos >= len(text):
            return
        arrow = _arrow(text, pos)
        if arrow is None:
            raise _Problem(f"expected an arrow such as `-->` at `{_excerpt(text, pos)}`")
        pos, label, back, visible = arrow
        pos = _skip_space(text, pos)
        if pos >= len(text):
            raise _Problem("an arrow needs a node after it")
        pos, following = _group(text, pos, graph)
        if visible:
            for source in group:
                for target in following:
                    graph.flows.append((source, target, label))
                    if back:
                        graph.flows.append((target, source, label))
        group = following


def _group(text: str, pos: int, graph: _Graph) -> tuple[int, list[str]]:
    ids: list[str] = []
    while True:
        pos = _skip_space(text, pos)
        pos, node_id = _node(text, pos, graph)
        ids.append(node_id)
        after = _skip_space(text, pos)
        if after < len(text) and text[after] == "&":
            pos = after + 1
            continue
        return pos, ids


def _node(text: str, pos: int, graph: _Graph) -> tuple[int, str]:
    match = _ID.match(text, pos)
    if match is None:
        raise _Problem(f"expected a node id at `{_excerpt(text, pos)}`")
    node_id = match.group(0)
    if node_id == "end":
        raise _Problem("`end` closes a subgraph and cannot name a node; call it something else")
    if len(node_id) > 64:
        raise _Problem(f"the node id `{node_id[:20]}...` is longer than 64 characters")
    pos = match.end()
    node = graph.nodes.get(node_id)
    if node is None:
        node = graph.nodes[node_id] = _Node(node_id)
    shape_object = _SHAPE_OBJECT.match(text, pos)
    if shape_object:
        _apply_shape_object(node, shape_object.group(1))
        pos = shape_object.end()
    else:
        for opener, closer, kind in _SHAPES:
            if text.startswith(opener, pos):
                start = pos + len(opener)
                label, end = _label(text, start, closer, opener)
                node.label, node.shape_kind = label, kind
                pos = end
                break
    klass = _CLASS_SUFFIX.match(text, pos)
    if klass:
        if klass.group(1) in KINDS:
            node.class_kind = klass.group(1)  # type: ignore[assignment]
        pos = klass.end()
    return pos, node_id


def _label(text: str, start: int, closer: str, opener: str) -> tuple[str, int]:
    """The label after an opener, quoted or not, and the position after its closer."""
    pos = _skip_space(text, start)
    if pos < len(text) and text[pos] == '"':
        close_quote = text.find('"', pos + 1)
        if close_quote < 0:
            raise _Problem('a quoted label is not closed with `"`')
        label = text[pos + 1 : close_quote]
        end = _skip_space(text, close_quote + 1)
        if not text.startswith(closer, end):
            raise _Problem(f"the shape `{opener}` is not closed with `{closer}`")
        return _clean_label(label), end + len(closer)
    end = text.find(closer, start)
    if end < 0:
        raise _Problem(f"the shape `{opener}` is not closed with `{closer}`")
    return _clean_label(text[start:end]), end + len(closer)


def _apply_shape_object(node: _Node, body: str) -> None:
    for part in re.split(r",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", body):
        key, _, value = part.partition(":")
        key, value = key.strip().lower(), value.strip().strip('"').strip("'")
        if key == "label":
            node.label = _clean_label(value)
        elif key == "shape":
            node.shape_kind = _SHAPE_NAMES.get(value.lower())


_TAGS = re.compile(r"<[^>]{0,40}>")
_ENTITIES = {"#quot;": '"', "#amp;": "&", "#lt;": "<", "#gt;": ">", "#35;": "#", "#59;": ";"}


def _clean_label(label: str) -> str:
    label = label.strip()
    if len(label) >= 2 and label[0] == label[-1] == '"':
        label = label[1:-1]
    label = re.sub(r"<br\s*/?>", " ", label, flags=re.IGNORECASE)
    label = _TAGS.sub("", label)
    for entity, char in _ENTITIES.items():
        label = label.replace(entity, char)
    label = label.strip().strip("`").replace("**", "").replace("__", "")
    label = " ".join(label.split())
    return label[:120]


def _arrow(text: str, pos: int) -> tuple[int, str, bool, bool] | None:
    """The arrow at `pos`: the position after it, its label, whether it points both ways, and whether it is
    drawn (`~~~` only places nodes)."""
    plain = _PLAIN_ARROW.match(text, pos)
    if plain:
        end = plain.end()
        label = ""
        pipe = _PIPE_LABEL.match(text, end)
        if pipe:
            label, end = _clean_label(pipe.group("text")), pipe.end()
        return end, label, bool(plain.group("back")), plain.group("invisible") is None
    worded = _TEXT_ARROW.match(text, pos)
    if worded:
        return worded.end(), _clean_label(worded.group("text")), bool(worded.group("back")), True
    return None


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _excerpt(text: str, pos: int) -> str:
    rest = text[pos:].strip()
    return rest[:30] + ("..." if len(rest) > 30 else "") if rest else text.strip()[-30:]


def _diagram(graph: _Graph) -> Diagram:
    components = []
    for node in graph.nodes.values():
        label = node.label or node.id
        kind = node.class_kind or kind_for(label, node.shape_kind)
        components.append(Component(id=node.id, label=label[:120], kind=kind))
    seen: set[tuple[str, str, str]] = set()
    flows = []
    for source, target, label in graph.flows:
        if source == target or (source, target, label) in seen:
            continue
        seen.add((source, target, label))
        flows.append(Flow(source=source, target=target, label=label[:120]))
    return Diagram(components=tuple(components), flows=tuple(flows))


# --- Fenced blocks and writing ----------------------------------------------------------------------

_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*mermaid\b[^\n]*$", re.MULTILINE | re.IGNORECASE
)


@dataclass(frozen=True)
class FencedBlock:
    """A ```mermaid block found in a longer text: the text without it, the block, and its first line."""

    text: str
    block: str | None
    first_line: int = 1


def find_fenced(text: str) -> FencedBlock:
    """The first ```mermaid block in `text` (an unclosed one runs to the end), with its line number."""
    opening = _FENCE.search(text)
    if opening is None:
        return FencedBlock(text, None)
    fence = opening.group("fence")
    body_start = opening.end() + 1 if opening.end() < len(text) else opening.end()
    closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", re.MULTILINE)
    close = closing.search(text, body_start)
    block = text[body_start : close.start()] if close else text[body_start:]
    after = text[close.end() :] if close else ""
    rest = (text[: opening.start()].rstrip() + "\n\n" + after.lstrip()).strip()
    first_line = text.count("\n", 0, body_start) + 1
    return FencedBlock(rest, block.rstrip("\n"), first_line)


def fenced_mermaid(text: str) -> tuple[str, str | None]:
    """`text` without its first ```mermaid block, and the block's contents (None when there is none)."""
    found = find_fenced(text)
    return found.text, found.block


def diagram_in(text: str) -> tuple[str, Diagram | None]:
    """The text without its ```mermaid block, and the block parsed; errors name the line within `text`."""
    found = find_fenced(text)
    if found.block is None:
        return text, None
    return found.text, parse_mermaid(found.block, first_line=found.first_line)


_SAFE_ID = re.compile(r"[^A-Za-z0-9_]+")
_WRITE_SHAPES: dict[Kind, tuple[str, str]] = {
    "client": ("([", "])"),
    "service": ("[", "]"),
    "store": ("[(", ")]"),
    "queue": ("[[", "]]"),
    "cache": ("[(", ")]"),
    "model": ("{{", "}}"),
    "pipeline": ("[/", "/]"),
    "other": ("(", ")"),
}


def to_mermaid(diagram: Diagram, direction: str = "LR") -> str:
    """A Mermaid flowchart of `diagram`; `parse_mermaid` reads it back to the same components and flows
    (ids made Mermaid-safe where needed, kinds kept as `:::kind` classes)."""
    ids: dict[str, str] = {}
    used: set[str] = set()
    for c in diagram.components:
        safe = _SAFE_ID.sub("_", c.id).strip("_") or "n"
        if safe == "end" or (safe[0].isdigit() and not c.id[0].isdigit()):
            safe = f"n_{safe}"
        base, i = safe, 2
        while safe in used:
            safe, i = f"{base}_{i}", i + 1
        used.add(safe)
        ids[c.id] = safe
    lines = [f"flowchart {direction}"]
    for c in diagram.components:
        opener, closer = _WRITE_SHAPES[c.kind]
        lines.append(f'    {ids[c.id]}{opener}"{_escape(c.label)}"{closer}:::{c.kind}')
    for f in diagram.flows:
        label = f'|"{_escape(f.label)}"|' if f.label else ""
        lines.append(f"    {ids[f.source]} -->{label} {ids[f.target]}")
    return "\n".join(lines) + "\n"


def _escape(text: str) -> str:
    return text.replace('"', "#quot;").replace("|", "/")
