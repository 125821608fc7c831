"""`interviewer index`, `search` and `ask`: the notes from the command line."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from interviewer.cli.output import emit_json
from interviewer.config import Settings
from interviewer.errors import BadInput


def _notes_index(args: argparse.Namespace, settings: Settings) -> Any:
    from pathlib import Path

    from interviewer.notes.index import NotesIndex

    dirs = [Path(d) for d in args.notes] if getattr(args, "notes", None) else None
    return NotesIndex(settings, None, dirs)


def _progress_bar(done: int, total: int, label: str) -> None:
    """A one-line progress bar on stderr while notes are embedded."""
    width = 30
    filled = width * done // max(total, 1)
    name = label if len(label) <= 40 else "…" + label[-39:]
    sys.stderr.write(f"\rindexing notes [{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name:<40}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _sync(index: Any, *, rebuild: bool = False) -> list[Any]:
    progress = _progress_bar if sys.stderr.isatty() else None
    return index.rebuild(progress) if rebuild else index.ensure_synced(progress)


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    index = _notes_index(args, settings)
    reports = _sync(index, rebuild=args.rebuild)
    if args.json:
        emit_json({"sets": [r.model_dump(mode="json") for r in reports]})
    else:
        sys.stdout.write("\n".join(r.summary() for r in reports) + "\n")
    return 0


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    if args.k < 1:
        raise BadInput("-k must be at least 1")
    index = _notes_index(args, settings)
    _sync(index)
    results = index.search(args.query, k=args.k)
    if args.json:
        emit_json({"results": [r.model_dump(mode="json") for r in results]})
        return 0
    if not results:
        sys.stdout.write("No results: the notes are empty.\n")
    for n, r in enumerate(results, start=1):
        snippet = " ".join(r.text.split())
        snippet = snippet if len(snippet) <= 300 else snippet[:300].rsplit(" ", 1)[0] + " …"
        sys.stdout.write(f"{n}. {r.heading_path}  ({r.score:.4f})\n   {snippet}\n\n")
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from interviewer.notes.ask import Answerer

    index = _notes_index(args, settings)
    _sync(index)
    llm = None
    prompts = None
    if settings.resolved_engine == "openai":
        from interviewer.llm.openai_client import OpenAIChat
        from interviewer.llm.prompts import PromptLibrary

        llm = OpenAIChat(settings)
        prompts = PromptLibrary(settings.prompts_dir)
    answerer = Answerer(index, index.embedder, llm, prompts, max_tokens=settings.reply_tokens.answer)
    stream = answerer.stream(args.question)
    if args.json:
        emit_json(stream.result.model_dump(mode="json"))
        return 0
    for piece in stream:
        sys.stdout.write(piece)
        sys.stdout.flush()
    result = stream.result
    sys.stdout.write("\n")
    if result.citations:
        sys.stdout.write("\n")
        for c in result.citations:
            sys.stdout.write(f"[{c.n}] {c.source} › {c.heading}\n    {c.snippet}\n")
    return 0
