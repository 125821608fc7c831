"""The whiteboard's drawing component (React Flow, through `streamlit-flow-component`) and `Diagram`, both ways.

The component takes and returns plain dictionaries: nodes (`id`, `position`, `data`, `style`, ...) and edges
(`id`, `source`, `target`, `label`, ...). This is the one place that knows that shape: `to_flow` turns a
diagram and where its boxes sit into nodes and edges, `from_flow` reads them back. A node's `data` keeps
the label and kind as written (`title`, `kind`) beside the Markdown the component shows (`content`); the
component may hand back nodes it created itself (with `content` only) or a relabelled node, and both read
back as the candidate wrote them.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from interviewer.diagrams.model import KINDS, Component, Diagram, Flow, Kind
from interviewer.diagrams.svg import FILL, INK

Position = tuple[float, float]
MAX_LABEL = 120
MAX_ID = 64
UNNAMED = "(unnamed)"
# Characters Markdown (with HTML, maths and tables, as the component renders it) would read as markup.
_MARKUP = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$^=:>])")
NODE_BORDER: dict[Kind, str] = {
    "client": "2px solid #1e88e5",
    "service": "2px solid #3949ab",
    "store": "2px solid #ef6c00",
    "queue": "2px dashed #8e24aa",
    "cache": "3px double #00838f",
    "model": "2px solid #d81b60",
    "pipeline": "2px solid #43a047",
    "other": "1px solid #78909c",
}
NODE_RADIUS: dict[Kind, str] = {"client": "18px", "store": "14px / 26px", "model": "4px"}


@dataclass(frozen=True)
class FlowState:
    """What the component draws: nodes and edges as it takes them."""

    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]


def label_markdown(label: str) -> str:
    """`label` as Markdown that shows exactly these characters: no HTML, links, emphasis or maths."""
    return _MARKUP.sub(r"\\\1", html.escape(label, quote=True))


def node_content(label: str, kind: Kind) -> str:
    """What a box shows: its label in bold, its kind small underneath."""
    return f"**{label_markdown(label)}**<br/><small>{kind}</small>"


def node_style(kind: Kind) -> dict[str, str]:
    return {
        "background": FILL[kind],
        "border": NODE_BORDER[kind],
        "borderRadius": NODE_RADIUS.get(kind, "6px"),
        "color": INK,
        "width": "170px",
        "height": "auto",
        "padding": "2px 8px",
        "textAlign": "center",
        "fontSize": "13px",
    }


def edge_id(flow: Flow, index: int) -> str:
    return f"{flow.source}->{flow.target}#{index}"


def to_flow(diagram: Diagram, positions: Mapping[str, Position]) -> FlowState:
    """Nodes and edges for `diagram`, each box at its position (the origin when it has none)."""
    nodes = []
    for c in diagram.components:
        x, y = positions.get(c.id, (0.0, 0.0))
        nodes.append(
            {
                "id": c.id,
                "position": {"x": float(x), "y": float(y)},
                "data": {"content": node_content(c.label, c.kind), "title": c.label, "kind": c.kind},
                "type": "default",
                "sourcePosition": "right",
                "targetPosition": "left",
                "hidden": False,
                "selected": False,
                "dragging": False,
                "draggable": True,
                "selectable": True,
                "connectable": True,
                "resizing": False,
                "deletable": True,
                "zIndex": 0,
                "focusable": True,
                "style": node_style(c.kind),
            }
        )
    edges = []
    for i, f in enumerate(diagram.flows):
        edges.append(
            {
                "id": edge_id(f, i),
                "source": f.source,
                "target": f.target,
                "type": "default",
                "markerStart": {},
                "markerEnd": {"type": "arrowclosed", "width": 18, "height": 18},
                "hidden": False,
                "animated": False,
                "selected": False,
                "deletable": True,
                "focusable": True,
                "zIndex": 0,
                "label": f.label,
                "labelStyle": {"fontSize": "12px"},
                "labelShowBg": True,
                "labelBgStyle": {"fill": "#ffffff"},
                "style": {"strokeWidth": 1.5},
            }
        )
    return FlowState(nodes, edges)


def _clean(text: str, limit: int) -> str:
    return " ".join(str(text).split())[:limit].strip()


def _component_id(raw: Any) -> str:
    """The component's own node ids are kept; one too long for a `Component` is shortened by its hash."""
    text = str(raw).strip() or "node"
    if len(text) <= MAX_ID:
        return text
    return f"{text[: MAX_ID - 13]}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:12]}"


_SHOWN = re.compile(
    r"\s*\*\*(?P<label>.+?)\*\*\s*(?:<br\s*/?>)?\s*(?:<small>\s*(?P<kind>\w+)\s*</small>)?\s*", re.S
)
_ESCAPE = re.compile(r"\\(.)")


def _plain(markdown: str) -> str:
    """Text written as `label_markdown` writes it, back as typed."""
    return html.unescape(_ESCAPE.sub(r"\1", markdown))


def _label_and_kind(data: Mapping[str, Any], kind: Kind) -> tuple[str, Kind]:
    """The label and kind of a node. The component's edit dialog shows and edits the Markdown it draws
    (`**label**<br/><small>kind</small>`), so an edited one is read back from that; a node the component
    created holds what the candidate typed."""
    title = data.get("title")
    content = data.get("content")
    if isinstance(title, str) and title.strip() and (content is None or content == node_content(title, kind)):
        return _clean(title, MAX_LABEL) or UNNAMED, kind
    text = content if isinstance(content, str) else str(title or "")
    shown = _SHOWN.fullmatch(text)
    if shown:
        written = shown.group("kind")
        kind = next((k for k in KINDS if k == written), kind)
        text = shown.group("label")
    return _clean(_plain(text), MAX_LABEL) or UNNAMED, kind


def from_flow(
    nodes: Iterable[Mapping[str, Any]], edges: Iterable[Mapping[str, Any]]
) -> tuple[Diagram, dict[str, Position]]:
    """The diagram the component shows, and where each box sits.

    Repeated node ids keep their first node; edges whose ends are not on the board are dropped (the
    component removes a box before the arrows that touched it).
    """
    components: list[Component] = []
    where: dict[str, Position] = {}
    for node in nodes:
        cid = _component_id(node.get("id", ""))
        if cid in where:
            continue
        data = node.get("data") or {}
        label, kind = _label_and_kind(data, next((k for k in KINDS if k == data.get("kind")), "other"))
        components.append(Component(id=cid, label=label, kind=kind))
        position = node.get("position") or {}
        where[cid] = (float(position.get("x", 0.0)), float(position.get("y", 0.0)))
    flows = []
    for edge in edges:
        source, target = _component_id(edge.get("source", "")), _component_id(edge.get("target", ""))
        if source in where and target in where:
            flows.append(Flow(source=source, target=target, label=_clean(edge.get("label") or "", MAX_LABEL)))
    return Diagram(components=tuple(components), flows=tuple(flows)), where
