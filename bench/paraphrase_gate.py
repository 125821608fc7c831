"""The reply gate's paraphrase check on a labelled set: leaks caught, legitimate replies blocked, and its cost.

Run: `python bench/paraphrase_gate.py [--json]` (under a minute; MiniLM on the CPU).

`bench/data/paraphrase_leaks.yaml` holds interviewer replies labelled before tuning: paraphrases of a
turn's hidden strings (leaks) and legitimate replies for the same questions. Whole questions are held out.
A third part, `ordinary`, was added after the thresholds were chosen and is never tuned on: leaks a model
volunteers in turns that do not answer an extraction attempt. The threshold and margin are chosen on the
tuning part only (the largest share of leaks caught less the
share of legitimate replies blocked, ties to the higher threshold and the smaller margin), then both parts are reported at the
chosen values and at the shipped defaults. "Before" is the gate without the check: the verbatim `LeakGuard`
and the gate's own rules (`gate.problem`).

The cost is the gate's time per reply with and without the check, in the same run, over the set's replies
with a transcript of twelve earlier turns; the first pass (which embeds the phase's hidden strings and
the transcript) is reported apart from the cached passes that follow.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from interviewer.content.questions import QuestionBank
from interviewer.interview.gate import problem
from interviewer.interview.instructions import describe_move
from interviewer.interview.interviewer import LeakGuard
from interviewer.interview.moves import Move, TurnContext
from interviewer.interview.paraphrase import (
    DEFLECT_THRESHOLD,
    MARGIN,
    THRESHOLD,
    ParaphraseGuard,
    answers_extraction,
)
from interviewer.llm.prompts import PromptLibrary
from interviewer.notes.embeddings import MiniLMEmbedder
from interviewer.store.sessions import Turn

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data" / "paraphrase_leaks.yaml"
BANK = QuestionBank.load(ROOT / "knowledge")
SYSTEM = PromptLibrary(ROOT / "prompts").get("interviewer_system")
FILLER = [
    "I'd start with the users and what the home page or the product is for.",
    "Okay. What would you like to pin down first?",
    "Then a two-stage design: a cheap candidate stage and a heavier ranking stage.",
    "Makes sense. Where does the data for that come from?",
]


def turn(seq: int, role: str, text: str) -> Turn:
    return Turn(seq=seq, role=role, phase="requirements", kind="answer", text=text, at=float(seq))  # type: ignore[arg-type]


def case(item: dict[str, Any], earlier: int = 0) -> tuple[Move, TurnContext, list[str]]:
    q = BANK.get(item["question"])
    facts = tuple(f for f in q.hidden_facts if f.topic in item.get("facts", []))
    revealed = tuple(f for f in q.hidden_facts if f.topic in item.get("revealed", []))
    move = Move(kind=item["move"], phase=item["phase"], probe=item.get("probe"), facts=facts)
    transcript = [turn(i, "candidate" if i % 2 else "interviewer", FILLER[i % 4]) for i in range(earlier)]
    if item.get("candidate"):
        transcript.append(turn(len(transcript), "candidate", item["candidate"]))
    ctx = TurnContext(question=q, transcript=tuple(transcript), minutes_left=6.0, revealed_facts=revealed)
    return move, ctx, [SYSTEM.template, describe_move(move, ctx)]


def before(item: dict[str, Any]) -> bool:
    """Whether the gate without the paraphrase check holds the reply back."""
    move, ctx, rules = case(item)
    system = "\n".join(rules)
    return LeakGuard.for_context(ctx, move, system).leaks(item["reply"]) or (
        problem(move, ctx, item["reply"]) is not None
    )


def flagged(row: dict[str, Any], threshold: float, margin: float, deflect: float = 1.0) -> bool:
    """Whether the paraphrase check holds the reply back: one sentence close and unexplained is enough."""
    if row["extraction"]:
        threshold = min(threshold, deflect)
    return any(score >= threshold and explained < score - margin for score, explained in row["sentences"])


def rates(
    rows: list[dict[str, Any]], threshold: float, margin: float, deflect: float = 1.0
) -> tuple[float, float]:
    leaks = [r for r in rows if r["leak"]]
    fine = [r for r in rows if not r["leak"]]

    def blocked(r: dict[str, Any]) -> bool:
        return r["before"] or flagged(r, threshold, margin, deflect)

    return (
        sum(map(blocked, leaks)) / len(leaks),
        sum(map(blocked, fine)) / len(fine),
    )


def choose(rows: list[dict[str, Any]]) -> tuple[float, float]:
    """The threshold and margin with the most leaks caught less legitimate replies blocked (Youden's J)."""
    best: tuple[float, float, float] | None = None
    for margin in (0.0, 0.02, 0.04, 0.06, 0.08, 0.1):
        for threshold in np.arange(0.40, 0.90, 0.01):
            catch, false = rates(rows, float(threshold), margin)
            key = (round(catch - false, 6), float(threshold), -margin)
            if best is None or key > best:
                best = key
    assert best is not None
    return round(best[1], 2), -best[2]


def choose_deflect(rows: list[dict[str, Any]], threshold: float, margin: float) -> float:
    """The lower threshold for deflect replies, on the deflect replies alone (Youden's J, ties higher)."""
    deflects = [r for r in rows if r["extraction"]]
    best: tuple[float, float] | None = None
    for value in np.arange(0.40, threshold + 0.001, 0.01):
        catch, false = rates(deflects, threshold, margin, float(value))
        key = (round(catch - false, 6), float(value))
        if best is None or key > best:
            best = key
    assert best is not None
    return round(best[1], 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    items = yaml.safe_load(DATA.read_text(encoding="utf-8"))["items"]
    # thresholds 0: every sentence's scores are computed, for the sweep
    guard = ParaphraseGuard(MiniLMEmbedder(), threshold=0.0, deflect_threshold=0.0)
    rows = []
    for item in items:
        move, ctx, rules = case(item)
        found = guard.findings(move, ctx, item["reply"], rules)
        top = max(found, key=lambda f: f.score - f.explained, default=None)
        rows.append(
            {
                **item,
                "sentences": [(f.score, f.explained) for f in found],
                "score": top.score if top else 0.0,
                "explained": top.explained if top else 0.0,
                "nearest": f"{top.secret.kind}: {top.secret.text}" if top else "(nothing new to embed)",
                "before": before(item),
                "extraction": answers_extraction(move, ctx),
            }
        )
    tuning = [r for r in rows if r["split"] == "tune"]
    threshold, margin = choose(tuning)
    deflect = choose_deflect(tuning, threshold, margin)
    report: dict[str, Any] = {
        "chosen": {"threshold": threshold, "margin": margin, "deflect_threshold": deflect},
        "splits": {},
    }
    for split in ("tune", "held_out", "ordinary"):
        part = [r for r in rows if r["split"] == split]
        leaks = [r for r in part if r["leak"]]
        fine = [r for r in part if not r["leak"]]
        catch, false = rates(part, threshold, margin, deflect)
        shipped = rates(part, THRESHOLD, MARGIN, DEFLECT_THRESHOLD)
        one = rates(part, THRESHOLD, MARGIN)
        report["splits"][split] = {
            "leaks": len(leaks),
            "legitimate": len(fine),
            "before": {
                "catch": sum(r["before"] for r in leaks) / len(leaks),
                "false_block": sum(r["before"] for r in fine) / len(fine),
            },
            "one_threshold": {"catch": one[0], "false_block": one[1]},
            "chosen": {"catch": catch, "false_block": false},
            "shipped": {"catch": shipped[0], "false_block": shipped[1]},
        }
    report["cost"] = cost(items, guard)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(
        f"chosen on tuning: threshold {threshold}, margin {margin}, deflect threshold {deflect} "
        f"(shipped {THRESHOLD}, {MARGIN}, {DEFLECT_THRESHOLD})\n"
    )
    print("| split | leaks / legitimate | before: caught, blocked | one threshold | chosen | shipped |")
    print("|---|---|---|---|---|---|")
    for split, r in report["splits"].items():
        b, o, c, s = r["before"], r["one_threshold"], r["chosen"], r["shipped"]
        print(
            f"| {split} | {r['leaks']} / {r['legitimate']} | {b['catch']:.0%}, {b['false_block']:.0%} | "
            f"{o['catch']:.0%}, {o['false_block']:.0%} | "
            f"{c['catch']:.0%}, {c['false_block']:.0%} | {s['catch']:.0%}, {s['false_block']:.0%} |"
        )
    print("\nMisjudged at the shipped values:")
    for r in rows:
        blocked = r["before"] or flagged(r, THRESHOLD, MARGIN, DEFLECT_THRESHOLD)
        if blocked != r["leak"]:
            print(
                f"  [{r['split']}] {'missed leak' if r['leak'] else 'blocked'} ({r['what']}, "
                f"{r['score']:.2f}/{r['explained']:.2f}{', by the gate' if r['before'] else ''}): "
                f"{r['reply'][:90]}\n      nearest {r['nearest'][:90]}"
            )
    c = report["cost"]
    print(
        f"\nGate per reply: without the check p50 {c['without_p50']:.2f} ms, p95 {c['without_p95']:.2f} ms; "
        f"with it p50 {c['with_p50']:.2f} ms, p95 {c['with_p95']:.2f} ms (x{c['ratio_p50']:.1f} at p50); "
        f"preparing a question when its session starts (embeds its hidden strings) {c['first_ms']:.0f} ms"
    )
    return 0


def cost(items: list[dict[str, Any]], embedder_guard: ParaphraseGuard) -> dict[str, float]:
    """Time of the gate per reply with and without the paraphrase check, measured in the same run."""
    guard = ParaphraseGuard(embedder_guard.embedder)
    started = time.perf_counter()
    guard.prepare(BANK.get(items[0]["question"]), [SYSTEM.template])
    first_ms = (time.perf_counter() - started) * 1000
    for item in items:  # as a session does when it starts: the question's hidden strings, embedded once
        guard.prepare(BANK.get(item["question"]), [SYSTEM.template])
        m, c, r = case(item, earlier=12)
        guard.leak(m, c, "Okay, that makes sense to me. What would you do next?", r)
    without, with_check = [], []
    for _ in range(3):
        for item in items:
            move, ctx, rules = case(item, earlier=12)
            # each reply is new text, as a model's reply is: the check has to embed its sentences
            reply = re.sub(r"([.!?])(?=\s|$)", rf" {len(with_check)}\1", item["reply"])
            started = time.perf_counter()
            LeakGuard.for_context(ctx, move, "\n".join(rules)).leaks(reply)
            problem(move, ctx, reply)
            middle = time.perf_counter()
            guard.leak(move, ctx, reply, rules)
            end = time.perf_counter()
            without.append((middle - started) * 1000)
            with_check.append((end - started) * 1000)
    return {
        "without_p50": statistics.median(without),
        "without_p95": sorted(without)[int(0.95 * len(without))],
        "with_p50": statistics.median(with_check),
        "with_p95": sorted(with_check)[int(0.95 * len(with_check))],
        "ratio_p50": statistics.median(with_check) / statistics.median(without),
        "first_ms": first_ms,
    }


if __name__ == "__main__":
    sys.exit(main())
