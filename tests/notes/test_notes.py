"""Reading notes folders safely, repairing their text, and chunking them by heading."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from interviewer.notes.chunking import HEADING_SEPARATOR, Chunk, chunk_note
from interviewer.notes.reader import NoteFile, decode_note, scan_folder
from locations import PRIMER, SEED_NOTES


def words(text: str) -> int:
    """A stand-in token counter: one token per whitespace-separated word."""
    return len(text.split())


def note(text: str, source: str = "notes.md") -> NoteFile:
    data = text.encode("utf-8")
    return NoteFile(source, Path(source), data, "hash-" + str(len(data)))


def chunks_of(text: str, *, max_tokens: int = 256, overlap: int = 8, source: str = "notes.md") -> list[Chunk]:
    return chunk_note(decode_note(note(text, source)), words, max_tokens=max_tokens, overlap_tokens=overlap)


def sentence(n: int) -> str:
    return f"Sentence number {n} talks about caching and sharding in plain words."


# ---- headings -----------------------------------------------------------------------------------


def test_each_chunk_carries_its_heading_and_the_path_of_headings_above_it() -> None:
    text = "# Cache\n\nIntro to caches.\n\n## Cache-aside\n\nThe app reads the cache first.\n\n## Write-through\n\nWrites go to both.\n"
    chunks = chunks_of(text, source="sub/README.md")

    assert [(c.heading, c.heading_path) for c in chunks] == [
        ("Cache", "README.md › Cache"),
        ("Cache-aside", "README.md › Cache › Cache-aside"),
        ("Write-through", "README.md › Cache › Write-through"),
    ]
    assert all(c.source == "sub/README.md" for c in chunks)
    assert [c.start_line for c in chunks] == [1, 5, 9]


def test_heading_text_loses_hashes_emphasis_and_link_syntax() -> None:
    text = "## **R - Requirements** ##\n\nWhat should it do?\n\n### [Cache](#cache) `aside`\n\nBody.\n"
    assert [c.heading for c in chunks_of(text)] == ["R - Requirements", "Cache aside"]


def test_a_hash_line_inside_a_code_block_is_not_a_heading() -> None:
    text = "# Setup\n\n```bash\n# install the package\npip install interviewer\n```\n"
    (chunk,) = chunks_of(text)
    assert chunk.heading == "Setup"
    assert "# install the package" in chunk.text


def test_setext_headings_are_recognised() -> None:
    text = "Caching\n=======\n\nKeep hot data close.\n\nEviction\n--------\n\nLRU drops the oldest.\n"
    assert [c.heading_path for c in chunks_of(text)] == [
        "notes.md › Caching",
        "notes.md › Caching › Eviction",
    ]


def test_text_before_the_first_heading_is_kept_under_the_file_name() -> None:
    (chunk,) = chunks_of("Plain notes without any heading at all.\n", source="ideas.txt")
    assert (chunk.heading, chunk.heading_path) == ("ideas.txt", "ideas.txt")


def test_a_heading_with_no_text_under_it_makes_no_chunk() -> None:
    chunks = chunks_of("# Database\n\n## Sharding\n\nSplit rows across machines.\n")
    assert [c.heading for c in chunks] == ["Sharding"]


# ---- the embedding window ------------------------------------------------------------------------


def test_the_lexical_text_starts_with_the_whole_heading_path() -> None:
    (chunk,) = chunks_of("# Cache\n\n## TTL\n\nEntries expire.\n")
    assert chunk.embed_text.startswith(f"notes.md{HEADING_SEPARATOR}Cache{HEADING_SEPARATOR}TTL\n")


def test_the_embedded_text_drops_the_file_name_and_the_notes_title() -> None:
    text = "# Caching notes\n\nWhy cache.\n\n## TTL\n\nEntries expire.\n\n### Jitter\n\nSpread expiry.\n"
    intro, ttl, jitter = chunks_of(text)

    assert intro.dense_text == "Caching notes\nWhy cache."  # the title alone is all the context it has
    assert ttl.dense_text == "TTL\nEntries expire."
    assert jitter.dense_text == f"TTL{HEADING_SEPARATOR}Jitter\nSpread expiry."
    assert (
        jitter.heading_path
        == f"notes.md{HEADING_SEPARATOR}Caching notes{HEADING_SEPARATOR}TTL{HEADING_SEPARATOR}Jitter"
    )


def test_several_top_level_headings_are_all_kept_in_the_embedded_text() -> None:
    text = "# Cache\n\n## TTL\n\nEntries expire.\n\n# Queue\n\nMessages wait.\n"
    ttl, queue = chunks_of(text)
    assert ttl.dense_text == f"Cache{HEADING_SEPARATOR}TTL\nEntries expire."
    assert queue.dense_text == "Queue\nMessages wait."


def test_a_note_without_headings_is_embedded_under_its_file_name() -> None:
    (chunk,) = chunks_of("Plain notes without any heading at all.\n", source="ideas.txt")
    assert chunk.dense_text == "ideas.txt\nPlain notes without any heading at all."


def test_the_embedded_text_keeps_link_words_but_drops_urls_and_html() -> None:
    (chunk,) = chunks_of(
        "# Links\n\nSee [consistent hashing](http://example.com/a/b) and <br/> https://x.io/y here.\n"
    )
    assert "consistent hashing" in chunk.embed_text
    assert "http" not in chunk.embed_text and "<br/>" not in chunk.embed_text
    assert "http://example.com/a/b" in chunk.text  # the stored text is unchanged


def test_a_long_section_is_split_into_chunks_that_fit_the_window_with_overlap() -> None:
    body = " ".join(sentence(n) for n in range(60))  # one long paragraph line, ~660 words
    chunks = chunks_of(f"# Long\n\n{body}\n", max_tokens=100, overlap=12)

    assert len(chunks) >= 7
    assert all(words(c.dense_text) + 2 <= 100 for c in chunks)
    for before, after in itertools.pairwise(chunks):
        last_sentence = before.text.split(". ")[-1]
        assert after.text.startswith(last_sentence.rstrip(".")), "consecutive chunks share a sentence"
    # Nothing is lost: every sentence appears in some chunk.
    joined = " ".join(c.text for c in chunks)
    assert all(sentence(n) in joined for n in range(60))


def test_chunk_ids_differ_for_the_parts_of_one_long_section() -> None:
    body = "\n\n".join(sentence(n) for n in range(40))
    chunks = chunks_of(f"# Long\n\n{body}\n", max_tokens=60)
    assert len({c.chunk_id for c in chunks}) == len(chunks) > 1


def test_a_code_block_is_cut_only_between_lines_and_each_part_is_fenced() -> None:
    code = "\n".join(f"result_{n} = compute(value_{n}, other_{n}, more_{n})" for n in range(50))
    chunks = chunks_of(f"# Code\n\n```python\n{code}\n```\n", max_tokens=80)

    assert len(chunks) > 1
    original_lines = set(code.split("\n"))
    for chunk in chunks:
        lines = chunk.text.split("\n")
        assert lines[0] == "```python" and lines[-1] == "```"
        assert set(lines[1:-1]) <= original_lines, "no line of code is cut"


def test_table_rows_and_list_items_are_never_cut_mid_line() -> None:
    rows = "\n".join(f"| row {n} | {'latency budget ' * 3} | {n} ms |" for n in range(40))
    items = "\n".join(f"- item {n}: {'keep the whole item together ' * 2}" for n in range(40))
    text = f"# Table\n\n| name | note | value |\n|---|---|---|\n{rows}\n\n# List\n\n{items}\n"
    chunks = chunks_of(text, max_tokens=70)
    source_lines = set(text.split("\n"))

    assert len(chunks) > 4
    for chunk in chunks:
        assert all(line in source_lines for line in chunk.text.split("\n") if line), chunk.text


def test_chunk_ids_are_stable_and_survive_edits_to_other_sections() -> None:
    text = "# A\n\nAlpha text.\n\n# B\n\nBeta text.\n"
    first = {c.heading: c.chunk_id for c in chunks_of(text)}
    again = {c.heading: c.chunk_id for c in chunks_of(text)}
    edited = {
        c.heading: c.chunk_id for c in chunks_of(text.replace("Alpha text.", "Alpha, rewritten at length."))
    }

    assert first == again
    assert edited["B"] == first["B"]


def test_the_primer_is_chunked_within_the_window_of_a_real_tokenizer_shape() -> None:
    scan = scan_folder(PRIMER)
    chunks = [c for f in scan.files for c in chunk_note(decode_note(f), words, max_tokens=256)]
    assert len(chunks) > 100
    assert {c.source for c in chunks} >= {"README.md", "solution_pastebin.md"}
    too_long = [c for c in chunks if words(c.dense_text) + 2 > 256 and "|" not in c.text]
    assert too_long == []


# ---- reading folders and bad input ---------------------------------------------------------------


def test_a_folder_is_read_recursively_with_paths_relative_to_it(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "top.md").write_text("# Top\n\ntext\n")
    (tmp_path / "a" / "b" / "deep.txt").write_text("deep text\n")
    (tmp_path / "a" / "image.png").write_bytes(b"\x89PNG\r\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD.md").write_text("hidden\n")

    scan = scan_folder(tmp_path)

    assert [f.source for f in scan.files] == ["a/b/deep.txt", "top.md"]
    assert scan.skipped == ()


def test_binary_empty_and_oversized_files_are_skipped_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "ok.md").write_text("# Fine\n\ntext\n")
    (tmp_path / "blob.md").write_bytes(b"\x00\x01\x02binary\x00" * 10)
    (tmp_path / "empty.md").write_text("  \n\n")
    (tmp_path / "huge.md").write_text("word " * 1000)

    scan = scan_folder(tmp_path, max_file_bytes=2_000)
    reasons = {s.source: s.reason for s in scan.skipped}

    assert [f.source for f in scan.files] == ["ok.md"]
    assert "binary" in reasons["blob.md"]
    assert "empty" in reasons["empty.md"]
    assert "too large" in reasons["huge.md"] and "cap" in reasons["huge.md"]


def test_invalid_utf8_is_decoded_with_replacement_and_reported(tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_bytes(b"# Title\n\nCaf\xe9 latency is \xff low.\n")
    (nf,) = scan_folder(tmp_path).files
    decoded = decode_note(nf)

    assert "\ufffd" in decoded.text and "latency is" in decoded.text
    assert any("invalid UTF-8" in w and "replace" in w for w in decoded.warnings)


def test_utf16_with_a_byte_order_mark_is_read_as_text(tmp_path: Path) -> None:
    (tmp_path / "win.txt").write_bytes("# Notes\n\nQuorum reads.\n".encode("utf-16"))
    (nf,) = scan_folder(tmp_path).files
    assert "Quorum reads." in decode_note(nf).text


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_loops_and_broken_links_are_skipped_not_followed_forever(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.md").write_text("# A\n\ntext\n")
    (tmp_path / "notes" / "loop").symlink_to(tmp_path / "notes", target_is_directory=True)
    (tmp_path / "notes" / "self.md").symlink_to(tmp_path / "notes" / "self.md")
    (tmp_path / "notes" / "gone.md").symlink_to(tmp_path / "missing.md")

    scan = scan_folder(tmp_path / "notes")
    reasons = {s.source: s.reason for s in scan.skipped}

    assert [f.source for f in scan.files] == ["a.md"]
    assert "symlink loop" in reasons["loop"]
    assert "symlink loop" in reasons["self.md"]
    assert "broken symlink" in reasons["gone.md"]


def test_an_unreadable_file_is_skipped_with_a_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("# Secret\n\ntext\n")
    (tmp_path / "open.md").write_text("# Open\n\ntext\n")
    secret.chmod(0)
    if os.geteuid() == 0:  # root reads anything: make the open fail as it would for a normal user
        real_open = Path.open

        def deny(self: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
            if self.name == "secret.md":
                raise PermissionError(13, "Permission denied")
            return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(Path, "open", deny)
    try:
        scan = scan_folder(tmp_path)
    finally:
        secret.chmod(0o644)

    assert [f.source for f in scan.files] == ["open.md"]
    assert scan.skipped[0].source == "secret.md"
    assert "unreadable" in scan.skipped[0].reason and "Permission denied" in scan.skipped[0].reason


def test_the_seed_notes_mojibake_is_repaired_and_reported() -> None:
    scan = scan_folder(SEED_NOTES.parent)
    (decoded,) = [decode_note(f) for f in scan.files if f.source == SEED_NOTES.name]

    assert any("mojibake" in w for w in decoded.warnings)
    assert "1M predictions/day × $0.0001" in decoded.text
    assert "1B videos → 1K candidates" in decoded.text
    assert "## 📚 Contents" in decoded.text
    for broken in ("‚Üí", "√ó", "‚â§", "üìö", "‚úÖ"):
        assert broken not in decoded.text


def test_ordinary_accented_text_and_curly_quotes_are_left_alone() -> None:
    text = "# Café\n\n“Über” naïve résumé — it’s fine.\n"
    decoded = decode_note(note(text))
    assert decoded.text == text
    assert decoded.warnings == ()
