"""Load: 50 simulated candidates typing turns against two app replicas on Postgres, while a notes indexing
job writes to the Chroma server, against a baseline of one candidate alone, in the same run.

Run (bounded, loopback only; about five minutes):

    source .ci/team-servers.sh && postgres_start && chroma_start .venv/bin/chroma
    python bench/load.py [--candidates 50 --turns 6 --think 5.0-15.0]

It needs a Postgres database (`--database-url`, default INTERVIEWER_TEST_DATABASE_URL) and a Chroma server
(`--chroma HOST:PORT`, default INTERVIEWER_TEST_CHROMA_HOST/PORT). It adds interviews under owners named
`load-<run>-...` and deletes them at the end (`--keep` keeps them).

What runs. Fifty real browsers would need more than this machine's 2 cores, so the candidates drive the app's
own session layer, as the Streamlit page does: two replica processes (this script with `--replica`), each a
separate Python process with its own data folder, the shared Postgres URL and Chroma server, the offline
engine (the real MiniLM grader on every turn) and half of the candidates as threads. Each candidate opens an
interview under its own owner, then types `--turns` answers, each after a think time drawn from `--think`
seconds; a turn's latency is `InterviewSession.submit` from call to saved reply (reading the turn, the
policy, key-point coverage, grading at a phase's end, two commits to Postgres). Meanwhile a third process
re-indexes the shipped notes into the Chroma server with the real embedder, over and over, until the load
ends. "Saving" is the part of a turn spent in the store (its commits to Postgres). The baseline, in the same
run, is one candidate at a time on one replica with no indexing job: `--baseline-interviews` interviews one
after another, with the same turns and think times.
The browser and websocket are not measured here (see the typed-turn figure in the README for that layer).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from interviewer.config import Settings

ANSWERS = [
    "I'd start by pinning down what we optimise: long-term watch time rather than clicks, with surveys as a "
    "guardrail, because clicks reward clickbait.",
    "With 500 million daily actives and five home page loads each, that's 2.5 billion requests a day, about "
    "29K a second on average and roughly 50K at the evening peak.",
    "The page has to come back in about 200 milliseconds, so ranking a thousand candidates must fit in about "
    "100 and the candidates should mostly come from a cache.",
    "For new users I'd show popular and trending videos per region and keep an exploration slot so new "
    "uploads get impressions.",
    "Candidate generation narrows a billion videos to about a thousand with a two-tower model and an "
    "approximate nearest neighbour index; a ranker orders them.",
    "Features come from a feature store that training and serving both read, so there is no skew; watch "
    "events stream through Kafka into the profile store within minutes.",
    "If ranking is down we fall back to the cached candidate list or popular videos, so the page is never "
    "empty.",
    "To cut cost I'd cache each user's list for five minutes; at a 60 percent hit rate, 50K QPS becomes "
    "about 20K that reach the backends.",
    "I'd watch for feedback loops: the model learns from what it showed, so I'd log propensities and keep a "
    "small random slice for unbiased evaluation.",
    "Offline I'd track NDCG and recall at k on held-out days; online an A/B test on watch time with "
    "guardrails on satisfaction and creator diversity.",
]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def _settings(database_url: str, chroma: tuple[str, int], home: Path) -> Settings:
    return Settings(
        home=home,
        engine="offline",
        database_url=database_url,  # type: ignore[arg-type]
        chroma_host=chroma[0],
        chroma_port=chroma[1],
    )


def _emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


# ---- a replica: candidates as threads on the app's session layer ------------------------------------------


def run_replica(args: argparse.Namespace) -> None:
    from interviewer.content.questions import QuestionBank
    from interviewer.interview.engine import build_engine
    from interviewer.interview.session import InterviewSession
    from interviewer.web.shared import Shared

    home = Path(tempfile.mkdtemp(prefix=f"replica-{args.replica}-", dir=args.homes))
    settings = _settings(args.database_url, _chroma(args.chroma), home)
    shared = Shared.build(settings)
    shared.grader  # noqa: B018 (loads the embedding model before the clock starts, as the app's warm-up does)
    store = shared.store
    bank = QuestionBank.load(settings.knowledge_dir)
    question = bank.get("youtube-recommendations")
    lo, hi = (float(x) for x in args.think.split("-"))
    latencies: list[float] = []
    saving: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    in_store = threading.local()  # this thread's time inside the store during the current turn

    def timed(fn: Any) -> Any:
        def wrapped(*a: Any, **kw: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                in_store.ms = getattr(in_store, "ms", 0.0) + (time.perf_counter() - t0) * 1000

        return wrapped

    for name in ("append_turn", "add_usage", "save_grade"):
        setattr(store, name, timed(getattr(store, name)))
    _emit({"ready": True})
    sys.stdin.readline()  # "go" from the orchestrator, once every process is ready

    def candidate(n: int) -> None:
        rng = random.Random(f"{args.run}-{args.replica}-{n}")
        owner = f"load-{args.run}-r{args.replica}-c{n}"
        try:
            engine = build_engine(
                settings, embedder=shared.embedder, offline_grader=shared.grader, retrieve=shared.guidance
            )
            session = InterviewSession.create(question, engine, store, owner=owner)
            session.start()
        except Exception as exc:  # counted, and this candidate stops
            with lock:
                errors.append(f"open: {type(exc).__name__}: {exc}")
            return
        answers = rng.sample(ANSWERS, k=len(ANSWERS))
        for turn in range(args.turns):
            time.sleep(rng.uniform(lo, hi))
            started = time.perf_counter()
            in_store.ms = 0.0
            try:
                session.submit(answers[turn % len(answers)])
            except Exception as exc:  # counted; the candidate goes on typing
                with lock:
                    errors.append(f"turn: {type(exc).__name__}: {exc}")
                continue
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
                saving.append(in_store.ms)

    started = time.perf_counter()
    if args.sequential:  # one candidate at a time: the baseline
        for n in range(args.candidates):
            candidate(n)
    else:
        threads = [threading.Thread(target=candidate, args=(n,)) for n in range(args.candidates)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    _emit(
        {
            "latencies_ms": latencies,
            "saving_ms": saving,
            "errors": errors,
            "seconds": time.perf_counter() - started,
        }
    )


# ---- the indexing job: re-index the shipped notes into the Chroma server until told to stop ----------------


def run_indexer(args: argparse.Namespace) -> None:
    from interviewer.notes.embeddings import MiniLMEmbedder
    from interviewer.notes.index import NotesIndex

    home = Path(tempfile.mkdtemp(prefix="indexer-", dir=args.homes))
    settings = _settings(args.database_url, _chroma(args.chroma), home)
    index = NotesIndex(settings, MiniLMEmbedder())
    _emit({"ready": True})
    sys.stdin.readline()  # "go"; the orchestrator ends the job by terminating this process
    while True:
        started = time.perf_counter()
        reports = index.rebuild()
        _emit({"round": {"seconds": time.perf_counter() - started, "chunks": sum(r.chunks for r in reports)}})


# ---- the orchestrator ------------------------------------------------------------------------------------------


def _chroma(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host, int(port)


class Child:
    """One process of this script, in `--replica` or `--indexer` mode, spoken to over stdin/stdout."""

    def __init__(self, args: argparse.Namespace, *extra: str) -> None:
        cmd = [sys.executable, __file__, "--database-url", args.database_url, "--chroma", args.chroma]
        cmd += [
            "--run",
            args.run,
            "--homes",
            args.homes,
            "--turns",
            str(args.turns),
            "--think",
            args.think,
            *extra,
        ]
        env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "HF_HUB_OFFLINE": "1"}
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)

    def expect(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit(f"a load process exited early with code {self.proc.wait()}")
        return dict(json.loads(line))

    def say(self, word: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(word + "\n")
        self.proc.stdin.flush()

    def finish(self) -> dict[str, Any]:
        result = self.expect()
        self.proc.wait(timeout=60)
        return result


def phase(
    args: argparse.Namespace, candidates: int, replicas: int, *, indexing: bool, sequential: bool = False
) -> dict[str, Any]:
    per = [candidates // replicas + (1 if i < candidates % replicas else 0) for i in range(replicas)]
    indexer = Child(args, "--indexer") if indexing else None
    one_at_a_time = ["--sequential"] if sequential else []
    children = [
        Child(args, "--replica", str(i + 1), "--candidates", str(n), *one_at_a_time)
        for i, n in enumerate(per)
    ]
    for child in ([indexer] if indexer else []) + children:
        child.expect()  # ready
    if indexer:
        indexer.say("go")
        time.sleep(2.0)  # the job is under way before the first candidate types
    for child in children:
        child.say("go")
    results = [child.finish() for child in children]
    rounds: list[dict[str, float]] = []
    if indexer:
        indexer.proc.terminate()  # mid-way through a re-index, as the load has ended
        out, _ = indexer.proc.communicate(timeout=30)
        rounds = [json.loads(x)["round"] for x in out.splitlines() if x.strip()]
    latencies = [x for r in results for x in r["latencies_ms"]]
    saving = [x for r in results for x in r["saving_ms"]]
    errors = [e for r in results for e in r["errors"]]
    return {"latencies": latencies, "saving": saving, "errors": errors, "rounds": rounds}


def cleanup(args: argparse.Namespace) -> int:
    from interviewer.store.postgres import PostgresBackend
    from interviewer.store.sessions import SessionStore

    store = SessionStore(PostgresBackend(args.database_url))
    mine = [r for r in store.list_sessions() if r.owner.startswith(f"load-{args.run}-")]
    for record in mine:
        store.delete_session(record.id)
    store.close()
    return len(mine)


def line(name: str, result: dict[str, Any]) -> str:
    lat, save = result["latencies"], result["saving"]
    return (
        f"| {name} | {len(lat)} | {pct(lat, 0.5):.0f} ms | {pct(lat, 0.95):.0f} ms "
        f"| {max(lat, default=float('nan')):.0f} ms | {pct(save, 0.5):.0f} ms | {pct(save, 0.95):.0f} ms "
        f"| {len(result['errors'])} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("INTERVIEWER_TEST_DATABASE_URL", ""))
    default_chroma = ""
    if os.environ.get("INTERVIEWER_TEST_CHROMA_HOST"):
        default_chroma = (
            f"{os.environ['INTERVIEWER_TEST_CHROMA_HOST']}:{os.environ['INTERVIEWER_TEST_CHROMA_PORT']}"
        )
    parser.add_argument("--chroma", default=default_chroma, help="HOST:PORT of the Chroma server")
    parser.add_argument("--candidates", type=int, default=50)
    parser.add_argument("--turns", type=int, default=6)
    parser.add_argument("--think", default="5.0-15.0", help="seconds between a reply and the next answer")
    parser.add_argument("--baseline-interviews", type=int, default=3, help="run one after another")
    parser.add_argument("--keep", action="store_true", help="keep the interviews the run adds")
    parser.add_argument("--run", default=uuid.uuid4().hex[:6], help=argparse.SUPPRESS)
    parser.add_argument("--homes", help=argparse.SUPPRESS)  # the folder under which each process has its home
    parser.add_argument("--replica", help=argparse.SUPPRESS)
    parser.add_argument("--indexer", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sequential", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.database_url or not args.chroma:
        raise SystemExit("needs --database-url and --chroma (or source .ci/team-servers.sh and start both)")
    if args.replica:
        return run_replica(args)
    if args.indexer:
        return run_indexer(args)

    print(
        f"load run {args.run}: {args.turns} turns per candidate, think time {args.think} s", file=sys.stderr
    )
    with tempfile.TemporaryDirectory(prefix="interviewer-load-") as homes:  # each process's data folder
        args.homes = homes
        baseline = phase(args, args.baseline_interviews, 1, indexing=False, sequential=True)
        load = phase(args, args.candidates, 2, indexing=True)
    removed = 0 if args.keep else cleanup(args)
    print("| run | turns | p50 | p95 | max | saving p50 | saving p95 | errors |")
    print("|---|---|---|---|---|---|---|---|")
    print(
        line(f"baseline: 1 candidate at a time ({args.baseline_interviews} interviews), 1 replica", baseline)
    )
    print(line(f"{args.candidates} candidates on 2 replicas, notes indexing alongside", load))
    rounds = load["rounds"]
    if rounds:
        secs = [r["seconds"] for r in rounds]
        print(
            f"\nindexing job: {len(rounds)} complete re-index(es) of {rounds[0]['chunks']:.0f} chunks into the "
            f"Chroma server during the load, {statistics.mean(secs):.1f} s each, and one cut short when it ended"
        )
    else:
        print("\nindexing job: re-indexing throughout the load; no re-index completed before the load ended")
    for e in sorted(set(load["errors"] + baseline["errors"]))[:10]:
        print(f"error: {e}")
    print(f"\n{removed} interviews of this run deleted", file=sys.stderr)


if __name__ == "__main__":
    main()
