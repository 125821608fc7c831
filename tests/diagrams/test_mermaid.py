"""The Mermaid parser: headers, every node shape, quoted labels, chains, labelled and styled arrows, `&`
groups, subgraphs, comments and ignored lines, kinds from shape and label, errors naming their line, and the
round trip through `to_mermaid`."""

from __future__ import annotations

import time

import pytest
from tests.locations import TEST_DATA

from interviewer.diagrams.kinds import kind_for
from interviewer.diagrams.mermaid import diagram_in, fenced_mermaid, find_fenced, parse_mermaid, to_mermaid
from interviewer.diagrams.model import Component, Diagram, Flow
from interviewer.errors import BadInput


def _labels(d: Diagram) -> dict[str, str]:
    return {c.id: c.label for c in d.components}


def _edges(d: Diagram) -> list[tuple[str, str, str]]:
    return [(f.source, f.target, f.label) for f in d.flows]


@pytest.mark.parametrize(
    "header",
    ["flowchart TD", "flowchart TB", "graph LR", "graph RL", "flowchart BT", "graph", "flowchart LR;"],
)
def test_headers(header: str) -> None:
    assert _edges(parse_mermaid(f"{header}\n A --> B")) == [("A", "B", "")]


@pytest.mark.parametrize(
    ("node", "label", "kind"),
    [
        ("A[Ranking service]", "Ranking service", "service"),
        ("A(Recommendation API)", "Recommendation API", "service"),
        ("A([User])", "User", "client"),
        ("A[(Orders)]", "Orders", "store"),
        ("A[[Checkout]]", "Checkout", "service"),
        ("A((Hub))", "Hub", "service"),
        ("A{Decide}", "Decide", "service"),
        ("A{{Ranker}}", "Ranker", "model"),
        ("A>Kafka topic]", "Kafka topic", "queue"),
        ("A[/Training/]", "Training", "pipeline"),
        ('A["Feature store (Redis)"]', "Feature store (Redis)", "store"),
        ('A("LLM: answers, <br/> streamed")', "LLM: answers, streamed", "model"),
        ('A@{ shape: cyl, label: "Ledger" }', "Ledger", "store"),
        ("A", "A", "service"),
    ],
)
def test_node_shapes_labels_and_kinds(node: str, label: str, kind: str) -> None:
    [c] = parse_mermaid(f"flowchart LR\n  {node}").components
    assert (c.id, c.label, c.kind) == ("A", label, kind)


def test_chains_labels_and_arrow_styles() -> None:
    d = parse_mermaid(
        """graph LR
        A --> B --> C
        C -->|reads features| D
        D -- writes events --> E
        E -.-> F
        F ==> G
        G --- H
        H -. async .-> I
        I == hot path ==> J
        J ---->|long| K
        K <--> L
        L ~~~ M
        """
    )
    assert _edges(d) == [
        ("A", "B", ""),
        ("B", "C", ""),
        ("C", "D", "reads features"),
        ("D", "E", "writes events"),
        ("E", "F", ""),
        ("F", "G", ""),
        ("G", "H", ""),
        ("H", "I", "async"),
        ("I", "J", "hot path"),
        ("J", "K", "long"),
        ("K", "L", ""),
        ("L", "K", ""),
    ]
    assert "M" in _labels(d)  # an invisible link places a node but draws no flow


def test_groups_subgraphs_comments_and_ignored_lines() -> None:
    d = parse_mermaid(
        """%% a comment
        flowchart TD
          subgraph online [Online path]
            direction LR
            api[API] & batch[Batch job] --> fs[(Feature store)] & cache[(Redis)]
          end
          subgraph "Offline"
            k[Kafka] --> fs %% trailing comment
          end
          classDef hot fill:#f96
          class api hot
          style fs fill:#fff
          linkStyle 0 stroke:#f00
          click api "https://example.com"
          api:::hot --> k; k --> api
        """
    )
    assert _labels(d) == {
        "api": "API",
        "batch": "Batch job",
        "fs": "Feature store",
        "cache": "Redis",
        "k": "Kafka",
    }
    assert ("api", "fs", "") in _edges(d) and ("batch", "cache", "") in _edges(d)
    assert ("k", "fs", "") in _edges(d) and ("api", "k", "") in _edges(d) and ("k", "api", "") in _edges(d)
    assert {c.id: c.kind for c in d.components} == {
        "api": "service", "batch": "pipeline", "fs": "store", "cache": "cache", "k": "queue",
    }  # fmt: skip


def test_a_later_label_names_a_node_first_seen_bare() -> None:
    d = parse_mermaid("flowchart LR\n A --> B\n B[(Postgres)]")
    assert d.component("B").label == "Postgres" and d.component("B").kind == "store"


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("Postgres", "store"), ("User DB", "store"), ("Events table", "store"), ("Kafka", "queue"),
        ("Job queue", "queue"), ("Clicks topic", "queue"), ("Redis", "cache"), ("Result cache", "cache"),
        ("Ranking model", "model"), ("Ranker", "model"), ("Transformer", "model"), ("LLM", "model"),
        ("Feature pipeline", "pipeline"), ("Training", "pipeline"), ("ETL", "pipeline"),
        ("Nightly batch job", "pipeline"), ("User", "client"), ("Mobile app", "client"), ("Browser", "client"),
        ("Client", "client"), ("Recommendation service", "service"), ("Fraud scoring API", "service"),
        ("User service", "service"), ("Stream processor", "pipeline"), ("Model registry", "store"),
    ],
)  # fmt: skip
def test_kinds_from_labels(label: str, kind: str) -> None:
    assert kind_for(label) == kind


def test_a_cylinder_is_a_store_unless_its_label_says_otherwise() -> None:
    d = parse_mermaid("flowchart LR\n a[(Orders)]\n b[(Kafka)]\n c[(Redis)]")
    assert [c.kind for c in d.components] == ["store", "queue", "cache"]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("flowchart LR\n  A --> B\n  B -->\n", 3, "node after it"),
        ("flowchart LR\n  A[Unclosed\n", 2, "not closed"),
        ('flowchart LR\n  A["open quote]\n', 2, "quoted label"),
        ("flowchart LR\n  A --> B\n\n  A ?? B\n", 4, "expected an arrow"),
        ("flowchart LR\n  subgraph x\n  A --> B\n", 3, "not closed with `end`"),
        ("flowchart LR\n  end\n", 2, "without a `subgraph`"),
        ("flowchart XY\n  A --> B\n", 1, "direction"),
        ("sequenceDiagram\n  A->>B: hi\n", 1, "only flowcharts"),
        ("flowchart LR\n  A --> end\n", 2, "cannot name a node"),
    ],
)
def test_errors_name_their_line(text: str, line: int, words: str) -> None:
    with pytest.raises(BadInput) as caught:
        parse_mermaid(text)
    message = str(caught.value)
    assert f"line {line}:" in message and words in message


def test_a_block_in_an_answer_reports_the_answers_line() -> None:
    answer = "Here is the design.\n\nSee below:\n```mermaid\nflowchart LR\n  A -->\n```\nThanks."
    with pytest.raises(BadInput, match="line 6"):
        diagram_in(answer)


def test_fenced_mermaid_splits_words_and_block() -> None:
    words, block = fenced_mermaid("Before.\n\n```mermaid\ngraph TD\n A --> B\n```\n\nAfter.")
    assert words == "Before.\n\nAfter." and block == "graph TD\n A --> B"
    assert fenced_mermaid("no block here") == ("no block here", None)
    assert (
        find_fenced("x\n~~~mermaid\ngraph LR\n A-->B\n").block == "graph LR\n A-->B"
    )  # unclosed runs to the end
    words, diagram = diagram_in("Only words.")
    assert diagram is None and words == "Only words."


def test_to_mermaid_round_trips() -> None:
    d = Diagram(
        components=(
            Component(id="user", label="User", kind="client"),
            Component(id="api-1", label='The "main" API | v2', kind="service"),
            Component(id="end", label="Orders", kind="queue"),
            Component(id="9", label="Ranker", kind="model"),
        ),
        flows=(Flow(source="user", target="api-1", label="asks"), Flow(source="api-1", target="end"),
               Flow(source="api-1", target="9", label="ranks")),
    )  # fmt: skip
    back = parse_mermaid(to_mermaid(d))
    assert [(c.label, c.kind) for c in back.components] == [
        (c.label.replace("|", "/"), c.kind) for c in d.components
    ]
    assert [f.label for f in back.flows] == ["asks", "", "ranks"]


def test_every_labelled_diagram_parses_fast() -> None:
    files = sorted((TEST_DATA / "diagrams").glob("*.mmd"))
    assert len(files) >= 30
    start = time.perf_counter()
    for f in files:
        assert not parse_mermaid(f.read_text(encoding="utf-8")).empty
    assert (time.perf_counter() - start) / len(files) < 0.05


def test_limits() -> None:
    with pytest.raises(BadInput, match="too long"):
        parse_mermaid("flowchart LR\n" + "A --> B\n" * 5000)
