"""Reading notes folders at the edges: missing folders, odd files, byte-order marks and line endings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from interviewer.notes.reader import decode_note, scan_folder


def reasons(folder: Path, **kwargs: int) -> dict[str, str]:
    return {s.source: s.reason for s in scan_folder(folder, **kwargs).skipped}


def sources(folder: Path, **kwargs: int) -> list[str]:
    return [f.source for f in scan_folder(folder, **kwargs).files]


def decoded(tmp_path: Path, data: bytes, name: str = "note.md") -> tuple[str, tuple[str, ...]]:
    (tmp_path / name).write_bytes(data)
    (note,) = scan_folder(tmp_path).files
    result = decode_note(note)
    return result.text, result.warnings


def test_a_missing_folder_is_reported_as_one_skip_not_an_exception(tmp_path: Path) -> None:
    scan = scan_folder(tmp_path / "nowhere")
    assert scan.files == ()
    assert [(s.source, s.reason) for s in scan.skipped] == [
        (".", "cannot open the notes folder (No such file or directory)")
    ]


def test_a_file_given_instead_of_a_folder_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("# A\n\ntext\n", encoding="utf-8")
    scan = scan_folder(path)
    assert scan.files == ()
    assert scan.skipped and scan.skipped[0].source == "."
    assert "unreadable folder" in scan.skipped[0].reason


def test_hidden_entries_and_other_file_types_are_ignored_silently(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD.md").write_text("# hidden\n\ntext\n", encoding="utf-8")
    (tmp_path / ".draft.md").write_text("# hidden\n\ntext\n", encoding="utf-8")
    (tmp_path / "diagram.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "script.py").write_text("print('x')\n", encoding="utf-8")
    (tmp_path / "Notes.MD").write_text("# Upper case suffix\n\ntext\n", encoding="utf-8")
    (tmp_path / "plain.text").write_text("plain text notes\n", encoding="utf-8")
    scan = scan_folder(tmp_path)
    assert [f.source for f in scan.files] == ["Notes.MD", "plain.text"]
    assert scan.skipped == ()


def test_the_size_cap_admits_a_file_of_exactly_the_cap_and_refuses_one_byte_more(tmp_path: Path) -> None:
    (tmp_path / "fits.md").write_bytes(b"a" * 100)
    (tmp_path / "over.md").write_bytes(b"a" * 101)
    assert sources(tmp_path, max_file_bytes=100) == ["fits.md"]
    reason = reasons(tmp_path, max_file_bytes=100)["over.md"]
    assert reason.startswith("too large") and "split it into smaller notes" in reason


def test_a_file_of_control_characters_is_binary(tmp_path: Path) -> None:
    (tmp_path / "garbage.txt").write_bytes(bytes(range(1, 9)) * 50 + b"some words")
    (tmp_path / "escapes.txt").write_bytes(b"\x1b[1mbold\x1b[0m terminal colours are text\n")
    assert reasons(tmp_path) == {"garbage.txt": "binary file, not text"}
    assert sources(tmp_path) == ["escapes.txt"]


def test_whitespace_only_and_byte_order_mark_only_files_are_empty(tmp_path: Path) -> None:
    (tmp_path / "blank.md").write_bytes(b" \n\t\r\n")
    (tmp_path / "bom8.md").write_bytes(b"\xef\xbb\xbf\n")
    (tmp_path / "bom16.md").write_bytes(b"\xff\xfe")
    (tmp_path / "real.md").write_bytes(b"\xef\xbb\xbf# Real\n\ntext\n")
    assert reasons(tmp_path) == {"blank.md": "empty file", "bom8.md": "empty file", "bom16.md": "empty file"}
    assert sources(tmp_path) == ["real.md"]


def test_a_named_pipe_with_a_notes_suffix_is_not_read(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("named pipes need POSIX")
    os.mkfifo(tmp_path / "pipe.md")
    (tmp_path / "ok.md").write_text("# Ok\n\ntext\n", encoding="utf-8")
    assert reasons(tmp_path) == {"pipe.md": "not a regular file"}
    assert sources(tmp_path) == ["ok.md"]


def test_a_file_reached_twice_through_links_is_read_once(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# A\n\ntext\n", encoding="utf-8")
    (tmp_path / "b.md").symlink_to(tmp_path / "a.md")
    os.link(tmp_path / "a.md", tmp_path / "c.md")
    assert sources(tmp_path) == ["a.md"]
    assert reasons(tmp_path) == {"b.md": "same file as a.md (symlink)", "c.md": "same file as a.md (symlink)"}


def test_a_folder_linked_twice_is_indexed_once(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "n.md").write_text("# N\n\ntext\n", encoding="utf-8")
    (tmp_path / "zlink").symlink_to(tmp_path / "real", target_is_directory=True)
    assert sources(tmp_path) == ["real/n.md"]
    assert reasons(tmp_path) == {"zlink": "already indexed through another path (symlink)"}


def test_a_utf8_byte_order_mark_is_removed(tmp_path: Path) -> None:
    text, warnings = decoded(tmp_path, b"\xef\xbb\xbf# Title\n\nBody\n")
    assert text == "# Title\n\nBody\n"
    assert warnings == ()


def test_windows_and_old_mac_line_endings_become_newlines(tmp_path: Path) -> None:
    text, warnings = decoded(tmp_path, b"# Title\r\n\r\nline one\rline two\r\n")
    assert text == "# Title\n\nline one\nline two\n"
    assert warnings == ()


def test_big_endian_utf16_is_read_as_text(tmp_path: Path) -> None:
    text, _ = decoded(tmp_path, "# Латентность\n\n200 мс\n".encode("utf-16-be").join([b"\xfe\xff", b""]))
    assert text == "# Латентность\n\n200 мс\n"


def test_each_invalid_byte_is_counted_in_the_warning(tmp_path: Path) -> None:
    text, warnings = decoded(tmp_path, b"ok \xff\xfe and \x80 end\n")
    assert text.count("\ufffd") == 3
    assert warnings == ("invalid UTF-8 from byte 3: decoded with replacement characters (3 replaced)",)


def test_a_link_named_before_its_target_does_not_take_the_real_files_name(tmp_path: Path) -> None:
    (tmp_path / "zeta.md").write_text("# Zeta\n\ntext\n", encoding="utf-8")
    (tmp_path / "alpha.md").symlink_to(tmp_path / "zeta.md")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "link-to-zeta.md").symlink_to(tmp_path / "zeta.md")
    assert sources(tmp_path) == ["zeta.md"]
    assert reasons(tmp_path) == {
        "alpha.md": "same file as zeta.md (symlink)",
        "sub/link-to-zeta.md": "same file as zeta.md (symlink)",
    }


def test_a_link_to_a_folder_deeper_in_the_tree_does_not_take_its_name(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "shortcut").symlink_to(tmp_path / "b" / "deep", target_is_directory=True)
    (tmp_path / "b" / "deep").mkdir(parents=True)
    (tmp_path / "b" / "deep" / "n.md").write_text("# N\n\ntext\n", encoding="utf-8")
    assert sources(tmp_path) == ["b/deep/n.md"]
    assert reasons(tmp_path) == {"a/shortcut": "already indexed through another path (symlink)"}


def test_a_linked_folder_outside_the_notes_is_read_under_the_links_name(tmp_path: Path) -> None:
    notes, elsewhere = tmp_path / "notes", tmp_path / "elsewhere"
    notes.mkdir()
    elsewhere.mkdir()
    (elsewhere / "shared.md").write_text("# Shared\n\ntext\n", encoding="utf-8")
    (notes / "shared").symlink_to(elsewhere, target_is_directory=True)
    assert sources(notes) == ["shared/shared.md"]
    assert reasons(notes) == {}
