"""The "ask" table: how the offline answers to the labelled questions of a notes set read to a person.

    python bench/ask_judgements.py --table                 # the table, from the judgement files
    python bench/ask_judgements.py --dump patterns         # answer a set's questions, for judging

Each judgement file (`tests/data/ask_judgements_<set>.yaml`) holds, for every question of a label set, the
offline answer that was read (its text and a digest), and a verdict given by reading it against the notes:
- in-scope and false-premise questions: `correct` (the passage answers the question; for a false premise, it
  also corrects the premise, by the answer's own warning or by a passage that plainly says otherwise),
  `partly` (it holds part of the answer, or the answer is there but buried or cut), `wrong` (it does not
  answer), or `declined` (the answerer declined a question the notes answer);
- off-topic questions: `declined` (rightly) or `answered` (wrongly).
`--dump` keeps the verdict of every question whose answer has not changed (its words; line breaks aside) and
marks the others `unjudged`, so a verdict always belongs to the answer it was given for.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

from interviewer.config import Settings
from interviewer.notes.ask import Answerer
from interviewer.notes.embeddings import MiniLMEmbedder
from interviewer.notes.index import NotesIndex

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from retrieval import KINDS, LABEL_FILES, load_questions  # noqa: E402

JUDGED_SETS = {
    "patterns": REPO / "tests" / "data" / "ask_judgements_ml-system-design-pattern.yaml",
    "mlops": REPO / "tests" / "data" / "ask_judgements_ml-ops-org.yaml",
    "designdocs": REPO / "tests" / "data" / "ask_judgements_ml-design-docs.yaml",
    "mleng": REPO / "tests" / "data" / "ask_judgements_ml-engineering.yaml",
    "appliedllms": REPO / "tests" / "data" / "ask_judgements_applied-llms.yaml",
    "mlbeginners": REPO / "tests" / "data" / "ask_judgements_ml-for-beginners.yaml",
    "dtumlops": REPO / "tests" / "data" / "ask_judgements_dtu-mlops.yaml",
}
IN_SCOPE_VERDICTS = ("correct", "partly", "wrong", "declined")
OFF_TOPIC_VERDICTS = ("declined", "answered")


def digest(answer: str) -> str:
    return hashlib.sha256(answer.encode("utf-8")).hexdigest()[:12]


def _words(answer: str) -> str:
    return " ".join(answer.split())


def load(label_set: str) -> list[dict[str, str]]:
    path = JUDGED_SETS[label_set]
    if not path.exists():
        return []
    return list((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("judgements") or [])


def dump(label_set: str) -> None:
    """Answer every question of `label_set` offline and write them for judging, keeping standing verdicts."""
    # A verdict belongs to the answer's words: a change of line breaks alone (how the passage is laid out in
    # Markdown) keeps it.
    previous = {(j["q"], _words(j["answer"])): j for j in load(label_set)}
    embedder = MiniLMEmbedder()
    embedder.load()
    questions = load_questions(label_set, "all", KINDS)
    entries = []
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home), engine="offline")
        answerers = {
            folder: Answerer(NotesIndex(settings, embedder, [folder]), embedder)
            for folder in {q.folder for q in questions}
        }
        for q in questions:
            answer = answerers[q.folder].answer(q.text).answer
            old = previous.get((q.text, _words(answer)), {})
            entries.append(
                {
                    "q": q.text,
                    "kind": q.kind,
                    "split": q.split,
                    "label": f"{q.file} › {q.heading}" if q.file else "",
                    "verdict": old.get("verdict", "unjudged"),
                    "why": old.get("why", ""),
                    "digest": digest(answer),
                    "answer": answer,
                }
            )
    path = JUDGED_SETS[label_set]
    header = path.read_text(encoding="utf-8").split("judgements:")[0] if path.exists() else ""
    body = yaml.safe_dump({"judgements": entries}, allow_unicode=True, sort_keys=False, width=110)
    path.write_text(header + body, encoding="utf-8")


def tally(label_set: str, split: str = "all") -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {
        "in-scope": Counter(),
        "false-premise": Counter(),
        "abstain": Counter(),
    }
    for judgement in load(label_set):
        if split in ("all", judgement["split"]):
            counts[judgement["kind"]][judgement["verdict"]] += 1
    return counts


def print_table(label_sets: tuple[str, ...] = tuple(JUDGED_SETS)) -> None:
    print("\n## Ask: the offline answers, judged by reading them (`tests/data/ask_judgements_*.yaml`)\n")
    print(
        "| questions | split | kind | n | correct | partly | wrong | declined wrongly | declined rightly "
        "| answered wrongly | unjudged |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for label_set in label_sets:
        splits = sorted({j["split"] for j in load(label_set)}, key=["tune", "test"].index)
        for split in [*splits, "all"] if len(splits) > 1 else splits:
            for kind, counts in tally(label_set, split).items():
                n = sum(counts.values())
                if not n:
                    continue
                if kind == "abstain":
                    cells = ["", "", "", "", str(counts["declined"]), str(counts["answered"])]
                else:
                    cells = [str(counts[v]) for v in ("correct", "partly", "wrong", "declined")] + ["", ""]
                unjudged = counts["unjudged"] or ""
                print(f"| {label_set} | {split} | {kind} | {n} | " + " | ".join(cells) + f" | {unjudged} |")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dump", choices=sorted(JUDGED_SETS))
    parser.add_argument("--table", action="store_true")
    args = parser.parse_args()
    if args.dump:
        assert args.dump in LABEL_FILES
        dump(args.dump)
    if args.table or not args.dump:
        print_table()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
