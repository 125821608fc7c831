"""Retrieval quality and speed: hit@1, hit@5 and MRR per search mode, indexing time, query latency, memory.

    python bench/retrieval.py                  # everything (a few minutes on 2 cores)
    python bench/retrieval.py --skip-scale     # quality and primer indexing only
    python bench/retrieval.py --split dev      # quality on the tuning half only

Quality uses the labelled questions in `tests/data/retrieval_questions.yaml` over `knowledge/` and the
System Design Primer (Donne Martin and contributors, CC BY 4.0). A result is a hit when it comes from the
labelled file and from the labelled section or a subsection of it.

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

import numpy as np
import yaml

from interviewer.chunking import chunk_note
from interviewer.config import Settings
from interviewer.embeddings import MiniLMEmbedder
from interviewer.index import NotesIndex, SearchMode
from interviewer.notes import decode_note, scan_folder

REPO = Path(__file__).resolve().parent.parent
LABELS = REPO / "tests" / "data" / "retrieval_questions.yaml"
MODES: tuple[SearchMode, ...] = ("dense", "bm25", "hybrid")


@dataclass(frozen=True)
class Question:
    text: str
    notes_set: str
    file: str
    heading: str
    split: str
    also: tuple[tuple[str, str], ...] = ()


def load_questions(split: str) -> tuple[dict[str, Path], list[Question]]:
    data = yaml.safe_load(LABELS.read_text(encoding="utf-8"))
    sets = {name: (REPO / path).resolve() for name, path in data["sets"].items()}
    questions = [
        Question(
            q["q"], q["set"], q["file"], q["heading"], q["split"], tuple(tuple(a) for a in q.get("also", ()))
        )
        for q in data["questions"]
        if split == "all" or q["split"] == split
    ]
    return sets, questions


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


def build_indexes(embedder: MiniLMEmbedder, home: Path) -> tuple[dict[str, NotesIndex], dict[str, float]]:
    sets, _ = load_questions("all")
    settings = Settings(home=home, engine="offline")
    timings: dict[str, float] = {}
    indexes: dict[str, NotesIndex] = {}
    for name, folder in sets.items():
        index = NotesIndex(settings, embedder, [folder])
        started = time.perf_counter()
        (report,) = index.ensure_synced()
        timings[name] = time.perf_counter() - started
        timings[f"{name}_chunks"] = report.chunks
        indexes[name] = index
    return indexes, timings


def quality(indexes: dict[str, NotesIndex], split: str, *, strict: bool) -> dict[str, dict[str, float]]:
    _, questions = load_questions(split)
    table: dict[str, dict[str, float]] = {}
    for mode in MODES:
        hit1 = hit5 = rr = 0.0
        misses = []
        for question in questions:
            results = indexes[question.notes_set].search(question.text, k=5, mode=mode)
            ranks = [
                i
                for i, r in enumerate(results, 1)
                if is_hit(r.source, r.heading, r.heading_path, question, strict=strict)
            ]
            if ranks:
                hit1 += ranks[0] == 1
                hit5 += 1
                rr += 1 / ranks[0]
            else:
                misses.append(question.text[:70])
        n = len(questions)
        table[mode] = {"hit@1": hit1 / n, "hit@5": hit5 / n, "MRR": rr / n, "n": n}
        if mode == "hybrid" and misses and not strict:
            print(f"hybrid misses ({split}): " + " | ".join(misses), file=sys.stderr)
    return table


def throughput(embedder: MiniLMEmbedder, sample: int) -> dict[str, float]:
    """Chunks per second embedding the primer's chunks in batches versus one text at a time."""
    corpus = REPO.parent / "shared" / "corpora" / "system-design-primer"
    texts = [
        c.embed_text
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
    corpora = [REPO.parent / "shared" / "corpora" / "system-design-primer", REPO / "knowledge"]
    chunks = [
        c
        for folder in corpora
        for f in scan_folder(folder).files
        for c in chunk_note(decode_note(f), real.count_tokens, max_tokens=real.max_tokens)
    ]
    base_vectors = real.embed([c.embed_text for c in chunks])
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
            base[f"f{file_number}.md › {heading}"] = base_vectors[i]
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
    shutil.rmtree(work, ignore_errors=True)
    return {
        "chunks": report.chunks,
        "build_s": build,
        "p50_ms": statistics.median(latencies),
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))],
        "rss_mb": rss_mb(),
    }


# ---- report --------------------------------------------------------------------------------------


def print_scale(scales: str) -> None:
    print("\n## Scale (synthetic chunks, one process each)\n")
    print("| chunks | build | query p50 | query p95 | RSS |")
    print("|---|---|---|---|---|")
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
            f"{row['p95_ms']:.1f} ms | {row['rss_mb']:.0f} MB |"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--split", choices=["dev", "test", "all"], default=None)
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--scale-only", action="store_true")
    parser.add_argument("--scales", default="10000,50000")
    parser.add_argument("--sample", type=int, default=120, help="chunks for the throughput comparison")
    parser.add_argument("--scale-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    _, questions = load_questions("all")
    if args.scale_child:
        print(json.dumps(scale(args.scale_child, [q.text for q in questions])))
        return 0

    if args.scale_only:
        print_scale(args.scales)
        return 0
    embedder = MiniLMEmbedder()
    embedder.load()
    print("## Retrieval quality (top 5)\n")
    print("| questions | answers | mode | n | hit@1 | hit@5 | MRR |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as home:
        indexes, timings = build_indexes(embedder, Path(home))
        for split in [args.split] if args.split else ["dev", "test", "all"]:
            for strict in (False, True):
                table = quality(indexes, split, strict=strict)
                label = "labelled only" if strict else "labelled + also"
                for mode, row in table.items():
                    print(
                        f"| {split} | {label} | {mode} | {row['n']:.0f} | {row['hit@1']:.3f} | "
                        f"{row['hit@5']:.3f} | {row['MRR']:.3f} |"
                    )

    rate = throughput(embedder, args.sample)
    print("\n## Indexing\n")
    print("| measure | value |")
    print("|---|---|")
    print(
        f"| primer indexed from scratch | {timings['primer']:.1f} s ({timings['primer_chunks']:.0f} chunks) |"
    )
    print(
        f"| knowledge/ indexed from scratch | {timings['knowledge']:.1f} s ({timings['knowledge_chunks']:.0f} chunks) |"
    )
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
