"""Rendering a diagram as SVG: valid XML, every label shown, labels escaped, kinds and statuses visible."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from interviewer.diagrams.layout import forward_flows, layered, positions
from interviewer.diagrams.model import KINDS, Component, Diagram, Flow
from interviewer.diagrams.svg import FILL, STATUS_STROKE, render_svg

SVG = "{http://www.w3.org/2000/svg}"

FEED = Diagram(
    components=(
        Component(id="app", label="Mobile app", kind="client"),
        Component(id="api", label="API gateway", kind="service"),
        Component(id="rank", label="Ranking model", kind="model"),
        Component(id="fs", label="Feature store", kind="store"),
    ),
    flows=(
        Flow(source="app", target="api", label="GET /feed"),
        Flow(source="api", target="rank"),
        Flow(source="fs", target="rank", label="features"),
    ),
)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def groups(root: ET.Element, kind: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == kind]


def test_the_picture_is_valid_svg_with_a_box_per_component_and_a_group_per_flow() -> None:
    root = parse(render_svg(FEED))
    assert root.tag == f"{SVG}svg"
    assert float(root.get("width", "0")) > 0 and float(root.get("height", "0")) > 0
    assert [g.get("data-id") for g in groups(root, "component")] == ["app", "api", "rank", "fs"]
    assert [(g.get("data-from"), g.get("data-to")) for g in groups(root, "flow")] == [
        ("app", "api"),
        ("api", "rank"),
        ("fs", "rank"),
    ]


def test_every_component_and_flow_label_is_written_out() -> None:
    shown = texts(parse(render_svg(FEED)))
    for label in ("Mobile app", "API gateway", "Ranking model", "Feature store", "GET /feed", "features"):
        assert label in shown


def test_a_long_label_wraps_over_lines_and_keeps_every_word() -> None:
    long = "Candidate generation from two tower embeddings"
    diagram = Diagram(components=(Component(id="c", label=long, kind="model"),))
    shown = texts(parse(render_svg(diagram)))
    label_lines = shown[: shown.index("model")]
    assert len(label_lines) > 1
    assert " ".join(label_lines) == long


def test_markup_in_labels_is_escaped_and_read_back_as_written() -> None:
    tricky = 'Cache <LRU> & "hot" keys'
    diagram = Diagram(
        components=(
            Component(id="a&b", label=tricky, kind="cache"),
            Component(id="db", label="<script>x</script>", kind="store"),
        ),
        flows=(Flow(source="a&b", target="db", label="miss > 5%"),),
    )
    svg = render_svg(diagram, title="Mine <draft>")
    assert "<script>" not in svg and "<LRU>" not in svg
    root = parse(svg)
    joined = " ".join(texts(root))
    assert "Cache <LRU> & " in joined and "miss > 5%" in joined and "<script>x</script>" in joined
    assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}title").text == "Mine <draft>"  # type: ignore[union-attr]
    assert groups(root, "component")[0].get("data-id") == "a&b"


def test_each_kind_is_drawn_with_its_own_colour_and_named_under_its_label() -> None:
    diagram = Diagram(components=tuple(Component(id=k, label=f"A {k}", kind=k) for k in KINDS))
    root = parse(render_svg(diagram))
    for g in groups(root, "component"):
        kind = g.get("data-kind")
        assert kind is not None
        fills = {e.get("fill") for e in g if e.get("fill") not in (None, "none")}
        assert FILL[kind] in fills  # type: ignore[index]
        assert kind in [t.text for t in g.iter(f"{SVG}text")]
    assert len(set(FILL.values())) == len(KINDS)


def test_statuses_colour_components_and_flows_and_say_so_in_words() -> None:
    statuses = {"app": "matched", "rank": "missing", "fs": "extra", "api->rank": "missing"}
    root = parse(render_svg(FEED, statuses))
    by_id = {g.get("data-id"): g for g in groups(root, "component")}
    rank_outline = next(iter(by_id["rank"]))
    assert rank_outline.get("stroke") == STATUS_STROKE["missing"]
    assert rank_outline.get("stroke-dasharray")
    assert next(iter(by_id["app"])).get("stroke") == STATUS_STROKE["matched"]
    assert next(iter(by_id["fs"])).get("stroke") == STATUS_STROKE["extra"]
    assert "model · missing" in texts(root) and "client · matched" in texts(root)
    flow = next(g for g in groups(root, "flow") if g.get("data-from") == "api")
    path = next(flow.iter(f"{SVG}path"))
    assert path.get("stroke") == STATUS_STROKE["missing"] and path.get("stroke-dasharray")
    unmarked = next(iter(by_id["api"]))
    assert unmarked.get("stroke") not in STATUS_STROKE.values()


def test_an_empty_diagram_is_a_small_picture_that_says_nothing_was_drawn() -> None:
    root = parse(render_svg(Diagram()))
    assert "(nothing drawn)" in texts(root)


def test_cycles_and_loops_still_render() -> None:
    diagram = Diagram(
        components=(Component(id="a", label="A"), Component(id="b", label="B")),
        flows=(Flow(source="a", target="b"), Flow(source="b", target="a"), Flow(source="a", target="a")),
    )
    root = parse(render_svg(diagram))
    assert len(groups(root, "flow")) == 3


def test_layers_run_left_to_right_along_the_flows() -> None:
    slots = layered(FEED)
    assert slots["app"].layer == 0 and slots["fs"].layer == 0
    assert slots["api"].layer == 1
    assert slots["rank"].layer == 2
    spots = positions(FEED)
    assert spots["app"][0] < spots["api"][0] < spots["rank"][0]
    assert spots["app"] != spots["fs"]


def test_a_cycle_is_broken_at_the_flow_that_closes_it() -> None:
    diagram = Diagram(
        components=(Component(id="a", label="A"), Component(id="b", label="B"), Component(id="c", label="C")),
        flows=(Flow(source="a", target="b"), Flow(source="b", target="c"), Flow(source="c", target="b")),
    )
    assert forward_flows(diagram) == {("a", "b"), ("b", "c")}
    assert [layered(diagram)[i].layer for i in "abc"] == [0, 1, 2]


def test_a_fitted_picture_scales_down_to_its_container_and_an_unfitted_one_keeps_its_size() -> None:
    fitted, natural = parse(render_svg(FEED)), parse(render_svg(FEED, fit=False))
    assert "max-width:100%" in (fitted.get("style") or "")
    assert natural.get("style") is None
    assert natural.get("width") == fitted.get("width")


def test_top_to_bottom_stacks_the_layers_and_keeps_every_label() -> None:
    chain = Diagram(
        components=tuple(Component(id=f"c{i}", label=f"Step {i}", kind="pipeline") for i in range(6)),
        flows=tuple(Flow(source=f"c{i}", target=f"c{i + 1}", label=f"hop {i}") for i in range(5)),
    )
    wide, tall = parse(render_svg(chain)), parse(render_svg(chain, direction="TB"))
    assert float(wide.get("width", 0)) > float(wide.get("height", 0))
    assert float(tall.get("height", 0)) > float(tall.get("width", 0))
    assert sorted(texts(wide)) == sorted(texts(tall))


def test_arrows_sharing_a_side_leave_it_at_different_points() -> None:
    fan = Diagram(
        components=(
            Component(id="api", label="API", kind="service"),
            Component(id="a", label="A", kind="store"),
            Component(id="b", label="B", kind="cache"),
            Component(id="c", label="C", kind="model"),
        ),
        flows=(
            Flow(source="api", target="a"),
            Flow(source="api", target="b"),
            Flow(source="api", target="c"),
        ),
    )
    for direction in ("LR", "TB"):
        root = parse(render_svg(fan, direction=direction))  # type: ignore[arg-type]
        starts = {next(g.iter(f"{SVG}path")).get("d", "").split(" C")[0] for g in groups(root, "flow")}
        assert len(starts) == 3
