"""Shared uploads: what a second replica pays to serve notes uploaded through the first, against the first.

Run (loopback only; about a minute on two cores):

    source .ci/team-servers.sh && postgres_start && chroma_start .venv/bin/chroma
    python bench/shared_uploads.py [--listings 50]

It needs a Postgres database (`--database-url`, default INTERVIEWER_TEST_DATABASE_URL, which it empties) and a
Chroma server (`--chroma HOST:PORT`, default INTERVIEWER_TEST_CHROMA_HOST/PORT).

What runs. Two replicas as two `Shared` in this process, each with its own data folder, on the one Postgres
database and Chroma server, with the real MiniLM embedder. One user uploads the shipped notes (`knowledge/`,
one notes set) through replica one, which indexes them (the baseline: every chunk embedded). Then replica two
lists the user's sets for the first time (it writes the set out from Postgres), indexes it (reusing the
vectors in the shared collection), and lists the sets again and again with nothing changed (one query and a
marker file per set). Each figure is wall time of the view-model call the Ask page makes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("INTERVIEWER_TEST_DATABASE_URL", ""))
    default_chroma = f"{os.environ.get('INTERVIEWER_TEST_CHROMA_HOST', '')}:{os.environ.get('INTERVIEWER_TEST_CHROMA_PORT', '')}"
    parser.add_argument("--chroma", default=default_chroma)
    parser.add_argument("--listings", type=int, default=50)
    args = parser.parse_args()
    if not args.database_url or args.chroma == ":":
        sys.exit("needs --database-url and --chroma (or .ci/team-servers.sh's variables)")
    host, port = args.chroma.rsplit(":", 1)

    from interviewer.config import Settings
    from interviewer.notes.embeddings import MiniLMEmbedder
    from interviewer.store.postgres import PostgresBackend, drop_everything
    from interviewer.store.sessions import SessionStore
    from interviewer.web.auth import Viewer
    from interviewer.web.workbench import Shared, Workbench

    drop_everything(args.database_url)
    store = SessionStore(PostgresBackend(args.database_url))
    embedder = MiniLMEmbedder()
    files = [(p.name, p.read_bytes()) for p in sorted((ROOT / "knowledge").glob("*.md"))]
    user = f"bench-{int(time.time())}@example.com"
    figures: dict[str, object] = {"files": len(files), "bytes": sum(len(d) for _, d in files)}
    with tempfile.TemporaryDirectory() as tmp:

        def replica(name: str) -> Workbench:
            settings = Settings(
                home=Path(tmp) / name,
                auth="header",
                chroma_host=host,
                chroma_port=int(port),
                upload_max_mb=50,
            )
            return Workbench(Shared.build(settings, embedder=embedder, store=store), viewer=Viewer(user))

        one, two = replica("one"), replica("two")
        started = time.perf_counter()
        folder = one.notes.save_uploads(files)
        figures["save, replica one"] = time.perf_counter() - started
        started = time.perf_counter()
        (report,) = one.notes.index_notes()
        figures["index, replica one (embeds every chunk)"] = time.perf_counter() - started
        figures["chunks"] = report.chunks

        started = time.perf_counter()
        [listed] = two.notes.upload_sets()
        figures["first listing, replica two (writes the set out)"] = time.perf_counter() - started
        two.notes.use_upload(listed.name)
        started = time.perf_counter()
        two.notes.index_notes()
        figures["index, replica two (reuses the vectors)"] = time.perf_counter() - started
        listings = []
        for _ in range(args.listings):
            started = time.perf_counter()
            two.notes.upload_sets()
            listings.append(time.perf_counter() - started)
        listings.sort()
        figures["listing, nothing changed: p50"] = statistics.median(listings)
        figures["listing, nothing changed: p95"] = listings[int(0.95 * (len(listings) - 1))]
        one.notes.delete_upload(folder.name)
    store.close()
    print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()}, indent=2))


if __name__ == "__main__":
    main()
