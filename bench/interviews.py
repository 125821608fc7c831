"""Whole scripted interviews with simulated strong, medium and weak candidates: pacing, depth and variety.

Run: `python bench/interviews.py [--questions 5] [--json]` (a few minutes on two cores; the offline
engine with its real grader, no notes index).

For each of five questions, three 45-minute interviews on the speaking clock of scripted runs (130 words a
minute for the candidate, plus a pause, and the interviewer's own speaking time). The candidate is
simulated from `bench/data/interview_candidates.yaml`: its quality is fixed first (strong, medium, weak),
then each interviewer question is answered with the unused statement of that quality sharing the most
words with the question; a depth follow-up about a component the candidate named is answered from the
quality's answers for that angle (scale, failure, cost, ...) with the component's name filled in. A
candidate with nothing new left says its closest statement again, which the interviewer hears as a repeat.

Reported: minutes per phase against the plan, candidate turns per phase, the share of follow-ups that
reference the candidate's own words (all follow-ups, and depth follow-ups alone), the most repeated
interviewer sentence of four words or more, and the overall scores by candidate (their order per question).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from interviewer.config import Settings
from interviewer.content.questions import Question, QuestionBank
from interviewer.interview.clock import SpeakingClock
from interviewer.interview.commands import act
from interviewer.interview.depth import components
from interviewer.interview.engine import build_engine
from interviewer.interview.reading import content_words
from interviewer.interview.session import InterviewSession
from interviewer.phases import PHASE_NAMES, PHASES, Phase
from interviewer.store.sessions import SessionStore

ROOT = Path(__file__).resolve().parents[1]
BANK_FILE = ROOT / "bench" / "data" / "interview_candidates.yaml"
QUALITIES = ("strong", "medium", "weak")
FOLLOW_UPS = ("probe", "deepen", "challenge", "push_numbers", "push_reasoning", "repeat", "off_topic")
_ANGLE_CUES: tuple[tuple[str, str], ...] = (
    ("target", r"hard limit|number come from|doubles"),
    ("rollout", r"roll out|new version"),
    ("training", r"in training as in serving|same features"),
    ("monitoring", r"misbehaving|notice|alert"),
    ("consistency", r"lost or arrives late|write to"),
    ("freshness", r"stale|up to date|fresh"),
    ("latency", r"latency budget|milliseconds"),
    ("alternatives", r"rather than|switch from|why "),
    ("cost", r"cost|money|cheaper"),
    ("failure", r"times out|is down|fails|unreachable|breaks"),
    ("scale", r"machines|happens to .* at|requests a second|traffic"),
)
CLOSING = {
    "strong": "I'd revisit the candidate generation first: it limits quality and cost, and I'd measure it before "
    "adding anything else.",
    "medium": "I'd probably improve the model.",
    "weak": "I'm not sure, maybe make it faster.",
}


def _jaccard(a: str, b: str) -> float:
    x, y = content_words(a), content_words(b)
    return len(x & y) / len(x | y) if x and y else 0.0


@dataclass
class Candidate:
    """A simulated candidate of one quality answering from the statement bank."""

    quality: str
    statements: dict[Phase, list[str]]
    angles: dict[str, list[str]]
    said: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, quality: str, question: Question, bank: dict[str, Any]) -> Candidate:
        mine = bank["questions"][question.id]
        statements: dict[Phase, list[str]] = {}
        for phase in PHASES:
            per = mine[phase]
            if quality == "strong":
                statements[phase] = [*per["strong"], *per["medium"]]
            elif quality == "medium":
                statements[phase] = [*per["medium"], *per["strong"][1:3]]
            else:
                statements[phase] = [*bank["weak_by_phase"][phase], per["medium"][-1]]
        angles: dict[str, list[str]] = {}
        pools = [bank["angles"][quality]] + ([bank["angles"]["strong_more"]] if quality == "strong" else [])
        for pool in pools:
            for angle, text in pool.items():
                angles.setdefault(angle, []).append(text)
        return cls(quality, statements, angles)

    def answer(self, session: InterviewSession, asked: str, move: str) -> str:
        if session.state == "wrap_up":
            return CLOSING[self.quality]
        phase = session.phase
        assert phase is not None
        if move == "deepen":
            reply = self._on_component(asked)
            if reply:
                return self._say(reply)
        unused = [s for s in self.statements[phase] if s not in self.said]
        if unused:
            best = max(unused, key=lambda s: (len(content_words(s) & content_words(asked)), -unused.index(s)))
            return self._say(best)
        reply = self._on_component(asked) or self._fresh(self.angles["generic"])
        if reply:
            return self._say(reply)
        # Nothing new left: the closest thing already said, again.
        return self._say(
            max(self.statements[phase], key=lambda s: len(content_words(s) & content_words(asked)))
        )

    def _on_component(self, asked: str) -> str | None:
        low = asked.lower()
        named = [c for c in components(self.said) if c.kind != "number" and _bare(c.said) in low]
        named.sort(key=lambda c: low.index(_bare(c.said)))  # the one the question is about comes first
        angle = next((a for a, cue in _ANGLE_CUES if re.search(cue, asked, re.I)), "generic")
        it = named[0].said if named else "it"
        texts = [t.replace("{it}", it) for t in self.angles.get(angle, self.angles["generic"])]
        if named and self.quality != "weak":
            # An elaboration ties back to where the candidate first put the component in their design.
            origin = next((s for s in self.said if named[0].said in s), "")
            origin = origin if re.match(r"I\b", origin) else origin[:1].lower() + origin[1:]
            texts = [f"{t} That's why I said {origin}" if origin else t for t in texts]
        reply = self._fresh(texts)
        return reply[0].upper() + reply[1:] if reply else None

    def _fresh(self, texts: list[str]) -> str | None:
        """The first text that would not sound like a repeat of something already said."""
        return next((t for t in texts if all(_jaccard(t, s) < 0.8 for s in self.said)), None)

    def _say(self, text: str) -> str:
        self.said.append(text)
        return text


def _bare(said: str) -> str:
    return re.sub(r"^(?:an?|the)\s+", "", said.lower())


def run_interview(
    question: Question, quality: str, bank: dict[str, Any], engine: Any, home: Path
) -> dict[str, Any]:
    store = SessionStore(home / f"{question.id}-{quality}.db")
    clock = SpeakingClock(start=1_700_000_000.0)
    session = InterviewSession.create(question, engine, store, clock=clock, minutes=45)
    candidate = Candidate.build(quality, question, bank)
    reply = session.start()
    clock.interviewer(reply.text)
    for _ in range(400):
        if session.done:
            break
        last = session.turns[-1]
        text = candidate.answer(session, reply.text, str(last.meta.get("move", "")))
        clock.candidate(text)
        reply = act(session, text).reply
        clock.interviewer(reply.text)
    if not session.done:
        reply = session.end()
    return measure(session, quality)


def _references(text: str, earlier: list[str]) -> bool:
    """Whether an interviewer turn names something the candidate said: a component they named, or an
    echo or quote of four words or more of theirs."""
    low = text.lower()
    if any(_bare(c.said) in low for c in components(earlier) if len(c.said) > 2):
        return True
    words = re.findall(r"[a-z0-9']+", low)
    grams = {tuple(words[i : i + 4]) for i in range(len(words) - 3)}
    for said in earlier:
        theirs = re.findall(r"[a-z0-9']+", said.lower())
        if grams & {tuple(theirs[i : i + 4]) for i in range(len(theirs) - 3)}:
            return True
    return False


def measure(session: InterviewSession, quality: str) -> dict[str, Any]:
    report = session.report()
    turns = session.turns
    minutes = {p: round(session.data["spent"].get(p, 0.0) / 60.0, 1) for p in PHASES}
    counts = {p: sum(1 for t in turns if t.role == "candidate" and t.phase == p) for p in PHASES}
    follow = deep = follow_ref = deep_ref = 0
    said: list[str] = []
    sentences: Counter[str] = Counter()
    for t in turns:
        if t.role == "candidate" and t.kind in ("answer", "question"):
            said.append(t.text)
        if t.role != "interviewer":
            continue
        for s in re.split(r"(?<=[.!?])\s+", t.text):
            if len(s.split()) >= 4 and not any(s in f.fact for f in session.question.hidden_facts):
                sentences[s] += 1
        move = t.meta.get("move")
        if move in FOLLOW_UPS and said:
            ref = _references(t.text, said)
            follow += 1
            follow_ref += ref
            if move == "deepen":
                deep += 1
                deep_ref += ref
    top = sentences.most_common(1)[0] if sentences else ("", 0)
    card = report.scorecard
    return {
        "question": session.question.id,
        "quality": quality,
        "minutes": minutes,
        "planned": dict(session.pacing.minutes),
        "turns": counts,
        "reasons": {v["phase"]: v["reason"] for v in session.data["visits"]},
        "follow_ups": follow,
        "follow_ups_referencing": follow_ref,
        "deepen": deep,
        "deepen_referencing": deep_ref,
        "most_repeated": {"sentence": top[0], "times": top[1]},
        "overall": card.overall,
        "signal": card.signal,
        "transcript": [(t.role, t.meta.get("move"), t.phase, t.text) for t in turns],
    }


def summarise(results: list[dict[str, Any]]) -> str:
    lines = ["### Minutes per phase (mean of all interviews) against the plan, and candidate turns", ""]
    lines += ["| candidate | " + " | ".join(PHASE_NAMES[p] for p in PHASES) + " | total |", "|---" * 7 + "|"]
    plan = results[0]["planned"]
    lines.append("| plan | " + " | ".join(f"{plan[p]:g}" for p in PHASES) + f" | {sum(plan.values()):g} |")
    for quality in QUALITIES:
        rows = [r for r in results if r["quality"] == quality]
        cells = [
            f"{statistics.mean(r['minutes'][p] for r in rows):.1f} min, {statistics.mean(r['turns'][p] for r in rows):.0f} turns"
            for p in PHASES
        ]
        total = statistics.mean(sum(r["minutes"].values()) for r in rows)
        lines.append(f"| {quality} | " + " | ".join(cells) + f" | {total:.1f} min |")
    reasons = Counter(reason for r in results for reason in r["reasons"].values())
    lines += ["", f"Why phases ended: {dict(reasons)}", ""]
    follow = sum(r["follow_ups"] for r in results)
    ref = sum(r["follow_ups_referencing"] for r in results)
    deep = sum(r["deepen"] for r in results)
    deep_ref = sum(r["deepen_referencing"] for r in results)
    lines.append(
        f"Follow-ups referencing the candidate's own words: {ref}/{follow} ({ref / max(1, follow):.0%}); "
    )
    lines.append(f"depth follow-ups alone: {deep_ref}/{deep} ({deep_ref / max(1, deep):.0%})")
    worst = max(results, key=lambda r: r["most_repeated"]["times"])
    lines.append(
        f"Most repeated interviewer sentence: \u201c{worst['most_repeated']['sentence']}\u201d "
        f"({worst['most_repeated']['times']} times, {worst['question']}, {worst['quality']})"
    )
    lines += [
        "",
        "### Overall score (and signal) by candidate",
        "",
        "| question | strong | medium | weak | order holds |",
        "|---|---|---|---|---|",
    ]
    held = 0
    questions = sorted({r["question"] for r in results}, key=[r["question"] for r in results].index)
    for qid in questions:
        scores = {r["quality"]: r["overall"] or 0.0 for r in results if r["question"] == qid}
        signals = {r["quality"]: r["signal"] for r in results if r["question"] == qid}
        ok = scores["strong"] > scores["medium"] > scores["weak"]
        held += ok
        cells = " | ".join(f"{scores[q]:.2f} ({signals[q]})" for q in QUALITIES)
        lines.append(f"| {qid} | {cells} | {'yes' if ok else 'no'} |")
    lines.append(f"\nScore order strong > medium > weak held for {held} of {len(questions)} questions.")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--transcript", metavar="QUESTION", help="print one strong transcript excerpt")
    parser.add_argument("--dump", metavar="FILE", help="write every result, transcripts included, as JSON")
    args = parser.parse_args()
    bank_data = yaml.safe_load(BANK_FILE.read_text(encoding="utf-8"))
    bank = QuestionBank.load(ROOT / "knowledge")
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        engine = build_engine(Settings(home=home / "home", engine="offline"))
        for qid in list(bank_data["questions"])[: args.questions]:
            for quality in QUALITIES:
                result = run_interview(bank.get(qid), quality, bank_data, engine, home)
                results.append(result)
                print(
                    f"{qid} {quality}: {sum(result['minutes'].values()):.1f} min, overall {result['overall']}",
                    file=sys.stderr,
                )
    if args.dump:
        Path(args.dump).write_text(json.dumps(results, indent=1), encoding="utf-8")
    if args.json:
        print(json.dumps([{k: v for k, v in r.items() if k != "transcript"} for r in results], indent=2))
    else:
        print(summarise(results))
    if args.transcript:
        strong = next(r for r in results if r["question"] == args.transcript and r["quality"] == "strong")
        print("\n### Transcript excerpt\n")
        for role, move, phase, text in strong["transcript"]:
            if phase == "deep_dive" and role != "system":
                print(f"- **{role}**{f' ({move})' if move else ''}: {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
