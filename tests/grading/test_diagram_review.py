"""`review_diagram`: matching drawn boxes to a reference design (aliases, word overlap, synonyms, an injected
embedder), flows through an unlisted hop, the flow problems, statuses a renderer colours, the JSON form, the
speed, and the ordering of the labelled tuning diagrams."""

from __future__ import annotations

import json
import time
from itertools import combinations

import numpy as np
import pytest
import yaml
from tests.locations import KNOWLEDGE, TEST_DATA

from interviewer.content.questions import Question, QuestionBank
from interviewer.diagrams.mermaid import parse_mermaid
from interviewer.diagrams.reference import ReferenceDesign
from interviewer.grading.diagram import STATUSES, DiagramReview, review_diagram
from interviewer.grading.diagram_match import lexical
from interviewer.testing.embeddings import FakeEmbedder

BANK = QuestionBank.load(KNOWLEDGE)
DIAGRAMS = TEST_DATA / "diagrams"
LABELS = yaml.safe_load((DIAGRAMS / "labels.yaml").read_text(encoding="utf-8"))
# Measured on the tuning diagrams (held-out ones are never used here): 1.00 with and without the embedder.
TUNING_PAIRWISE_FLOOR = 0.95


def _design(question_id: str) -> ReferenceDesign:
    design = BANK.get(question_id).reference_design
    assert design is not None
    return design


def review(mermaid: str, question_id: str = "youtube-recommendations", **kw: object) -> DiagramReview:
    return review_diagram(_design(question_id), parse_mermaid(mermaid), **kw)  # type: ignore[arg-type]


def matched(r: DiagramReview) -> dict[str, str]:
    return {m.candidate: m.reference for m in r.matched}


# -- matching ---------------------------------------------------------------------------------------


def test_aliases_synonyms_and_word_overlap_match() -> None:
    r = review(
        """flowchart LR
        a[FAISS] ; b[Profile DB] ; c[Recs backend] ; d[Ranker service] ; e[Kafka] ; f[(S3)]
        """
    )
    assert matched(r) == {
        "FAISS": "ANN index",
        "Profile DB": "User profile store",
        "Recs backend": "Recommendation service",
        "Ranker service": "Ranking model",
        "Kafka": "Event stream",
        "S3": "Model store",
    }


def test_lexical_scores() -> None:
    assert lexical("Feature store", "feature store") == 1.0
    assert 0.6 <= lexical("FAISS ANN index", "faiss") < 1.0
    assert lexical("Billing", "Ranking model") == 0.0


def test_matching_is_one_to_one_but_a_second_copy_matches_too() -> None:
    r = review_diagram(
        _design("llm-serving-platform"),
        parse_mermaid("flowchart LR\n a{{vLLM pool 8B}} ; b{{vLLM pool 70B}} ; c[Gateway]"),
    )
    assert matched(r)["vLLM pool 8B"] == "Inference servers"
    assert matched(r)["vLLM pool 70B"] == "Inference servers"
    assert r.extra == []


def test_an_injected_embedder_can_match_what_words_cannot() -> None:
    class Synonyms(FakeEmbedder):
        """Words the fake does not share map to one vector: 'recs brain' means the ranking model."""

        def embed(self, texts):  # type: ignore[no-untyped-def]
            out = super().embed([t.replace("Brain", "Ranking model") for t in texts])
            return np.asarray(out)

    text = "flowchart LR\n u([User]) --> b[Brain]"
    assert "Brain" not in matched(review(text))
    assert matched(review(text, embedder=Synonyms()))["Brain"] == "Ranking model"
    assert review(text, embedder=Synonyms()) == review(text, embedder=Synonyms())  # deterministic


def test_plumbing_is_unlisted_and_an_unrelated_box_is_extra() -> None:
    r = review("flowchart LR\n u([User]) --> lb[Load balancer] --> bc[(Blockchain ledger)]")
    statuses = r.statuses()
    assert statuses == {"u": "matched", "lb": "matched", "bc": "extra"}  # the reference names a load balancer
    r = review("flowchart LR\n u([User]) --> m[Prometheus monitoring] --> bc[(Blockchain ledger)]")
    assert r.statuses()["m"] == "unlisted" and r.extra == ["Blockchain ledger"]
    assert set(r.statuses().values()) <= set(STATUSES)


def test_a_box_between_two_matched_parts_is_not_out_of_place() -> None:
    r = review_diagram(
        _design("ad-serving"),
        parse_mermaid("flowchart LR\n c[(Campaign DB)] --> b[/Index builder/] --> t[(Targeting index)]"),
    )
    assert r.statuses()["b"] == "unlisted"


# -- flows and their problems -----------------------------------------------------------------------


def kinds(r: DiagramReview) -> list[str]:
    return [p.kind for p in r.flow_problems]


def test_a_flow_through_an_unlisted_hop_counts() -> None:
    direct = review("flowchart LR\n u([User]) --> g[API gateway]")
    hop = review("flowchart LR\n u([User]) --> x[WAF] --> g[API gateway]")
    name = "User app → API gateway (request)"
    assert name in direct.flows_found and name in hop.flows_found


def test_a_request_through_the_training_pipeline() -> None:
    r = review(
        """flowchart LR
        u([User]) --> api[Recommendation service] --> t[/Training pipeline/] --> r{{Ranking model}}
        """
    )
    assert "training-in-request-path" in kinds(r)
    problem = next(p for p in r.flow_problems if p.kind == "training-in-request-path")
    assert "Training pipeline" in problem.text and problem.weight >= 0.15


def test_a_cache_after_the_store_it_protects() -> None:
    r = review(
        """flowchart LR
        api[Recommendation service] --> pg[(Postgres profiles)] --> c[(Redis cache)]
        """
    )
    [problem] = [p for p in r.flow_problems if p.kind == "cache-after-store"]
    assert problem.text.startswith("The Redis cache sits after the Postgres profiles:")
    ok = review("flowchart LR\n api[Recommendation service] --> c[(Redis cache)] --> pg[(Postgres profiles)]")
    assert "cache-after-store" not in kinds(ok)


def test_reversed_background_arrows() -> None:
    r = review("flowchart LR\n s3[(Model store)] --> t[/Training pipeline/] --> w[(Data warehouse)]")
    assert kinds(r).count("reversed") == 2
    assert "Data warehouse → Training pipeline (training), reversed" in r.flows_found
    # A request arrow drawn back (a read drawn as data coming back) is not a problem.
    back = review("flowchart LR\n p[(User profile store)] --> s[Recommendation service]")
    assert "reversed" not in kinds(back)


def test_nothing_feeds_the_index() -> None:
    r = review_diagram(
        _design("support-chatbot-rag"),
        parse_mermaid(
            "flowchart LR\n u([Customer]) --> o[Orchestrator] --> v[(Vector DB)]\n d[(Help articles)]"
        ),
    )
    texts = [p.text for p in r.flow_problems]
    assert "Nothing feeds the Vector DB: where does its data come from?" in texts
    assert any(p.kind == "unconnected" and "Help articles" in p.text for p in r.flow_problems)


def test_missing_components_are_listed_essential_first() -> None:
    r = review("flowchart LR\n u([User]) --> r{{Ranking model}}")
    assert "Candidate generation" in r.missing
    assert "Recommendation cache" not in r.missing  # optional: shown in reference_status only
    assert {s.id: s.status for s in r.reference_status}["cache"] == "missing"


def test_the_review_is_json_and_its_summary_has_the_cli_keys() -> None:
    r = review((DIAGRAMS / "yt-cache-after-store.mmd").read_text(encoding="utf-8"))
    again = DiagramReview.model_validate(json.loads(r.model_dump_json()))
    assert again == r
    summary = r.summary()
    assert {"components", "matched", "missing", "flow_problems"} <= summary.keys()
    assert all(set(m) == {"candidate", "reference"} for m in summary["matched"])
    assert all(isinstance(p, str) for p in summary["flow_problems"])
    assert r.sentences[0].startswith("The architecture diagram has")


@pytest.mark.parametrize("question", sorted(BANK, key=lambda q: q.id), ids=lambda q: q.id)
def test_every_reference_design_scores_top_marks_against_itself(question: Question) -> None:
    design = question.reference_design
    assert design is not None
    r = review_diagram(design, design.diagram())
    assert r.level == 5 and r.missing == [] and r.extra == []
    assert [p.text for p in r.flow_problems] == []


def test_a_drawing_is_parsed_and_reviewed_in_well_under_100_ms() -> None:
    text = (DIAGRAMS / "sr-strong.mmd").read_text(encoding="utf-8")
    design = _design("search-ranking")
    review_diagram(design, parse_mermaid(text))
    times = []
    for _ in range(20):
        start = time.perf_counter()
        review_diagram(design, parse_mermaid(text))
        times.append(time.perf_counter() - start)
    assert sorted(times)[10] < 0.1


def test_the_tuning_diagrams_are_ordered_as_labelled() -> None:
    tuning = [d for d in LABELS["diagrams"] if not d.get("held_out")]
    scores = {
        d["file"]: review((DIAGRAMS / d["file"]).read_text(encoding="utf-8"), d["question"]).score
        for d in tuning
    }
    right = total = 0.0
    for a, b in combinations(tuning, 2):
        if a["question"] != b["question"] or a["level"] == b["level"]:
            continue
        hi, lo = (a, b) if a["level"] > b["level"] else (b, a)
        total += 1
        right += (
            1
            if scores[hi["file"]] > scores[lo["file"]]
            else 0.5
            if scores[hi["file"]] == scores[lo["file"]]
            else 0
        )
    assert total >= 30
    assert right / total >= TUNING_PAIRWISE_FLOOR
