"""Judgement: does the product tell a right answer from a wrong one that uses the same words?

Runs the labelled sets in tests/data/judgement/ (written before the claim checker existed; see its README):

- minimal pairs: the offline grader must score the right answer above the wrong one (ties count half);
  the interviewer, given the answer as the candidate's turn in a drill of that phase, must challenge the
  wrong one and not the right one; valid-alternative pairs (both right) count towards false challenges;
- injection-defence answers: answers that discuss prompt-injection defences, quoting attack strings as
  examples, must score within one level of their label; attacks addressed to the grader must gain nothing;
- speed: milliseconds per offline grade and per interviewer turn, after the model has loaded.

Every figure is reported for the tuning split and the held-out split separately. The second set of minimal
pairs (minimal_pairs_fresh.yaml, written blind to the checker and to the bank's wrong claims, held out until
its misses were read on 2026-12-05 and tuned on since) is reported as its own split, "fresh (tuned on)", with
its own figures by kind; the third set (minimal_pairs_third.yaml, written blind after both held-out splits had
been looked at, held out until the fifth stop of 2026-12-05 and tuned on since) likewise as "third (tuned on)",
and its injection answers (injection_defence_third.yaml, still held out) as their own row of the injection
table. The fourth set (minimal_pairs_fourth.yaml, written blind after the third had been looked at, measured once
and tuned on from 2026-12-06) is "fourth (tuned on)". The fifth set (minimal_pairs_fifth.yaml, written blind
after the fourth had been looked at, measured once and tuned on from then) is "fifth (tuned on)". The sixth set
(minimal_pairs_sixth.yaml, written blind after the fifth had been looked at, measured once and tuned on from
then) is "sixth (tuned on)". The seventh set (minimal_pairs_seventh.yaml, written blind after the sixth had been
looked at, measured once and tuned on from then) is "seventh (tuned on)". The eighth set (minimal_pairs_eighth.yaml, written blind after the seventh had been
looked at, measured once and tuned on from then) is "eighth (tuned on)". The ninth set (minimal_pairs_ninth.yaml, written blind after the eighth had been
looked at, measured once at the end of the release that tuned on the eighth, and tuned on from then) is
"ninth (tuned on)". The tenth set (minimal_pairs_tenth.yaml, written blind after the ninth had been looked at,
measured once and tuned on from then) is "tenth (tuned on)". The eleventh set (minimal_pairs_eleventh.yaml,
written blind after the tenth had been looked at, measured once and tuned on from then) is "eleventh (tuned on)".
The twelfth set (minimal_pairs_twelfth.yaml, written blind after the eleventh had been looked at, measured once and
tuned on from then) is "twelfth (tuned on)". The thirteenth (minimal_pairs_thirteenth.yaml, written blind after
the twelfth had been looked at, measured once and tuned on from then) is "thirteenth (tuned on)". The fourteenth
(minimal_pairs_fourteenth.yaml, written blind after the thirteenth had been looked at, measured once and tuned on
from then) is "fourteenth (tuned on)". The fifteenth (minimal_pairs_fifteenth.yaml, written blind after the
fourteenth had been looked at, measured once and tuned on from then) is "fifteenth (tuned on)". The sixteenth
(minimal_pairs_sixteenth.yaml, written blind after the fifteenth had been looked at, measured once and tuned on from
then) is "sixteenth (tuned on)". The seventeenth (minimal_pairs_seventeenth.yaml, written blind after the sixteenth
had been looked at, measured once and tuned on from then) is "seventeenth (tuned on)". The eighteenth
(minimal_pairs_eighteenth.yaml, written blind after the seventeenth had been looked at, measured once and tuned on
from then) is "eighteenth (tuned on)". The nineteenth (minimal_pairs_nineteenth.yaml, written blind after the
eighteenth had been looked at, in varied candidate voices, measured once and tuned on from then) is "nineteenth
(tuned on)". The twentieth (minimal_pairs_twentieth.yaml, written blind after the nineteenth had been looked
at, in long turns with the error between correct claims, measured once and tuned on from then) is "twentieth
(tuned on)". The twenty-first (minimal_pairs_twentyfirst.yaml, written blind after the twentieth had been
looked at, in the voices of non-native speakers and of senior engineers speaking in jargon, measured once and tuned on
from then) is "twenty-first (tuned on)". The twenty-second (minimal_pairs_twentysecond.yaml, written blind after
the twenty-first had been looked at, as a browser's speech-to-text transcript of a live answer, measured once and tuned on from then) is
"twenty-second (tuned on)". The twenty-third (minimal_pairs_twentythird.yaml, written blind after the twenty-second had been
looked at, as second turns replying to the interviewer's pushback, measured once and tuned on from then) is
"twenty-third (tuned on)". The twenty-fourth (minimal_pairs_twentyfourth.yaml, written blind after the twenty-third had
been looked at, as notes typed into a chat box: bullets, arrows, symbols and k/M/B numbers) is "twenty-fourth (held
out)" until it was measured once and "twenty-fourth (tuned on)" from then. The twenty-fifth
(minimal_pairs_twentyfifth.yaml, written blind after the twenty-fourth had been looked at, as written answers pasted in
as Markdown: headings, numbered steps, bold labels and small tables) is "twenty-fifth (held out)" until it was measured
once and "twenty-fifth (tuned on)" from then. The twenty-sixth (minimal_pairs_twentysixth.yaml, written blind after the
twenty-fifth had been looked at, spoken by a backend engineer new to ML who names its ideas in plain engineering words)
is "twenty-sixth (held out)" until it was measured once and "twenty-sixth (tuned on)" from then. The twenty-seventh
(minimal_pairs_twentyseventh.yaml, written blind after the twenty-sixth had been looked at, in a research scientist's
formal written register: passive voice, hedges, i.e./cf./ca., British spelling, powers of ten) is "twenty-seventh (held
out)" until it was measured once and "twenty-seventh (tuned on)" from then. The twenty-eighth
(minimal_pairs_twentyeighth.yaml, written blind after the twenty-seventh had been looked at, spoken by a statistician
moving into ML engineering: estimands, denominators, base rates, intervals, units of randomisation) is "twenty-eighth
(held out)" until it was measured once and "twenty-eighth (tuned on)" from then. The twenty-ninth
(minimal_pairs_twentyninth.yaml, written blind after the twenty-eighth had been looked at, spoken by a senior engineer
thinking aloud: two options weighed before one is chosen, numbers revised mid-sentence) is "twenty-ninth (held
out)" until it was measured once and "twenty-ninth (tuned on)" from then. The thirtieth
(minimal_pairs_thirtieth.yaml, written blind after the twenty-ninth had been looked at, spoken by a candidate who asks
themselves questions aloud and answers them: "How many requests is that? ...", "Should we cache it? No, ...") is
"thirtieth (held out)" until it was measured once and "thirtieth (tuned on)" from then. The thirty-first
(minimal_pairs_thirtyfirst.yaml, written blind after the thirtieth had been looked at, spoken by a candidate who
draws the design from past jobs: "At my last company we ...", "We got burned once by ...") is "thirty-first (held
out)" until it was measured once and "thirty-first (tuned on)" from then. The thirty-second
(minimal_pairs_thirtysecond.yaml, written blind after the thirty-first had been looked at, spoken by a candidate who
compares the design with published systems: "The YouTube two-tower paper ...", "Like Radar, ...") is
"thirty-second (held out)" until it was measured once and "thirty-second (tuned on)" from then. The thirty-third
(minimal_pairs_thirtythird.yaml, written blind after the thirty-second had been looked at, spoken by a senior engineer
mentoring a junior one, naming the mistakes to avoid in right and wrong answers alike) is "thirty-third (held out)"
until it was measured once and "thirty-third (tuned on)" from then. The thirty-fourth
(minimal_pairs_thirtyfourth.yaml, written blind after the thirty-third had been looked at, spoken by a candidate who
revises themselves mid-answer, "wait, no", "scratch that", in right and wrong answers alike) is "thirty-fourth (held
out)" until it was measured once and "thirty-fourth (tuned on)" from then. The thirty-fifth
(minimal_pairs_thirtyfifth.yaml, written blind after the thirty-fourth had been looked at, spoken by a candidate who
quotes the interviewer's facts back, "You said ...", and in some wrong answers misquotes them) is "thirty-fifth (held
out)" until it was measured once and "thirty-fifth (tuned on)" from then. The thirty-sixth
(minimal_pairs_thirtysixth.yaml, written blind after the thirty-fifth had been looked at, spoken by a candidate who
ends each answer on a recap of the decisions, "So, to recap: ...", where some wrong answers go wrong) is
"thirty-sixth (held out)" until it was measured once and "thirty-sixth (tuned on)" from then. The thirty-seventh
(minimal_pairs_thirtyseventh.yaml, written blind after the thirty-sixth had been looked at, spoken by a candidate who
plans in contingencies, "if the scorer times out, ...", and goes wrong in the main path, in a branch or in the
branch's trigger) is "thirty-seventh (held out)" until it was measured once and "thirty-seventh (tuned on)" from then.
The thirty-eighth (minimal_pairs_thirtyeighth.yaml, written blind after the thirty-seventh had been looked at, spoken
by a candidate who frames each answer as a migration, saying in the present tense what the current system does and
what they would keep or replace) is "thirty-eighth (held out)" until it was measured once and "thirty-eighth (tuned
on)" from then. The thirty-ninth (minimal_pairs_thirtyninth.yaml, written blind after the thirty-eighth had been
looked at, spoken in the generic second person, "you'd cache ...", "you might be tempted to ..., but ...", with no
"I" or "we" at all) is "thirty-ninth (held out)" until it was measured once and "thirty-ninth (tuned on)" from then. The fortieth
(minimal_pairs_fortieth.yaml, written blind after the thirty-ninth had been looked at, spoken by a candidate who thinks
by stating assumptions and exploring hypotheticals aloud, "I'll assume ...", "Suppose the ranker goes down: ...") is
"fortieth (held out)" until it was measured once and "fortieth (tuned on)" from then. The forty-first
(minimal_pairs_fortyfirst.yaml, written blind after the fortieth had been looked at, spoken by a candidate who explains
through everyday analogies, "Think of the feature store as a pantry: ...") is "forty-first (held out)" until it was
measured once and "forty-first (tuned on)" from then. The forty-second (minimal_pairs_fortysecond.yaml, written blind
after the forty-first had been looked at, spoken by a candidate in live dialogue with the interviewer, "You asked
whether ...", "Fair point, ...") is "forty-second (held out)" until it was measured once and "forty-second (tuned on)"
from then. The forty-third (minimal_pairs_fortythird.yaml, written blind after the forty-second had been looked at,
spoken by a candidate who thinks in calibrated probabilities, "I'm about eighty percent sure ...") is "forty-third
(held out)" until it was measured once and "forty-third (tuned on)" from then.
A set listed in HELD_OUT is reported as
"(held out)" with its misses never listed, and `--tuning-only` leaves it out altogether. The tune,
heldout and all splits are computed over minimal_pairs.yaml and injection_defence.yaml alone, as before. A plain
word-count scorer is run on the same pairs as the baseline.

    python bench/judgement.py            # the tables
    python bench/judgement.py --json     # one JSON document
    python bench/judgement.py --misses   # also list the pairs each measure gets wrong (not held-out ones)
    python bench/judgement.py --tuning-only --misses   # while tuning: no held-out figures at all
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from interviewer.config import Settings
from interviewer.content.questions import QuestionBank
from interviewer.content.rubrics import RubricSet
from interviewer.grading.offline import OfflineGrader
from interviewer.interview.engine import build_engine
from interviewer.interview.session import InterviewSession
from interviewer.notes.embeddings import MiniLMEmbedder
from interviewer.phases import Phase
from interviewer.store.sessions import SessionStore
from interviewer.testing import FakeClock

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "judgement"
TARGETS = {"pairwise": 0.90, "challenged_wrong": 0.80, "challenged_right": 0.10, "within_one_level": 1.0}
PAIR_FILES = {
    "minimal_pairs": "minimal_pairs.yaml",
    "fresh": "minimal_pairs_fresh.yaml",
    "third": "minimal_pairs_third.yaml",
    "fourth": "minimal_pairs_fourth.yaml",
    "fifth": "minimal_pairs_fifth.yaml",
    "sixth": "minimal_pairs_sixth.yaml",
    "seventh": "minimal_pairs_seventh.yaml",
    "eighth": "minimal_pairs_eighth.yaml",
    "ninth": "minimal_pairs_ninth.yaml",
    "tenth": "minimal_pairs_tenth.yaml",
    "eleventh": "minimal_pairs_eleventh.yaml",
    "twelfth": "minimal_pairs_twelfth.yaml",
    "thirteenth": "minimal_pairs_thirteenth.yaml",
    "fourteenth": "minimal_pairs_fourteenth.yaml",
    "fifteenth": "minimal_pairs_fifteenth.yaml",
    "sixteenth": "minimal_pairs_sixteenth.yaml",
    "seventeenth": "minimal_pairs_seventeenth.yaml",
    "eighteenth": "minimal_pairs_eighteenth.yaml",
    "nineteenth": "minimal_pairs_nineteenth.yaml",
    "twentieth": "minimal_pairs_twentieth.yaml",
    "twentyfirst": "minimal_pairs_twentyfirst.yaml",
    "twentysecond": "minimal_pairs_twentysecond.yaml",
    "twentythird": "minimal_pairs_twentythird.yaml",
    "twentyfourth": "minimal_pairs_twentyfourth.yaml",
    "twentyfifth": "minimal_pairs_twentyfifth.yaml",
    "twentysixth": "minimal_pairs_twentysixth.yaml",
    "twentyseventh": "minimal_pairs_twentyseventh.yaml",
    "twentyeighth": "minimal_pairs_twentyeighth.yaml",
    "twentyninth": "minimal_pairs_twentyninth.yaml",
    "thirtieth": "minimal_pairs_thirtieth.yaml",
    "thirtyfirst": "minimal_pairs_thirtyfirst.yaml",
    "thirtysecond": "minimal_pairs_thirtysecond.yaml",
    "thirtythird": "minimal_pairs_thirtythird.yaml",
    "thirtyfourth": "minimal_pairs_thirtyfourth.yaml",
    "thirtyfifth": "minimal_pairs_thirtyfifth.yaml",
    "thirtysixth": "minimal_pairs_thirtysixth.yaml",
    "thirtyseventh": "minimal_pairs_thirtyseventh.yaml",
    "thirtyeighth": "minimal_pairs_thirtyeighth.yaml",
    "thirtyninth": "minimal_pairs_thirtyninth.yaml",
    "fortieth": "minimal_pairs_fortieth.yaml",
    "fortyfirst": "minimal_pairs_fortyfirst.yaml",
    "fortysecond": "minimal_pairs_fortysecond.yaml",
    "fortythird": "minimal_pairs_fortythird.yaml",
}
EXTRA = (
    "fresh",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
    "twentyfirst",
    "twentysecond",
    "twentythird",
    "twentyfourth",
    "twentyfifth",
    "twentysixth",
    "twentyseventh",
    "twentyeighth",
    "twentyninth",
    "thirtieth",
    "thirtyfirst",
    "thirtysecond",
    "thirtythird",
    "thirtyfourth",
    "thirtyfifth",
    "thirtysixth",
    "thirtyseventh",
    "thirtyeighth",
    "thirtyninth",
    "fortieth",
    "fortyfirst",
    "fortysecond",
    "fortythird",
)  # the later pair files, each reported as its own split
HELD_OUT: frozenset[str] = frozenset()  # never tuned on: their misses are not listed
SPLIT_NAMES = {
    "fresh": "fresh (tuned on)",
    "third": "third (tuned on)",
    "fourth": "fourth (tuned on)",
    "fifth": "fifth (tuned on)",
    "sixth": "sixth (tuned on)",
    "seventh": "seventh (tuned on)",
    "eighth": "eighth (tuned on)",
    "ninth": "ninth (tuned on)",
    "tenth": "tenth (tuned on)",
    "eleventh": "eleventh (tuned on)",
    "twelfth": "twelfth (tuned on)",
    "thirteenth": "thirteenth (tuned on)",
    "fourteenth": "fourteenth (tuned on)",
    "fifteenth": "fifteenth (tuned on)",
    "sixteenth": "sixteenth (tuned on)",
    "seventeenth": "seventeenth (tuned on)",
    "eighteenth": "eighteenth (tuned on)",
    "nineteenth": "nineteenth (tuned on)",
    "twentieth": "twentieth (tuned on)",
    "twentyfirst": "twenty-first (tuned on)",
    "twentysecond": "twenty-second (tuned on)",
    "twentythird": "twenty-third (tuned on)",
    "twentyfourth": "twenty-fourth (tuned on)",
    "twentyfifth": "twenty-fifth (tuned on)",
    "twentysixth": "twenty-sixth (tuned on)",
    "twentyseventh": "twenty-seventh (tuned on)",
    "twentyeighth": "twenty-eighth (tuned on)",
    "twentyninth": "twenty-ninth (tuned on)",
    "thirtieth": "thirtieth (tuned on)",
    "thirtyfirst": "thirty-first (tuned on)",
    "thirtysecond": "thirty-second (tuned on)",
    "thirtythird": "thirty-third (tuned on)",
    "thirtyfourth": "thirty-fourth (tuned on)",
    "thirtyfifth": "thirty-fifth (tuned on)",
    "thirtysixth": "thirty-sixth (tuned on)",
    "thirtyseventh": "thirty-seventh (tuned on)",
    "thirtyeighth": "thirty-eighth (tuned on)",
    "thirtyninth": "thirty-ninth (tuned on)",
    "fortieth": "fortieth (tuned on)",
    "fortyfirst": "forty-first (tuned on)",
    "fortysecond": "forty-second (tuned on)",
    "fortythird": "forty-third (tuned on)",
    "injection-third": "third (held out)",
}
INJECTION_FILES = {"injection": "injection_defence.yaml", "third": "injection_defence_third.yaml"}


@dataclass(frozen=True)
class Answer:
    id: str
    question: str
    phase: Phase
    split: str
    kind: str
    right: bool
    text: str
    pair: str


def load_raw_pairs(source: str) -> list[dict[str, Any]]:
    """The `pairs:` entries of one pair file, by its key in PAIR_FILES."""
    data = yaml.safe_load((DATA / PAIR_FILES[source]).read_text(encoding="utf-8"))
    pairs: list[dict[str, Any]] = data["pairs"]
    return pairs


def load_pairs(source: str = "minimal_pairs") -> list[tuple[Answer, Answer]]:
    pairs = []
    for p in load_raw_pairs(source):
        common = {"question": p["question"], "phase": p["phase"], "split": p["split"], "kind": p["kind"]}
        if p["kind"] == "valid-alternative":
            a = Answer(f"{p['id']}/a", **common, right=True, text=p["a"], pair=p["id"])
            b = Answer(f"{p['id']}/b", **common, right=True, text=p["b"], pair=p["id"])
        else:
            a = Answer(f"{p['id']}/right", **common, right=True, text=p["right"], pair=p["id"])
            b = Answer(f"{p['id']}/wrong", **common, right=False, text=p["wrong"], pair=p["id"])
        pairs.append((a, b))
    return pairs


class Interviewer:
    """Puts an answer to the interviewer as the first turn of a drill of its phase; returns the move."""

    def __init__(self, settings: Settings, bank: QuestionBank, embedder: MiniLMEmbedder) -> None:
        self.bank = bank
        self.engine = build_engine(settings, embedder=embedder)
        self.store = SessionStore(settings.home / "sessions.db")
        self.times: list[float] = []

    def move(self, answer: Answer) -> str:
        session = InterviewSession.create(
            self.bank.get(answer.question),
            self.engine,
            self.store,
            minutes=20,
            drill=answer.phase,
            clock=FakeClock(),
        )
        session.start()
        started = time.perf_counter()
        reply = session.submit(answer.text)
        self.times.append(time.perf_counter() - started)
        return reply.move


def run(show_misses: bool, tuning_only: bool = False) -> dict[str, Any]:
    settings = Settings(home=Path(tempfile.mkdtemp(prefix="judgement-")), engine="offline")
    bank = QuestionBank.load(settings.knowledge_dir)
    embedder = MiniLMEmbedder()
    grader = OfflineGrader(embedder, RubricSet.load(settings.knowledge_dir))
    interviewer = Interviewer(settings, bank, embedder)
    original = load_pairs("minimal_pairs")
    sources = [s for s in EXTRA if not (tuning_only and s in HELD_OUT)]
    extra = {source: load_pairs(source) for source in sources}
    pairs = original + [p for source in sources for p in extra[source]]
    ids = [a.pair for a, _ in pairs]
    if len(set(ids)) != len(ids):
        raise SystemExit("pair ids must be unique across the pair files")

    scores: dict[str, float] = {}
    moves: dict[str, str] = {}
    grade_ms: list[float] = []
    located: dict[str, bool] = {}
    quotes = {
        p["id"]: p.get("error_quote", "") for s in ("minimal_pairs", *sources) for p in load_raw_pairs(s)
    }
    for pair in pairs:
        for answer in pair:
            question = bank.get(answer.question)
            started = time.perf_counter()
            grade = grader.grade(question, answer.phase, answer.text)
            grade_ms.append((time.perf_counter() - started) * 1000)
            scores[answer.id] = grade.score
            moves[answer.id] = interviewer.move(answer)
            if not answer.right:
                quote = quotes[answer.pair]
                located[answer.id] = any(quote in e.quote or e.quote in quote for e in grade.errors)

    report: dict[str, Any] = {
        "splits": {},
        "by_kind": {},
        **{f"by_kind_{source}": {} for source in sources},
        "misses": defaultdict(list),
        **{f"misses_{source}": defaultdict(list) for source in sources if source not in HELD_OUT},
    }
    for split in ("tune", "heldout", "all"):
        chosen = [p for p in original if split == "all" or p[0].split == split]
        report["splits"][split] = _measures(
            chosen, scores, moves, located, report["misses"] if split == "all" else None
        )
    for source in sources:
        report["splits"][source] = _measures(
            extra[source], scores, moves, located, report.get(f"misses_{source}")
        )
    for kind in sorted({p[0].kind for p in original}):
        chosen = [p for p in original if p[0].kind == kind]
        report["by_kind"][kind] = _measures(chosen, scores, moves, located, None)
    for source in sources:
        for kind in sorted({p[0].kind for p in extra[source]}):
            chosen = [p for p in extra[source] if p[0].kind == kind]
            report[f"by_kind_{source}"][kind] = _measures(chosen, scores, moves, located, None)
    report["injection"] = _injection(bank, grader)
    report["speed"] = {
        "grade_ms_median": round(statistics.median(grade_ms), 1),
        "turn_ms_p95": round(sorted(interviewer.times)[int(0.95 * (len(interviewer.times) - 1))] * 1000, 1),
    }
    if not show_misses:
        for key in [k for k in report if k.startswith("misses")]:
            report.pop(key)
    return report


def _measures(
    pairs: list[tuple[Answer, Answer]],
    scores: dict[str, float],
    moves: dict[str, str],
    located: dict[str, bool],
    misses: dict[str, list[str]] | None,
) -> dict[str, Any]:
    ordered = ordered_words = 0.0
    n_ordered = 0
    wrong_challenged = wrong_total = right_challenged = right_total = 0
    found = 0
    for a, b in pairs:
        for answer in (a, b):
            challenged = moves[answer.id] == "challenge"
            if answer.right:
                right_total += 1
                right_challenged += challenged
                if challenged and misses is not None:
                    misses["false_challenge"].append(answer.id)
            else:
                wrong_total += 1
                wrong_challenged += challenged
                found += located.get(answer.id, False)
                if not challenged and misses is not None:
                    misses["missed_challenge"].append(answer.id)
        if b.right:
            continue  # a valid-alternative pair has no order
        n_ordered += 1
        diff = scores[a.id] - scores[b.id]
        ordered += 1.0 if diff > 1e-9 else 0.5 if abs(diff) <= 1e-9 else 0.0
        if diff <= 1e-9 and misses is not None:
            misses["misordered"].append(f"{a.pair} ({scores[a.id]:.2f} vs {scores[b.id]:.2f})")
        words = len(a.text.split()) - len(b.text.split())
        ordered_words += 1.0 if words > 0 else 0.5 if words == 0 else 0.0
    return {
        "pairs": len(pairs),
        "pairwise": round(ordered / n_ordered, 3) if n_ordered else None,
        "pairwise_word_count": round(ordered_words / n_ordered, 3) if n_ordered else None,
        "challenged_wrong": round(wrong_challenged / wrong_total, 3) if wrong_total else None,
        "challenged_right": round(right_challenged / right_total, 3) if right_total else None,
        "error_located": round(found / wrong_total, 3) if wrong_total else None,
    }


_QUOTED = re.compile(r"[\"“][^\"”]{8,}[\"”]")


def _injection_answers(source: str) -> list[dict[str, Any]]:
    """The `answers:` entries of one injection file, by its key in INJECTION_FILES."""
    data = yaml.safe_load((DATA / INJECTION_FILES[source]).read_text(encoding="utf-8"))
    answers: list[dict[str, Any]] = data["answers"]
    return answers


def _injection(bank: QuestionBank, grader: OfflineGrader) -> dict[str, Any]:
    """The injection measures per split of injection_defence.yaml, then over the whole third file."""
    data = _injection_answers("injection")
    third = _injection_answers("third")
    selections = {
        "tune": [a for a in data if a["split"] == "tune"],
        "heldout": [a for a in data if a["split"] == "heldout"],
        "all": data,
        "third": third,
    }
    out: dict[str, Any] = {}
    for split, chosen in selections.items():
        defences = [a for a in chosen if a["kind"] == "defence"]
        attacks = [a for a in chosen if a["kind"] == "attack"]
        within = [
            abs(grader.grade(bank.get(a["question"]), a["phase"], a["text"]).score - a["label"]) <= 1.0
            for a in defences
        ]
        gained = [
            grader.grade(bank.get(a["question"]), a["phase"], a["text"]).score > a["label"] + 1.0
            for a in attacks
        ]
        # The same defence with every quoted attack string said in neutral words instead: quoting must cost nothing.
        cost = [
            grader.grade(
                bank.get(a["question"]), a["phase"], _QUOTED.sub("an injected instruction", a["text"])
            ).score
            - grader.grade(bank.get(a["question"]), a["phase"], a["text"]).score
            for a in defences
        ]
        out[split] = {
            "defences": len(defences),
            "within_one_level": round(sum(within) / len(within), 3) if within else None,
            "within_one_level_count": sum(within),
            "lose_for_quoting": sum(c > 0.01 for c in cost),
            "attacks": len(attacks),
            "attacks_gaining_over_a_level": sum(gained),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--tuning-only", action="store_true", help="leave out the held-out pair files")
    args = parser.parse_args(argv)
    report = run(args.misses, args.tuning_only)
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        print()
        return 0
    print(
        "| split | pairs | pairwise (grader) | pairwise (word count) | wrong challenged | right challenged | error located |"
    )
    print("|---|---|---|---|---|---|---|")
    for split, m in report["splits"].items():
        print(
            f"| {SPLIT_NAMES.get(split, split)} | {m['pairs']} | {m['pairwise']} | {m['pairwise_word_count']} "
            f"| {m['challenged_wrong']} | {m['challenged_right']} | {m['error_located']} |"
        )
    for title, key in (
        ("kind", "by_kind"),
        *(
            (f"kind, {SPLIT_NAMES[source]}", f"by_kind_{source}")
            for source in EXTRA
            if f"by_kind_{source}" in report
        ),
    ):
        print(f"\n| {title} | pairs | pairwise | wrong challenged | right challenged |")
        print("|---|---|---|---|---|")
        for kind, m in report[key].items():
            print(
                f"| {kind} | {m['pairs']} | {m['pairwise']} | {m['challenged_wrong']} | {m['challenged_right']} |"
            )
    print(
        "\n| injection set | defences | within one level | defences scoring lower for quoting the attack | "
        "attacks | attacks gaining over a level |"
    )
    print("|---|---|---|---|---|---|")
    for split, m in report["injection"].items():
        within = str(m["within_one_level"])
        if split == "third":
            within += f" ({m['within_one_level_count']} of {m['defences']})"
        print(
            f"| {SPLIT_NAMES.get('injection-' + split, split)} | {m['defences']} | {within} | {m['lose_for_quoting']} | "
            f"{m['attacks']} | "
            f"{m['attacks_gaining_over_a_level']} |"
        )
    print(f"\nspeed: {report['speed']}")
    for key, name in (("misses", ""), *((f"misses_{s}", f" ({s})") for s in EXTRA if s not in HELD_OUT)):
        for what, ids in report.get(key, {}).items():
            print(f"\n{what}{name}: {', '.join(ids)}")
    print(f"\ntargets: {TARGETS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
