"""`interviewer index`, `search` and `ask` on a small notes folder, offline, with the real embedder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interviewer.cli import main

NOTES = {
    "cache.md": (
        "# Caching\n\n## Cache-aside\n\nThe application reads the cache first. On a miss it loads the row "
        "from the database and stores it in the cache.\n\n## Write-through\n\nEvery write goes to the cache "
        "and the database together, so reads are never stale.\n"
    ),
    "cdn.md": "# CDN\n\n## Pull CDN\n\nA pull CDN fetches content from the origin server the first time a user asks.\n",
}


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    for name, text in NOTES.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "photo.md").write_bytes(b"\x89PNG\x00\x00\x00")
    return folder


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_search_json_prints_results_in_exactly_the_documented_shape(
    notes: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys,
        "search",
        "which strategy updates the store on every write",
        "--notes",
        str(notes),
        "-k",
        "2",
        "--json",
    )

    document = json.loads(out)
    assert code == 0
    assert list(document) == ["results"]
    assert len(document["results"]) == 2
    first = document["results"][0]
    assert list(first) == ["source", "heading", "heading_path", "score", "text", "chunk_id"]
    assert (first["source"], first["heading"]) == ("cache.md", "Write-through")
    assert first["heading_path"] == "cache.md › Caching › Write-through"


def test_search_without_json_prints_a_readable_list(notes: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "where does a CDN get files it does not have", "--notes", str(notes))
    assert code == 0
    assert out.startswith("1. cdn.md › CDN › Pull CDN")
    assert "fetches content from the origin" in out


def test_index_summarises_what_was_indexed_and_skipped(
    notes: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "index", "--notes", str(notes))
    again_code, again, _ = run(capsys, "index", "--notes", str(notes), "--json")

    assert code == 0 and again_code == 0
    assert "2 indexed, 0 unchanged, 0 removed, 1 skipped" in out
    assert "skipped photo.md: binary file, not text" in out
    (report,) = json.loads(again)["sets"]
    assert report["indexed"] == [] and sorted(report["unchanged"]) == ["cache.md", "cdn.md"]


def test_ask_offline_answers_with_citations(notes: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "what happens when the cache misses", "--notes", str(notes), "--json")

    result = json.loads(out)
    assert code == 0
    assert result["engine"] == "offline" and result["grounded"] is True
    assert "[1]" in result["answer"]
    assert result["citations"][0]["source"] == "cache.md"
    assert set(result["citations"][0]) == {"n", "source", "heading", "snippet", "chunk_id"}


def test_ask_says_when_the_notes_do_not_cover_the_question(
    notes: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "ask", "how long should I knead bread dough", "--notes", str(notes))
    assert code == 0
    assert out.startswith("The notes don't cover this.")


def test_a_missing_notes_folder_exits_with_code_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "search", "anything", "--notes", str(tmp_path / "missing"))
    assert code == 2
    assert "no notes folder" in err


@pytest.mark.server
def test_ask_with_an_openai_compatible_server_cites_the_retrieved_chunks(
    notes: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from fake_openai_server import FakeOpenAIServer, Reply

    with FakeOpenAIServer() as server:
        server.script(
            Reply("On a miss the application loads the row and stores it in the cache [1]. See [9].")
        )
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-fake-server-key")
        code, out, _ = run(
            capsys, "ask", "what happens when the cache misses", "--notes", str(notes), "--json"
        )
        sent = server.requests[0].messages

    result = json.loads(out)
    assert code == 0
    assert result["engine"] == "llm" and result["grounded"] is True
    assert result["answer"] == "On a miss the application loads the row and stores it in the cache [1]. See."
    assert result["dropped_citations"] == [9]
    assert result["citations"][0]["heading"] == "Cache-aside"
    assert sent[0]["role"] == "system" and "[1] cache.md › Caching › Cache-aside" in sent[0]["content"]
    assert sent[-1] == {"role": "user", "content": "what happens when the cache misses"}
