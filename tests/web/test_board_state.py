"""The whiteboard's state and its conversion to and from the drawing component's nodes and edges."""

from __future__ import annotations

import copy

import pytest

from interviewer.diagrams.model import KINDS, Component, Diagram, Flow
from interviewer.errors import BadInput
from interviewer.web.flow_state import UNNAMED, from_flow, label_markdown, node_content, to_flow
from interviewer.web.whiteboard import Whiteboard

FEED = Diagram(
    components=(
        Component(id="app", label="Mobile app", kind="client"),
        Component(id="api", label="Feed service", kind="service"),
        Component(id="db", label="Posts DB", kind="store"),
    ),
    flows=(Flow(source="app", target="api", label="GET /feed"), Flow(source="api", target="db")),
)
SPOTS = {"app": (0.0, 0.0), "api": (220.0, 10.0), "db": (440.0, 0.0)}


# -- conversion -----------------------------------------------------------------------------------------


def test_a_diagram_survives_the_round_trip_through_the_component_with_its_positions() -> None:
    state = to_flow(FEED, SPOTS)
    assert [n["id"] for n in state.nodes] == ["app", "api", "db"]
    assert [(e["source"], e["target"], e["label"]) for e in state.edges] == [
        ("app", "api", "GET /feed"),
        ("api", "db", ""),
    ]
    assert all(e["markerEnd"]["type"] == "arrowclosed" for e in state.edges)
    diagram, where = from_flow(state.nodes, state.edges)
    assert diagram == FEED
    assert where == SPOTS


def test_every_kind_round_trips_and_looks_different() -> None:
    diagram = Diagram(components=tuple(Component(id=k, label=k.title(), kind=k) for k in KINDS))
    state = to_flow(diagram, {})
    assert from_flow(state.nodes, state.edges)[0] == diagram
    looks = {(n["style"]["background"], n["style"]["border"]) for n in state.nodes}
    assert len(looks) == len(KINDS)


def test_a_moved_box_reads_back_at_its_new_position() -> None:
    state = to_flow(FEED, SPOTS)
    moved = copy.deepcopy(state.nodes)
    moved[2]["position"] = {"x": 300.5, "y": 260.0}
    diagram, where = from_flow(moved, state.edges)
    assert diagram == FEED
    assert where["db"] == (300.5, 260.0)


def test_labels_show_as_written_never_as_markup() -> None:
    assert label_markdown("<img src=x onerror=alert(1)>") == "&lt;img src\\=x onerror\\=alert\\(1\\)&gt;"
    assert label_markdown("$5 * 2 [link](http://x)") == "\\$5 \\* 2 \\[link\\]\\(http\\://x\\)"
    content = node_content("A & B <cache>", "cache")
    assert "<cache>" not in content and "&amp;" in content and content.endswith("<small>cache</small>")
    diagram = Diagram(components=(Component(id="c", label="A & B <cache>", kind="cache"),))
    state = to_flow(diagram, {})
    assert from_flow(state.nodes, state.edges)[0] == diagram


def test_a_node_the_component_created_reads_back_from_what_was_typed_in_it() -> None:
    nodes = [
        {
            "id": "st-flow-node_V1StGXR8",
            "position": {"x": 5, "y": 6},
            "data": {"content": "  Model   registry "},
        }
    ]
    diagram, where = from_flow(nodes, [])
    assert diagram.components == (
        Component(id="st-flow-node_V1StGXR8", label="Model registry", kind="other"),
    )
    assert where == {"st-flow-node_V1StGXR8": (5.0, 6.0)}


def test_a_box_relabelled_in_the_component_keeps_its_kind_and_takes_the_new_label() -> None:
    state = to_flow(FEED, SPOTS)
    nodes = copy.deepcopy(state.nodes)
    nodes[2]["data"]["content"] = "Posts (Cassandra)"  # the markup cleared, plain words typed
    diagram, _ = from_flow(nodes, state.edges)
    assert diagram.component("db") == Component(id="db", label="Posts (Cassandra)", kind="store")


def test_the_edit_dialog_markup_is_read_back_as_label_and_kind() -> None:
    state = to_flow(FEED, SPOTS)
    nodes = copy.deepcopy(state.nodes)
    # The dialog shows `**Posts DB**<br/><small>store</small>`; the candidate edits the words and the kind.
    nodes[2]["data"]["content"] = "**Posts \\(Cassandra\\) & co**<br/><small>cache</small>"
    nodes[1]["data"]["content"] = node_content("Feed & ranking API", "service").replace("API", "gateway")
    nodes[0]["data"]["content"] = "**Mobile app**<br/><small>spaceship</small>"
    diagram, _ = from_flow(nodes, state.edges)
    assert diagram.component("db") == Component(id="db", label="Posts (Cassandra) & co", kind="cache")
    assert diagram.component("api") == Component(id="api", label="Feed & ranking gateway", kind="service")
    assert diagram.component("app") == Component(id="app", label="Mobile app", kind="client")


def test_unlabelled_boxes_unknown_kinds_long_ids_and_dangling_edges_still_make_a_valid_diagram() -> None:
    long_id = "n" * 80
    nodes = [
        {"id": long_id, "position": {"x": 0, "y": 0}, "data": {"content": "   ", "kind": "database"}},
        {"id": "b", "position": {"x": 1, "y": 1}, "data": {"title": "B", "kind": "queue"}},
        {"id": "b", "position": {"x": 9, "y": 9}, "data": {"title": "B again"}},
    ]
    edges = [{"source": long_id, "target": "b", "label": None}, {"source": "b", "target": "gone"}]
    diagram, where = from_flow(nodes, edges)
    first, second = diagram.components
    assert len(first.id) <= 64 and first.label == UNNAMED and first.kind == "other"
    assert second == Component(id="b", label="B", kind="queue")
    assert diagram.flows == (Flow(source=first.id, target="b", label=""),)
    assert where["b"] == (1.0, 1.0)


# -- the board ----------------------------------------------------------------------------------------------


def test_boxes_and_arrows_added_with_the_controls_make_the_diagram() -> None:
    board = Whiteboard()
    client = board.add_box("Mobile app", "client")
    api = board.add_box("  Feed   service ", "service")
    again = board.add_box("Feed service", "service")
    assert (client.id, api.id, again.id) == ("mobile-app", "feed-service", "feed-service-2")
    assert api.label == "Feed service"
    board.add_arrow(client.id, api.id, "GET /feed")
    board.add_arrow(api.id, again.id)
    assert board.diagram.flows == (
        Flow(source="mobile-app", target="feed-service", label="GET /feed"),
        Flow(source="feed-service", target="feed-service-2", label=""),
    )
    assert board.arrow_labels() == ["Mobile app → Feed service (GET /feed)", "Feed service → Feed service"]
    assert len(set(board.positions.values())) == 3  # no two boxes on top of each other


def test_the_controls_refuse_what_would_not_make_a_diagram() -> None:
    board = Whiteboard()
    with pytest.raises(BadInput, match="label"):
        board.add_box("   ", "service")
    board.add_box("API", "service")
    with pytest.raises(BadInput, match="two boxes"):
        board.add_arrow("api", "nowhere")
    with pytest.raises(BadInput, match="no longer"):
        board.remove_arrow(0)
    with pytest.raises(BadInput, match="at least one box"):
        Whiteboard().mark_submitted()


def test_removing_a_box_removes_its_arrows_and_each_change_redraws_the_component() -> None:
    board = Whiteboard()
    for label in ("A", "B", "C"):
        board.add_box(label, "service")
    board.add_arrow("a", "b")
    board.add_arrow("b", "c")
    before = board.key
    board.remove_box("b")
    assert board.key != before
    assert [c.id for c in board.diagram.components] == ["a", "c"] and board.diagram.flows == ()
    assert set(board.positions) == {"a", "c"}
    board.add_arrow("a", "c", "x")
    board.remove_arrow(0)
    assert board.diagram.flows == ()


def test_a_drag_in_the_component_moves_the_box_without_redrawing_it() -> None:
    board = Whiteboard()
    board.load(FEED, SPOTS)
    key = board.key
    state = board.flow()
    nodes = copy.deepcopy(state.nodes)
    nodes[0]["position"] = {"x": 50.0, "y": 300.0}
    assert board.drawn(nodes, state.edges, timestamp=100.0)
    assert board.positions["app"] == (50.0, 300.0) and board.diagram == FEED
    assert board.key == key
    # The same value again, or an older one, changes nothing.
    assert not board.drawn(nodes, state.edges, timestamp=100.0)
    assert not board.drawn(state.nodes, state.edges, timestamp=99.0)
    assert board.positions["app"] == (50.0, 300.0)


def test_a_box_deleted_or_relabelled_in_the_component_changes_the_diagram() -> None:
    board = Whiteboard()
    board.load(FEED, SPOTS)
    state = board.flow()
    key = board.key
    assert board.drawn(state.nodes[:2], state.edges, timestamp=1.0)
    assert board.key != key
    assert [c.id for c in board.diagram.components] == ["app", "api"]
    assert board.diagram.flows == (FEED.flows[0],)
    nodes = copy.deepcopy(board.flow().nodes)
    nodes[1]["data"]["content"] = "Gateway"
    key = board.key
    assert board.drawn(nodes, board.flow().edges, timestamp=2.0)
    assert board.diagram.component("api").label == "Gateway"
    assert board.key != key  # the component must show the new label the way the board draws labels


def test_an_arrow_drawn_by_hand_is_taken_in_and_redrawn_with_an_arrowhead() -> None:
    board = Whiteboard()
    board.load(FEED, SPOTS)
    state = board.flow()
    by_hand = {"id": "st-flow-edge_db-app", "source": "db", "target": "app", "sourceHandle": None}
    key = board.key
    assert board.drawn(state.nodes, [*state.edges, by_hand], timestamp=5.0)
    assert board.diagram.flows[-1] == Flow(source="db", target="app", label="")
    assert board.key != key
    assert board.flow().edges[-1]["markerEnd"]["type"] == "arrowclosed"


def test_a_loaded_drawing_is_laid_out_in_layers_and_counts_as_submitted() -> None:
    board = Whiteboard()
    board.load(FEED)
    xs = [board.positions[c][0] for c in ("app", "api", "db")]
    assert xs == sorted(xs) and len(set(xs)) == 3
    assert board.submitted == FEED and not board.changed_since_submitted
    board.add_box("Cache", "cache")
    assert board.changed_since_submitted
    assert board.mark_submitted() == board.diagram and not board.changed_since_submitted
    board.clear()
    assert board.diagram.empty and board.positions == {}


def test_two_boards_never_share_the_components_key() -> None:
    first, second = Whiteboard(), Whiteboard()
    assert first.key != second.key
    first.add_box("A", "service")
    second.add_box("A", "service")
    assert first.key != second.key
