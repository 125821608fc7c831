"""Every labelled question set the retrieval benchmark reads points at sections that exist.

`bench/retrieval.py` counts a search result as a hit when it comes from the labelled file and from the
labelled heading or a subsection of it (`Parent › Child` names a heading that repeats in one file). A label
that names no section of its notes could never be hit, and would quietly count as a miss; these tests read
each set's notes the way the index chunks them, without embedding anything.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from interviewer.notes.chunking import chunk_note
from interviewer.notes.reader import decode_note, scan_folder
from locations import REPO_ROOT, TEST_DATA

LABEL_FILES = sorted(TEST_DATA.glob("retrieval_questions*.yaml"))


def words(text: str) -> int:
    return len(text.split())


@cache
def sections(folder: Path) -> dict[str, list[tuple[str, str]]]:
    """(heading, heading path) of every chunk of every note under `folder`, by the note's source."""
    out: dict[str, list[tuple[str, str]]] = {}
    for note in scan_folder(folder).files:
        out[note.source] = [(c.heading, c.heading_path) for c in chunk_note(decode_note(note), words)]
    return out


def resolves(folder: Path, file: str, heading: str) -> bool:
    return any(
        found == heading or f" › {heading} › " in f"{path} › "
        for found, path in sections(folder).get(file, [])
    )


def labelled_sets() -> list[tuple[str, dict[str, Path], list[dict[str, Any]]]]:
    out = []
    for label_file in LABEL_FILES:
        data = yaml.safe_load(label_file.read_text(encoding="utf-8"))
        folders = {name: (REPO_ROOT / path).resolve() for name, path in data["sets"].items()}
        out.append((label_file.name, folders, data["questions"]))
    return out


@pytest.mark.parametrize(("name", "folders", "questions"), labelled_sets(), ids=[p.name for p in LABEL_FILES])
def test_every_label_names_a_section_of_its_notes(
    name: str, folders: dict[str, Path], questions: list[dict[str, Any]]
) -> None:
    unresolved = []
    for q in questions:
        if q.get("abstain"):
            continue
        folder = folders[str(q["set"])]
        labels = [(q["file"], q["heading"]), *(tuple(a) for a in q.get("also", ()))]
        unresolved += [
            (q["q"], file, heading) for file, heading in labels if not resolves(folder, file, heading)
        ]
    assert unresolved == [], f"{name}: labels that name no section: {unresolved}"


@pytest.mark.parametrize(("name", "folders", "questions"), labelled_sets(), ids=[p.name for p in LABEL_FILES])
def test_every_entry_is_of_one_kind_with_the_fields_that_kind_needs(
    name: str, folders: dict[str, Path], questions: list[dict[str, Any]]
) -> None:
    for q in questions:
        assert q["set"] in folders and q["split"] in ("dev", "tune", "test") and str(q["q"]).strip(), q
        if q.get("abstain"):
            assert "file" not in q and "heading" not in q and "premise" not in q, q
        else:
            assert q["file"] and q["heading"], q
        if q.get("premise") is False:
            assert str(q.get("correction", "")).strip(), q
    texts = [q["q"] for q in questions]
    assert len(texts) == len(set(texts)), f"{name} asks a question twice"


def test_the_third_party_sets_each_hold_out_questions_of_every_kind() -> None:
    """Each set over notes the project did not write has in-scope, off-topic and false-premise questions."""
    own = {"retrieval_questions.yaml", "retrieval_questions_tune.yaml", "retrieval_questions_fresh.yaml"}
    third_party = [(n, qs) for n, _, qs in labelled_sets() if n not in own]
    assert len(third_party) >= 5
    for name, questions in third_party:
        kinds = {
            "abstain" if q.get("abstain") else "premise" if q.get("premise") is False else "in"
            for q in questions
        }
        assert kinds == {"in", "abstain", "premise"}, name
