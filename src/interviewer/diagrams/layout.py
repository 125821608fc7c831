"""A layered, left-to-right placement of a diagram's components, for drawing it without a drawing tool.

Each component goes in the layer after the furthest component that flows into it (cycles are broken at the
flow that closes them), so requests read left to right; within a layer, components sit near the middle of
the components that feed them. The whiteboard places a restored diagram this way, and the SVG renderer
draws every diagram this way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from interviewer.diagrams.model import Diagram


@dataclass(frozen=True)
class Slot:
    """Where a component sits: its layer (column) and its row within the layer, counted from 0."""

    layer: int
    row: int


def forward_flows(diagram: Diagram) -> set[tuple[str, str]]:
    """The flows kept when the diagram is read as a graph without cycles: a depth-first walk in the order
    components were drawn drops each flow that leads back to a component still being walked."""
    successors: dict[str, list[str]] = {c.id: [] for c in diagram.components}
    for f in diagram.flows:
        if f.source != f.target and f.target not in successors[f.source]:
            successors[f.source].append(f.target)
    kept: set[tuple[str, str]] = set()
    state: dict[str, int] = {}  # 1 while walking a component's successors, 2 once done

    def walk(node: str) -> None:
        state[node] = 1
        for nxt in successors[node]:
            if state.get(nxt) == 1:
                continue  # closes a cycle
            kept.add((node, nxt))
            if nxt not in state:
                walk(nxt)
        state[node] = 2

    has_input = {f.target for f in diagram.flows if f.source != f.target}
    roots = [c.id for c in diagram.components if c.id not in has_input]
    for start in [*roots, *(c.id for c in diagram.components)]:
        if start not in state:
            walk(start)
    return kept


def layered(diagram: Diagram) -> dict[str, Slot]:
    """Each component's layer and row."""
    ids = [c.id for c in diagram.components]
    edges = forward_flows(diagram)
    layer: dict[str, int] = dict.fromkeys(ids, 0)
    # Longest path from a source, by relaxing in rounds; the graph has no cycles, so len(ids) rounds suffice.
    for _ in range(len(ids)):
        changed = False
        for source, target in edges:
            if layer[target] < layer[source] + 1:
                layer[target] = layer[source] + 1
                changed = True
        if not changed:
            break
    columns: dict[int, list[str]] = {}
    for cid in ids:
        columns.setdefault(layer[cid], []).append(cid)
    row: dict[str, float] = {}
    for index in sorted(columns):
        members = columns[index]
        centres = {}
        for order, cid in enumerate(members):
            feeders = [row[s] for s, t in edges if t == cid and s in row]
            centres[cid] = (sum(feeders) / len(feeders) if feeders else float(len(members)), order)
        members.sort(key=centres.__getitem__)
        for i, cid in enumerate(members):
            row[cid] = float(i)
    return {cid: Slot(layer[cid], int(row[cid])) for cid in ids}


def positions(
    diagram: Diagram, *, column: float = 240.0, line: float = 110.0, origin: tuple[float, float] = (0.0, 0.0)
) -> Mapping[str, tuple[float, float]]:
    """Top-left corners for each component, `column` apart between layers and `line` apart within one,
    each layer centred on the tallest."""
    slots = layered(diagram)
    height = 1 + max((s.row for s in slots.values()), default=0)
    per_layer: dict[int, int] = {}
    for s in slots.values():
        per_layer[s.layer] = max(per_layer.get(s.layer, 0), s.row + 1)
    x0, y0 = origin
    return {
        cid: (x0 + s.layer * column, y0 + (s.row + (height - per_layer[s.layer]) / 2) * line)
        for cid, s in slots.items()
    }
