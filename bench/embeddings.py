"""Offline embedding speed: paragraphs per second in batches of 32 and one at a time, and memory.

The paragraphs come from the system-design-primer corpus (Donne Martin and contributors, CC BY 4.0,
shipped in `tests/data/corpora/`), repeated if needed to reach the requested count. Both modes run in
the same process on the same paragraphs, after the model has loaded, and print one Markdown table; the
one-at-a-time mode is compared with batches on the same subset.

    python bench/embeddings.py                      # 1000 paragraphs batched, 200 one at a time
    python bench/embeddings.py --paragraphs 300 --single 100 --threads 2
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from interviewer.notes.embeddings import MiniLMEmbedder

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "corpora" / "system-design-primer"


def paragraphs(count: int, corpus: Path) -> list[str]:
    found: list[str] = []
    for path in sorted(corpus.glob("*.md")):
        for block in path.read_text(encoding="utf-8").split("\n\n"):
            text = " ".join(block.split())
            if len(text) >= 80 and not text.startswith(("![", "|", "<")):
                found.append(text)
    if not found:
        raise SystemExit(f"no paragraphs found in {corpus}")
    random.Random(0).shuffle(found)  # a fixed mix of short and long paragraphs in any prefix
    return [found[i % len(found)] for i in range(count)]


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=1000)
    parser.add_argument("--single", type=int, default=200, help="paragraphs embedded one at a time")
    parser.add_argument("--threads", type=int, default=None, help="onnxruntime threads (default: all cores)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()

    texts = paragraphs(args.paragraphs, args.corpus)
    rss_start = rss_mb()
    embedder = MiniLMEmbedder(batch_size=32, threads=args.threads)
    started = time.perf_counter()
    embedder.load()
    load_s = time.perf_counter() - started
    rss_loaded = rss_mb()
    wordpieces = [embedder.count_tokens(t) for t in texts]
    subset = texts[: args.single]

    def one_at_a_time(items: list[str]) -> None:
        for text in items:
            embedder.embed([text])

    rows = [
        ("batch of 32", len(texts), *measure(lambda: embedder.embed(texts))),
        ("batch of 32", len(subset), *measure(lambda: embedder.embed(subset))),
        ("one at a time", len(subset), *measure(lambda: one_at_a_time(subset))),
    ]

    print(
        f"{len(texts)} paragraphs, median {statistics.median(wordpieces):.0f} wordpieces "
        f"({sum(w > 254 for w in wordpieces)} truncated); model load {load_s:.2f} s\n"
    )
    print("| mode | paragraphs | wall (s) | CPU (s) | paragraphs/s | peak RSS (MB) |")
    print("|---|---:|---:|---:|---:|---:|")
    for mode, count, wall, cpu, rss in rows:
        print(f"| {mode} | {count} | {wall:.2f} | {cpu:.2f} | {count / wall:.0f} | {rss:.0f} |")
    print(f"\nRSS before loading {rss_start:.0f} MB, after loading {rss_loaded:.0f} MB.")


def measure(action: Callable[[], object]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (all threads) and peak RSS after running `action` once."""
    cpu, started = cpu_seconds(), time.perf_counter()
    action()
    return time.perf_counter() - started, cpu_seconds() - cpu, rss_mb()


if __name__ == "__main__":
    main()
