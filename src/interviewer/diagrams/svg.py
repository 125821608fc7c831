"""A diagram as a standalone SVG picture: boxes shaped and coloured by kind, labelled arrows, laid out in
layers from left to right. No dependencies and no external references, so it shows offline, in the
transcript, on the scorecard and in downloaded reports alike.

`statuses` marks differences from a reference design: a component id, or a flow as `"source->target"`,
maps to `matched` (green), `missing` (red, dashed), `extra` (grey), `problem` (orange) or `unlisted`
(drawn as usual, named as plumbing any design may have).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping
from typing import Literal
from xml.sax.saxutils import escape, quoteattr

from interviewer.diagrams.layout import Slot, layered
from interviewer.diagrams.model import Component, Diagram, Flow, Kind

Direction = Literal["LR", "TB"]
Point = tuple[float, float]

BOX_WIDTH = 170
LINE_HEIGHT = 16
LINE_CHARS = 20  # characters per label line at 13 px
COLUMN_GAP = 96
ROW_GAP = 44
PAD = 20

FILL: dict[Kind, str] = {
    "client": "#e3f2fd",
    "service": "#e8eaf6",
    "store": "#fff3e0",
    "queue": "#f3e5f5",
    "cache": "#e0f7fa",
    "model": "#fce4ec",
    "pipeline": "#e8f5e9",
    "other": "#f5f5f5",
}
INK = "#37474f"
STATUS_STROKE = {"matched": "#2e7d32", "missing": "#c62828", "extra": "#9e9e9e", "problem": "#ef6c00"}
STATUS_WORD = {
    "matched": "matched",
    "missing": "missing",
    "extra": "extra",
    "problem": "check this flow",
    "unlisted": "plumbing",
}


def flow_key(flow: Flow) -> str:
    """The key a flow's status is given under in `statuses`."""
    return f"{flow.source}->{flow.target}"


def _lines(label: str) -> list[str]:
    return textwrap.wrap(label, LINE_CHARS, break_long_words=True, break_on_hyphens=True)[:4] or [label]


def _box_height(component: Component) -> int:
    cylinder_ends = 14 if component.kind == "store" else 0
    return 30 + cylinder_ends + LINE_HEIGHT * len(_lines(component.label))


def _shape(kind: Kind, x: float, y: float, w: float, h: float, style: str) -> str:
    """The outline of a box of `kind` (its fill and stroke in `style`)."""
    r = x + w
    b = y + h
    if kind == "store":  # a cylinder
        e = 8
        return (
            f'<path d="M{x},{y + e} A{w / 2},{e} 0 0 1 {r},{y + e} L{r},{b - e} A{w / 2},{e} 0 0 1 {x},{b - e} Z" '
            f"{style}/>"
            f'<path d="M{x},{y + e} A{w / 2},{e} 0 0 0 {r},{y + e}" fill="none" {_stroke_only(style)}/>'
        )
    if kind == "model":  # a hexagon
        k = 14
        points = f"{x + k},{y} {r - k},{y} {r},{y + h / 2} {r - k},{b} {x + k},{b} {x},{y + h / 2}"
        return f'<polygon points="{points}" {style}/>'
    if kind == "pipeline":  # a chevron, pointing on
        k = 12
        points = f"{x},{y} {r - k},{y} {r},{y + h / 2} {r - k},{b} {x},{b} {x + k},{y + h / 2}"
        return f'<polygon points="{points}" {style}/>'
    if kind == "queue":  # slots at the far end
        slots = "".join(
            f'<line x1="{r - 8 * i}" y1="{y + 4}" x2="{r - 8 * i}" y2="{b - 4}" {_stroke_only(style)}/>'
            for i in (1, 2, 3)
        )
        return f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="3" {style}/>{slots}'
    if kind == "cache":  # a double border
        return (
            f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="6" {style}/>'
            f'<rect x="{x + 4}" y="{y + 4}" width="{w - 8}" height="{h - 8}" rx="4" fill="none" '
            f"{_stroke_only(style)}/>"
        )
    rx = {"client": 18, "service": 6}.get(kind, 2)
    return f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="{rx}" {style}/>'


def _stroke_only(style: str) -> str:
    return " ".join(part for part in style.split() if not part.startswith("fill="))


def _style(kind: Kind, status: str | None) -> str:
    fill = FILL[kind]
    if status == "missing":
        return f'fill="#ffffff" stroke="{STATUS_STROKE[status]}" stroke-width="2.5" stroke-dasharray="7 4"'
    if status == "extra":
        return f'fill="#eeeeee" stroke="{STATUS_STROKE[status]}" stroke-width="2"'
    if status in STATUS_STROKE:
        return f'fill="{fill}" stroke="{STATUS_STROKE[status]}" stroke-width="3"'
    return f'fill="{fill}" stroke="{INK}" stroke-width="1.5"'


def _text(x: float, y: float, content: str, *, size: int = 13, fill: str = INK, extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{fill}" text-anchor="middle" {extra}>'
        f"{escape(content)}</text>"
    )


def _arrowhead(tip: tuple[float, float], towards: tuple[float, float], colour: str) -> str:
    """A filled triangle at `tip`, pointing away from `towards`."""
    dx, dy = tip[0] - towards[0], tip[1] - towards[1]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    back = (tip[0] - 10 * ux, tip[1] - 10 * uy)
    left = (back[0] - 5 * uy, back[1] + 5 * ux)
    right = (back[0] + 5 * uy, back[1] - 5 * ux)
    points = " ".join(f"{px:.1f},{py:.1f}" for px, py in (tip, left, right))
    return f'<polygon points="{points}" fill="{colour}"/>'


def render_svg(
    diagram: Diagram,
    statuses: Mapping[str, str] | None = None,
    *,
    title: str = "",
    fit: bool = True,
    direction: Direction = "LR",
) -> str:
    """The diagram as an SVG document (a string starting with `<svg`), its layers running left to right
    (`LR`) or top to bottom (`TB`, narrower for a long chain). With `fit`, a page shows it no wider than its
    container (scaled down); without, at its own size."""
    statuses = statuses or {}
    label = title or "Architecture diagram"
    if diagram.empty:
        return (
            '<svg xmlns="http://www.w3.org/2000/svg" width="240" height="60" viewBox="0 0 240 60" role="img" '
            f"aria-label={quoteattr(label)}><title>{escape(label)}</title>"
            + _text(120, 35, "(nothing drawn)", fill="#757575", extra='font-family="sans-serif"')
            + "</svg>"
        )
    slots = layered(diagram)
    heights = {c.id: _box_height(c) for c in diagram.components}
    tallest = max(heights.values())
    rows = 1 + max(s.row for s in slots.values())
    layers = 1 + max(s.layer for s in slots.values())
    per_layer: dict[int, int] = {}
    for s in slots.values():
        per_layer[s.layer] = max(per_layer.get(s.layer, 0), s.row + 1)
    across = BOX_WIDTH + COLUMN_GAP if direction == "LR" else tallest + ROW_GAP + 16  # from layer to layer
    along = tallest + ROW_GAP if direction == "LR" else BOX_WIDTH + 40  # from row to row within a layer
    boxes: dict[str, tuple[float, float, float, float]] = {}
    for c in diagram.components:
        s = slots[c.id]
        first = PAD + s.layer * across
        second = PAD + (s.row + (rows - per_layer[s.layer]) / 2) * along
        if direction == "LR":
            boxes[c.id] = (first, second + (tallest - heights[c.id]) / 2, BOX_WIDTH, heights[c.id])
        else:
            boxes[c.id] = (second, first + (tallest - heights[c.id]) / 2, BOX_WIDTH, heights[c.id])
    backwards = any(
        f.source != f.target and slots[f.target].layer <= slots[f.source].layer for f in diagram.flows
    )
    room = 40 if backwards else 0  # for flows running back, below (LR) or to the right (TB)
    long_side = PAD * 2 + layers * across - (across - (BOX_WIDTH if direction == "LR" else tallest))
    short_side = PAD * 2 + rows * along - (along - (tallest if direction == "LR" else BOX_WIDTH)) + room
    width, height = (long_side, short_side) if direction == "LR" else (short_side, long_side)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label={quoteattr(label)} '
        + ('style="max-width:100%;height:auto" ' if fit else "")
        + 'font-family="Helvetica, Arial, sans-serif">',
        f"<title>{escape(label)}</title>",
        '<rect width="100%" height="100%" fill="#ffffff"/>',
    ]
    ports = _ports(diagram, boxes, slots, direction)
    labels: list[str] = []
    for i, f in enumerate(diagram.flows):
        ahead = slots[f.target].layer > slots[f.source].layer
        line, words = _flow(f, boxes, ahead, statuses, direction, ports.get(i))
        parts.append(line)
        labels.append(words)
    parts += [_component(c, boxes[c.id], statuses.get(c.id)) for c in diagram.components]
    return "".join(parts + labels) + "</svg>"


def _component(c: Component, box: tuple[float, float, float, float], status: str | None) -> str:
    x, y, w, h = box
    ink = "#757575" if status == "extra" else INK
    lines = _lines(c.label)
    cx = x + w / 2
    out = [f'<g class="component" data-id={quoteattr(c.id)} data-kind="{c.kind}">']
    out.append(_shape(c.kind, x, y, w, h, _style(c.kind, status)))
    first = y + 20 + (12 if c.kind == "store" else 0)
    for i, line in enumerate(lines):
        out.append(_text(cx, first + i * LINE_HEIGHT, line, fill=ink, extra='font-weight="600"'))
    caption = c.kind if status not in STATUS_WORD else f"{c.kind} · {STATUS_WORD[status]}"
    colour = STATUS_STROKE.get(status or "", "#607d8b")
    out.append(_text(cx, first + len(lines) * LINE_HEIGHT + 2, caption, size=11, fill=colour))
    out.append("</g>")
    return "".join(out)


def _ports(
    diagram: Diagram,
    boxes: Mapping[str, tuple[float, float, float, float]],
    slots: Mapping[str, Slot],
    direction: Direction,
) -> dict[int, tuple[float, float]]:
    """Where each forward arrow leaves its box and enters the next, as fractions along the side it uses:
    arrows sharing a side are spread along it in the order of their other ends, so they do not overlap."""
    across = 1 if direction == "LR" else 0  # the coordinate that orders arrows along a side

    def centre(cid: str) -> float:
        box = boxes[cid]
        return box[across] + box[across + 2] / 2

    outs: dict[str, list[int]] = {}
    ins: dict[str, list[int]] = {}
    for i, f in enumerate(diagram.flows):
        if slots[f.target].layer > slots[f.source].layer:
            outs.setdefault(f.source, []).append(i)
            ins.setdefault(f.target, []).append(i)
    leave: dict[int, float] = {}
    enter: dict[int, float] = {}
    for side, ends, far_end in ((outs, leave, "target"), (ins, enter, "source")):
        for members in side.values():
            order = {i: centre(getattr(diagram.flows[i], far_end)) for i in members}
            members.sort(key=order.__getitem__)
            for rank, i in enumerate(members):
                ends[i] = (rank + 1) / (len(members) + 1)
    return {i: (leave[i], enter[i]) for i in leave}


def _route(
    source: tuple[float, float, float, float],
    target: tuple[float, float, float, float],
    *,
    loop: bool,
    ahead: bool,
    direction: Direction,
    ports: tuple[float, float] = (0.5, 0.5),
) -> tuple[Point, Point, Point, Point]:
    """Start, two control points and end of an arrow's curve; `ports` place a forward arrow's ends along the
    sides of its boxes."""
    sx, sy, sw, sh = source
    tx, ty, tw, th = target
    leave, enter = ports
    if loop:  # on the right side
        start, end = (sx + sw, sy + sh * 0.3), (sx + sw, sy + sh * 0.7)
        return start, (start[0] + 40, start[1] - 20), (end[0] + 40, end[1] + 20), end
    if direction == "LR":
        if ahead:
            start, end = (sx + sw, sy + sh * leave), (tx, ty + th * enter)
            bend = max(30.0, (end[0] - start[0]) / 2)
            return start, (start[0] + bend, start[1]), (end[0] - bend, end[1]), end
        start, end = (sx + sw / 2, sy + sh), (tx + tw / 2, ty + th)  # back: out and in from below
        dip = max(start[1], end[1]) + 36
        return start, (start[0], dip), (end[0], dip), end
    if ahead:
        start, end = (sx + sw * leave, sy + sh), (tx + tw * enter, ty)
        bend = max(24.0, (end[1] - start[1]) / 2)
        return start, (start[0], start[1] + bend), (end[0], end[1] - bend), end
    start, end = (sx + sw, sy + sh / 2), (tx + tw, ty + th / 2)  # back: out and in from the right
    reach = max(start[0], end[0]) + 36
    return start, (reach, start[1]), (reach, end[1]), end


def _flow(
    f: Flow,
    boxes: Mapping[str, tuple[float, float, float, float]],
    ahead: bool,
    statuses: Mapping[str, str],
    direction: Direction,
    ports: tuple[float, float] | None,
) -> tuple[str, str]:
    """The arrow, and its label (empty when it has none)."""
    status = statuses.get(flow_key(f))
    colour = STATUS_STROKE.get(status or "", "#546e7a")
    dash = ' stroke-dasharray="7 4"' if status == "missing" else ""
    start, c1, c2, end = _route(
        boxes[f.source],
        boxes[f.target],
        loop=f.source == f.target,
        ahead=ahead,
        direction=direction,
        ports=ports or (0.5, 0.5),
    )
    path = (
        f'<path d="M{start[0]:.1f},{start[1]:.1f} C{c1[0]:.1f},{c1[1]:.1f} {c2[0]:.1f},{c2[1]:.1f} '
        f'{end[0]:.1f},{end[1]:.1f}" fill="none" stroke="{colour}" stroke-width="1.8"{dash}/>'
    )
    ends = f"data-from={quoteattr(f.source)} data-to={quoteattr(f.target)}"
    line = f'<g class="flow" {ends}>{path}{_arrowhead(end, c2, colour)}</g>'
    words = f.label
    if status in ("problem", "extra"):  # a missing flow is dashed red, its words as they are
        words = f"{words} ({STATUS_WORD[status]})" if words else STATUS_WORD[status]
    if not words:
        return line, ""
    # At the middle of the curve, on a white halo, drawn over the boxes so the words stay readable.
    mx = 0.125 * start[0] + 0.375 * c1[0] + 0.375 * c2[0] + 0.125 * end[0]
    my = 0.125 * start[1] + 0.375 * c1[1] + 0.375 * c2[1] + 0.125 * end[1]
    halo = 'stroke="#ffffff" stroke-width="4" paint-order="stroke" font-style="italic"'
    texts = [
        _text(mx, my - 4 + i * 13, part, size=11, fill=colour, extra=halo)
        for i, part in enumerate(textwrap.wrap(words, 24)[:2] or [words])
    ]
    return line, f'<g class="flow-label" {ends}>{"".join(texts)}</g>'
