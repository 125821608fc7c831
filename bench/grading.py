"""Calibration of the offline grader against the hand-labelled answers in tests/data/calibration/.

Reports, for the offline grader and a plain word-count baseline scored in the same run:
- pairwise ordering accuracy within each (question, phase) cell (ties in score count as half right);
- Spearman correlation of scores with the labels, pooled over all answers;
- attack success rate: the share of adversarial answers that score above the same cell's medium answer;
- whether every filler-laden strong answer scores above its cell's medium answer;
- milliseconds per answer (the offline grader, after the model has loaded).
Each rate comes with a 95% bootstrap interval over cells (resampling whole question-phase cells).

    python bench/grading.py                 # all splits, real MiniLM embeddings
    python bench/grading.py --split heldout # only the held-out questions
    python bench/grading.py --json          # one JSON document
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from interviewer.content.questions import QuestionBank
from interviewer.content.rubrics import RubricSet
from interviewer.grading.offline import OfflineGrader

ROOT = Path(__file__).resolve().parent.parent
CALIBRATION = ROOT / "tests" / "data" / "calibration"
ORDINARY = {"strong", "medium", "weak", "filler-strong"}
TARGETS = {"pairwise": 0.90, "spearman": 0.80, "attack_success": 0.05}


@dataclass(frozen=True)
class Item:
    id: str
    question: str
    phase: str
    kind: str
    label: int
    text: str
    split: str

    @property
    def cell(self) -> tuple[str, str]:
        return (self.question, self.phase)

    @property
    def adversarial(self) -> bool:
        return self.kind not in ORDINARY


def load_items(folder: Path = CALIBRATION) -> list[Item]:
    items = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for a in data["answers"]:
            items.append(
                Item(
                    a["id"],
                    data["question"],
                    a["phase"],
                    a["kind"],
                    int(a["label"]),
                    a["text"],
                    data["split"],
                )
            )
    return items


# --- Metrics ------------------------------------------------------------------------------------------


def pairwise(items: Sequence[Item], scores: dict[str, float]) -> float:
    """Share of differently labelled pairs in the same cell that the scores order correctly."""
    right = total = 0.0
    by_cell: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for it in items:
        by_cell[it.cell].append(it)
    for cell in by_cell.values():
        for i, a in enumerate(cell):
            for b in cell[i + 1 :]:
                if a.label == b.label:
                    continue
                total += 1
                hi, lo = (a, b) if a.label > b.label else (b, a)
                diff = scores[hi.id] - scores[lo.id]
                right += 1.0 if diff > 1e-9 else 0.5 if abs(diff) <= 1e-9 else 0.0
    return right / total if total else float("nan")


def _ranks(values: Sequence[float]) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    order = arr.argsort(kind="mergesort")
    ranks = np.empty(len(arr))
    i = 0
    while i < len(arr):
        j = i
        while j + 1 < len(arr) and arr[order[j + 1]] == arr[order[i]]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2.0
        i = j + 1
    return ranks


def spearman(items: Sequence[Item], scores: dict[str, float]) -> float:
    if len(items) < 3:
        return float("nan")
    x, y = _ranks([it.label for it in items]), _ranks([scores[it.id] for it in items])
    if x.std() == 0 or y.std() == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def _medium_of(items: Sequence[Item]) -> dict[tuple[str, str], Item]:
    return {it.cell: it for it in items if it.kind == "medium"}


def attack_success(items: Sequence[Item], scores: dict[str, float]) -> float:
    medium = _medium_of(items)
    attacks = [it for it in items if it.adversarial and it.cell in medium]
    if not attacks:
        return float("nan")
    return sum(scores[it.id] > scores[medium[it.cell].id] + 1e-9 for it in attacks) / len(attacks)


def filler_above_medium(items: Sequence[Item], scores: dict[str, float]) -> tuple[int, int]:
    medium = _medium_of(items)
    fillers = [it for it in items if it.kind == "filler-strong" and it.cell in medium]
    return sum(scores[it.id] > scores[medium[it.cell].id] + 1e-9 for it in fillers), len(fillers)


Metric = Callable[[Sequence[Item], dict[str, float]], float]


def bootstrap(
    items: Sequence[Item], scores: dict[str, float], metric: Metric, reps: int = 1000
) -> tuple[float, float]:
    """95% interval of `metric` over resamples of whole (question, phase) cells."""
    cells: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for it in items:
        cells[it.cell].append(it)
    keys = sorted(cells)
    rng = np.random.default_rng(0)
    values = []
    for _ in range(reps):
        sample: list[Item] = []
        renamed: dict[str, float] = {}
        for n, k in enumerate(rng.integers(0, len(keys), len(keys))):
            for it in cells[keys[k]]:
                # A cell drawn twice must count as two cells, so its items get fresh ids and cells.
                copy = Item(
                    f"{it.id}#{n}", f"{it.question}#{n}", it.phase, it.kind, it.label, it.text, it.split
                )
                sample.append(copy)
                renamed[copy.id] = scores[it.id]
        v = metric(sample, renamed)
        if not np.isnan(v):
            values.append(v)
    if not values:
        return float("nan"), float("nan")
    return float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))


# --- Running --------------------------------------------------------------------------------------------


def word_count_scores(items: Sequence[Item]) -> dict[str, float]:
    return {it.id: float(len(it.text.split())) for it in items}


def offline_scores(
    items: Sequence[Item], grader: OfflineGrader, bank: QuestionBank
) -> tuple[dict[str, float], list[float], list[float]]:
    """Scores, per-answer milliseconds, and per-question milliseconds to prepare (embed the key points)."""
    scores: dict[str, float] = {}
    timings: list[float] = []
    prepare: list[float] = []
    for qid in dict.fromkeys(it.question for it in items):
        start = time.perf_counter()
        grader.prepare(bank.get(qid))
        prepare.append((time.perf_counter() - start) * 1000)
    for it in items:
        question = bank.get(it.question)
        start = time.perf_counter()
        grade = grader.grade(question, it.phase, it.text)  # type: ignore[arg-type]
        timings.append((time.perf_counter() - start) * 1000)
        scores[it.id] = grade.score
    return scores, timings, prepare


def report(items: Sequence[Item], scores: dict[str, float]) -> dict[str, object]:
    out: dict[str, object] = {}
    for name, metric in (("pairwise", pairwise), ("spearman", spearman), ("attack_success", attack_success)):
        value = metric(items, scores)
        lo, hi = bootstrap(items, scores, metric)
        out[name] = {"value": round(value, 3), "ci95": [round(lo, 3), round(hi, 3)]}
    above, total = filler_above_medium(items, scores)
    out["filler_strong_above_medium"] = f"{above}/{total}"
    return out


def _fmt(m: dict[str, object]) -> str:
    v = m  # type: ignore[assignment]
    return f"{v['value']:.3f} [{v['ci95'][0]:.3f}, {v['ci95'][1]:.3f}]"  # type: ignore[index]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=["all", "tune", "heldout"], default=None)
    parser.add_argument("--embedder", choices=["minilm", "fake"], default="minilm")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show", action="store_true", help="list every answer with its label and score")
    args = parser.parse_args(argv)

    knowledge = ROOT / "knowledge"
    if args.embedder == "fake":
        from interviewer.testing import FakeEmbedder

        embedder = FakeEmbedder()
    else:
        from interviewer.notes.embeddings import MiniLMEmbedder

        embedder = MiniLMEmbedder()
    grader = OfflineGrader(embedder, RubricSet.load(knowledge))
    bank = QuestionBank.load(knowledge)
    every = load_items()
    grader.grade(bank.get(every[0].question), every[0].phase, "warm up the model")  # type: ignore[arg-type]
    offline, timings, prepare = offline_scores(every, grader, bank)
    words = word_count_scores(every)

    splits = [args.split] if args.split else ["tune", "heldout", "all"]
    results: dict[str, object] = {"answers": len(every), "embedder": embedder.name}
    for split in splits:
        items = [it for it in every if split == "all" or it.split == split]
        results[split] = {
            "answers": len(items),
            "cells": len({it.cell for it in items}),
            "offline": report(items, offline),
            "word_count": report(items, words),
        }
    results["ms_per_answer"] = {
        "median": round(statistics.median(timings), 1),
        "p95": round(float(np.percentile(timings, 95)), 1),
        "max": round(max(timings), 1),
        "prepare_per_question_median": round(statistics.median(prepare), 1),
    }
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"Calibration: {len(every)} labelled answers, embedder {embedder.name}\n")
    print(
        "| split | scorer | pairwise (>= 0.90) | Spearman (>= 0.80) | attack success (<= 0.05) | filler-strong > medium |"
    )
    print("|---|---|---|---|---|---|")
    for split in splits:
        r = results[split]
        for scorer in ("offline", "word_count"):
            m = r[scorer]  # type: ignore[index]
            print(
                f"| {split} ({r['answers']} answers, {r['cells']} cells) | {scorer} | {_fmt(m['pairwise'])} | "  # type: ignore[index]
                f"{_fmt(m['spearman'])} | {_fmt(m['attack_success'])} | {m['filler_strong_above_medium']} |"
            )
    t = results["ms_per_answer"]
    print(
        f"\nOffline grader: {t['median']} ms per answer (median), p95 {t['p95']} ms, max {t['max']} ms; "  # type: ignore[index]
        f"embedding a question's key points once: {t['prepare_per_question_median']} ms"  # type: ignore[index]
    )
    if args.show:
        print("\n| id | kind | label | offline | words |\n|---|---|---|---|---|")
        shown = [it for it in every if args.split in (None, "all") or it.split == args.split]
        for it in shown:
            print(f"| {it.id} | {it.kind} | {it.label} | {offline[it.id]:.2f} | {int(words[it.id])} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
