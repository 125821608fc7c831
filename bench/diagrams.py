"""The diagram grader on the labelled set in tests/data/diagrams: ordering, drawing versus words, speed.

Run: `python bench/diagrams.py` (about a minute: it loads the MiniLM embedder once). `--no-embedder` matches
labels by words and aliases only; `--json` prints one JSON document instead of the Markdown report.

1. Pairwise ordering. For every two diagrams of the same question with different hand-given levels, the
   pair is ordered right when the one levelled higher gets the higher score (a tie counts half). Reported
   for the diagram review's score and for the architecture grade of the drawing alone (no words: the
   diagram's sentences plus the review's adjustment), on the tuning pairs (both diagrams tuning) and the
   held-out pairs (at least one held out) separately. Target: 0.90 or more.
2. Drawing versus words. Each strong diagram graded with no words against the same design said in words
   (labels.yaml `words`) and graded with no diagram: the drawing should score within one level (1.0).
3. Speed. Parsing and reviewing a diagram, the first time it is seen (its unknown labels are embedded) and
   again (after the reference names are embedded once per question, as `Engine.prepare` does when an
   interview starts); the whole architecture grade of a drawing; and, measured in the same run as the
   baseline, the offline grade of the same design given as words with no drawing (both after one warm-up
   run per diagram, so they compare steady turns). Target for parse + review: under 100 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from itertools import combinations
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from interviewer.content.questions import QuestionBank  # noqa: E402
from interviewer.content.rubrics import RubricSet  # noqa: E402
from interviewer.diagrams.mermaid import parse_mermaid  # noqa: E402
from interviewer.grading.diagram import review_diagram  # noqa: E402
from interviewer.grading.diagram_grade import grade_with_diagram  # noqa: E402
from interviewer.grading.diagram_match import prepare_reference  # noqa: E402
from interviewer.grading.offline import OfflineGrader  # noqa: E402

DATA = REPO / "tests" / "data" / "diagrams"
KNOWLEDGE = REPO / "knowledge"


def load_labels(folder: Path = DATA) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((folder / "labels.yaml").read_text(encoding="utf-8"))
    return data


def pairwise(items: list[dict[str, Any]], key: str, *, held_out: bool) -> tuple[float, int]:
    """Share of same-question pairs with different levels that `key` orders as the levels do."""
    right = 0.0
    total = 0
    for a, b in combinations(items, 2):
        if a["question"] != b["question"] or a["level"] == b["level"]:
            continue
        involves_held_out = a["held_out"] or b["held_out"]
        if involves_held_out != held_out:
            continue
        total += 1
        hi, lo = (a, b) if a["level"] > b["level"] else (b, a)
        if hi[key] > lo[key]:
            right += 1
        elif hi[key] == lo[key]:
            right += 0.5
    return (right / total if total else 1.0), total


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def run(*, embedder: Any, repeat: int = 5) -> dict[str, Any]:
    labels = load_labels()
    bank = QuestionBank.load(KNOWLEDGE)
    rubrics = RubricSet.load(KNOWLEDGE)
    grader = OfflineGrader(embedder, rubrics) if embedder is not None else None
    baseline = OfflineGrader(embedder, rubrics) if embedder is not None else None
    items: list[dict[str, Any]] = []
    first_ms: list[float] = []
    again_ms: list[float] = []
    grade_ms: list[float] = []
    words_ms: list[float] = []
    for entry in labels["diagrams"]:
        question = bank.get(entry["question"])
        assert question.reference_design is not None
        text = (DATA / entry["file"]).read_text(encoding="utf-8")
        prepare_reference(question.reference_design.components, embedder)  # as Engine.prepare does
        review = None
        for n in range(repeat):
            start = time.perf_counter()
            diagram = parse_mermaid(text)
            review = review_diagram(question.reference_design, diagram, embedder=embedder)
            (first_ms if n == 0 else again_ms).append((time.perf_counter() - start) * 1000)
        assert review is not None
        item = {
            "file": entry["file"],
            "question": entry["question"],
            "level": entry["level"],
            "held_out": bool(entry.get("held_out")),
            "diagram_score": review.score,
            "diagram_level": review.level,
            "problems": [p.kind for p in review.flow_problems],
            "missing": review.missing,
        }
        if grader is not None and baseline is not None:
            grader.prepare(question)
            baseline.prepare(question)
            # The baseline grades the same design as plain words (the drawing's sentences) with no drawing.
            # Both are run once first, so the figures compare steady turns, not first embeddings.
            words = " ".join(review.sentences)
            baseline.grade(question, "architecture", words)
            grade_with_diagram(
                grader, question, "architecture", "", parse_mermaid(text), embedder=embedder, rubrics=rubrics
            )
            for _ in range(repeat):
                start = time.perf_counter()
                baseline.grade(question, "architecture", words)
                words_ms.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                grade = grade_with_diagram(
                    grader,
                    question,
                    "architecture",
                    "",
                    parse_mermaid(text),
                    embedder=embedder,
                    rubrics=rubrics,
                )
                grade_ms.append((time.perf_counter() - start) * 1000)
            item["grade"] = grade.score
        items.append(item)
    report: dict[str, Any] = {"diagrams": items, "embedder": getattr(embedder, "name", None)}
    for key in ("diagram_score", "grade"):
        if key == "grade" and grader is None:
            continue
        for held_out in (False, True):
            value, pairs = pairwise(items, key, held_out=held_out)
            report[f"pairwise_{key}_{'held_out' if held_out else 'tuning'}"] = {
                "value": round(value, 3),
                "pairs": pairs,
            }
    report["timing_ms"] = {"parse + review, first sight of a drawing": _stats(first_ms)}
    if again_ms:
        report["timing_ms"]["parse + review, the same drawing again"] = _stats(again_ms)
    if grader is not None and grade_ms:
        report["timing_ms"]["architecture grade of a drawing (parse, sentences, offline grade, review)"] = (
            _stats(grade_ms)
        )
        report["timing_ms"]["baseline: offline grade of the same design as words, no drawing"] = _stats(
            words_ms
        )
        report["words_versus_drawing"] = _words_versus_drawing(labels, bank, grader, rubrics, embedder)
    return report


def _stats(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 1), "p95": round(_percentile(values, 0.95), 1)}


def _words_versus_drawing(
    labels: dict[str, Any], bank: QuestionBank, grader: OfflineGrader, rubrics: RubricSet, embedder: Any
) -> list[dict[str, Any]]:
    by_file = {e["file"]: e for e in labels["diagrams"]}
    rows = []
    for file, words in labels.get("words", {}).items():
        entry = by_file[file]
        question = bank.get(entry["question"])
        diagram = parse_mermaid((DATA / file).read_text(encoding="utf-8"))
        spoken = grader.grade(question, "architecture", words)
        drawn = grade_with_diagram(
            grader, question, "architecture", "", diagram, embedder=embedder, rubrics=rubrics
        )
        rows.append(
            {
                "file": file,
                "held_out": bool(entry.get("held_out")),
                "words": spoken.score,
                "drawing": drawn.score,
                "within_one_level": abs(spoken.score - drawn.score) <= 1.0,
            }
        )
    return rows


def markdown(report: dict[str, Any]) -> str:
    lines = [f"Embedder: {report['embedder'] or 'none (words and aliases only)'}", ""]
    lines += ["| measure | tuning | held out |", "|---|---|---|"]
    for key, name in (
        ("diagram_score", "pairwise ordering, diagram review"),
        ("grade", "pairwise ordering, architecture grade of the drawing"),
    ):
        tuning = report.get(f"pairwise_{key}_tuning")
        held = report.get(f"pairwise_{key}_held_out")
        if tuning and held:
            lines.append(
                f"| {name} | {tuning['value']:.2f} ({tuning['pairs']} pairs) | {held['value']:.2f} ({held['pairs']} pairs) |"
            )
    lines += ["", "| timing | median | p95 |", "|---|---|---|"]
    for name, t in report["timing_ms"].items():
        lines.append(f"| {name} | {t['median']:.1f} ms | {t['p95']:.1f} ms |")
    if "words_versus_drawing" in report:
        lines += ["", "| strong design | words only | drawing only | within one level |", "|---|---|---|---|"]
        for row in report["words_versus_drawing"]:
            mark = " (held out)" if row["held_out"] else ""
            lines.append(
                f"| {row['file']}{mark} | {row['words']:.2f} | {row['drawing']:.2f} | {'yes' if row['within_one_level'] else 'no'} |"
            )
    lines += [
        "",
        "| diagram | question | level | diagram score (level) | grade | problems |",
        "|---|---|---|---|---|---|",
    ]
    for d in report["diagrams"]:
        mark = " (held out)" if d["held_out"] else ""
        grade = f"{d['grade']:.2f}" if "grade" in d else "-"
        lines.append(
            f"| {d['file']}{mark} | {d['question']} | {d['level']} | {d['diagram_score']:.2f} ({d['diagram_level']}) | {grade} | {', '.join(d['problems']) or '-'} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-embedder", action="store_true", help="match by words and aliases only")
    parser.add_argument("--repeat", type=int, default=5, help="timing repetitions per diagram")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    embedder = None
    if not args.no_embedder:
        from interviewer.notes.embeddings import MiniLMEmbedder

        embedder = MiniLMEmbedder()
        embedder.embed(["warm up"])
    report = run(embedder=embedder, repeat=args.repeat)
    print(json.dumps(report, indent=2) if args.json else markdown(report))


if __name__ == "__main__":
    main()
