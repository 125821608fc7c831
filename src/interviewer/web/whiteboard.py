"""The whiteboard: the architecture the candidate is drawing in this tab, before and after it is submitted.

Plain Python: the page draws it with the drawing component (`interviewer.web.flow_state` converts), and
its form controls call `add_box`, `add_arrow` and `remove_*`. What the candidate does inside the component
(moving, joining, relabelling, deleting boxes) comes back through `drawn`. `revision` counts the changes
the component must be drawn again for (those made here, and drawings made there, to show them in the
board's style); the page gives it a new key after each, and only then, so a box being dragged is never
reset by a rerun. After a refresh, the board starts from the interview's latest submitted drawing.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from interviewer.diagrams.layout import positions as layered_positions
from interviewer.diagrams.model import Component, Diagram, Flow, Kind
from interviewer.errors import BadInput
from interviewer.web.flow_state import MAX_ID, MAX_LABEL, FlowState, Position, from_flow, to_flow

GRID = (260.0, 110.0)  # where a new box goes: the first free cell of this grid, three to a row
COLUMNS = 3


def turn_diagram(meta: Mapping[str, Any]) -> Diagram | None:
    """The diagram a saved turn carries in its `meta`, if any."""
    raw = meta.get("diagram")
    return Diagram.model_validate(raw) if raw is not None else None


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[: MAX_ID - 4] or "box"


class Whiteboard:
    def __init__(self) -> None:
        self.diagram = Diagram()
        self.positions: dict[str, Position] = {}
        self.revision = 0
        self.submitted: Diagram | None = None  # the drawing last sent to the interviewer
        self._seen: float = 0.0  # the timestamp of the component's last update taken in
        self._name = uuid.uuid4().hex[:8]  # a board of another interview in this tab never shares a key

    # -- what the page draws ---------------------------------------------------------------------

    @property
    def key(self) -> str:
        """The component's widget key: a new one after each change it must be drawn again for."""
        return f"whiteboard-{self._name}-{self.revision}"

    def flow(self) -> FlowState:
        return to_flow(self.diagram, self.positions)

    @property
    def changed_since_submitted(self) -> bool:
        return not self.diagram.empty and self.diagram != self.submitted

    def box_labels(self) -> dict[str, str]:
        """Box id → label, for choosing a box in the form controls."""
        return {c.id: c.label for c in self.diagram.components}

    def arrow_labels(self) -> list[str]:
        """Each arrow in words, in drawing order, for choosing one to delete."""
        names = self.box_labels()
        return [
            f"{names[f.source]} → {names[f.target]}" + (f" ({f.label})" if f.label else "")
            for f in self.diagram.flows
        ]

    # -- changes made with the form controls -------------------------------------------------------

    def add_box(self, label: str, kind: Kind) -> Component:
        label = " ".join(label.split())[:MAX_LABEL]
        if not label:
            raise BadInput("give the box a label first")
        taken = {c.id for c in self.diagram.components}
        base = _slug(label)
        cid, n = base, 2
        while cid in taken:
            cid, n = f"{base}-{n}", n + 1
        component = Component(id=cid, label=label, kind=kind)
        self.positions[cid] = self._free_spot()
        self._set(Diagram(components=(*self.diagram.components, component), flows=self.diagram.flows))
        return component

    def add_arrow(self, source: str, target: str, label: str = "") -> Flow:
        names = self.box_labels()
        if source not in names or target not in names:
            raise BadInput("choose two boxes on the board for the arrow")
        flow = Flow(source=source, target=target, label=" ".join(label.split())[:MAX_LABEL])
        self._set(Diagram(components=self.diagram.components, flows=(*self.diagram.flows, flow)))
        return flow

    def remove_box(self, component_id: str) -> None:
        """Delete a box and the arrows that touch it."""
        self.positions.pop(component_id, None)
        self._set(
            Diagram(
                components=tuple(c for c in self.diagram.components if c.id != component_id),
                flows=tuple(f for f in self.diagram.flows if component_id not in (f.source, f.target)),
            )
        )

    def remove_arrow(self, index: int) -> None:
        flows = list(self.diagram.flows)
        if not 0 <= index < len(flows):
            raise BadInput("that arrow is no longer on the board")
        del flows[index]
        self._set(Diagram(components=self.diagram.components, flows=tuple(flows)))

    def clear(self) -> None:
        self.positions.clear()
        self._set(Diagram())

    def load(self, diagram: Diagram | None, positions: Mapping[str, Position] | None = None) -> None:
        """Start from `diagram` (a submitted one, after a refresh), laid out in layers unless placed."""
        diagram = diagram or Diagram()
        placed = dict(positions or {})
        auto = layered_positions(diagram, column=GRID[0], line=GRID[1], origin=(20.0, 20.0))
        self.positions = {c.id: placed.get(c.id, auto[c.id]) for c in diagram.components}
        self.submitted = diagram if not diagram.empty else None
        self._set(diagram)

    def mark_submitted(self) -> Diagram:
        if self.diagram.empty:
            raise BadInput("draw at least one box before submitting the drawing")
        self.submitted = self.diagram
        return self.diagram

    # -- changes made in the component ----------------------------------------------------------

    def drawn(
        self, nodes: Iterable[Mapping[str, Any]], edges: Iterable[Mapping[str, Any]], timestamp: float
    ) -> bool:
        """Take in the component's nodes and edges, unless they are older than what the board holds.

        Returns whether anything changed. A change to the drawing itself (a box or arrow added, deleted or
        relabelled there) also counts as a change made here, so the component is drawn again from the
        board, in the board's style (an arrow drawn by hand gets its arrowhead, a box its kind's colours);
        a moved box is already where the candidate put it.
        """
        if timestamp <= self._seen:
            return False
        self._seen = timestamp
        diagram, where = from_flow(nodes, edges)
        if diagram == self.diagram and where == self.positions:
            return False
        if diagram != self.diagram:
            self.revision += 1
        self.diagram, self.positions = diagram, where
        return True

    # -- helpers ---------------------------------------------------------------------------------

    def _set(self, diagram: Diagram) -> None:
        self.diagram = diagram
        self.revision += 1

    def _free_spot(self) -> Position:
        """The first grid cell no box is near."""
        width, height = GRID
        for i in range(len(self.positions) + 1):
            spot = (20.0 + (i % COLUMNS) * width, 20.0 + (i // COLUMNS) * height)
            if all(
                abs(x - spot[0]) > width / 2 or abs(y - spot[1]) > height / 2
                for x, y in self.positions.values()
            ):
                return spot
        return (20.0, 20.0 + (len(self.positions) // COLUMNS + 1) * height)
