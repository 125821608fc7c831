"""What a reader of the rendered note never sees is neither indexed nor cited."""

from __future__ import annotations

from pathlib import Path

from interviewer.notes.chunking import Chunk, chunk_note
from interviewer.notes.markup import clean_heading, hide_invisible, plain_text, readable
from interviewer.notes.reader import NoteFile, decode_note


def words(text: str) -> int:
    return len(text.split())


def chunks_of(text: str) -> list[Chunk]:
    data = text.encode("utf-8")
    note = NoteFile("notes.md", Path("notes.md"), data, "hash")
    return chunk_note(decode_note(note), words, max_tokens=256, overlap_tokens=8)


def everything(chunks: list[Chunk]) -> str:
    return "\n".join(f"{c.text}\n{c.embed_text}\n{c.dense_text}" for c in chunks)


def test_an_html_comment_with_a_closing_bracket_inside_is_hidden_whole() -> None:
    chunks = chunks_of("# Caching\n\nUse a TTL. <!-- draft: a > b, ask Sam --> Evict by LRU.\n")
    text = everything(chunks)
    assert "draft" not in text and "Sam" not in text and "-->" not in text
    assert "Use a TTL." in chunks[0].text and "Evict by LRU." in chunks[0].text


def test_a_comment_over_several_lines_is_hidden_and_line_numbers_still_point_into_the_file() -> None:
    chunks = chunks_of(
        "# Intro\n\nShown.\n\n<!--\nTODO: rewrite -> secret plans\n\n# Not a heading\n-->\n\n# Sharding\n\nSplit by key.\n"
    )
    assert [c.heading for c in chunks] == ["Intro", "Sharding"]
    assert "secret" not in everything(chunks)
    assert chunks[1].start_line == 11


def test_a_section_holding_only_a_comment_makes_no_chunk() -> None:
    chunks = chunks_of("# Kept\n\nText.\n\n# Hidden\n\n<!-- nothing to show yet -->\n")
    assert [c.heading for c in chunks] == ["Kept"]


def test_a_comment_inside_a_code_block_is_code_and_kept() -> None:
    chunks = chunks_of("# HTML\n\n```html\n<!-- a comment in code -->\n<p>hi</p>\n```\n")
    assert "<!-- a comment in code -->" in chunks[0].text


def test_front_matter_script_style_and_link_definitions_are_hidden() -> None:
    text = (
        "---\ntitle: Secret title\nlayout: article\n---\n# Body\n\nVisible words.\n\n"
        "<script>track('hidden')</script>\n<style>.x { color: red }</style>\n\n"
        '[ref]: https://example.com/hidden "Hidden title"\n'
    )
    chunks = chunks_of(text)
    seen = everything(chunks)
    for hidden in ("layout", "track", "color", "Hidden title", "example.com"):
        assert hidden not in seen
    assert "Visible words." in seen


def test_hiding_keeps_the_number_of_lines() -> None:
    text = "a\n<!-- b\nc -->\nd\n<style>\ne\n</style>\n"
    hidden = hide_invisible(text)
    assert hidden.count("\n") == text.count("\n")
    assert hidden.split("\n")[0] == "a" and hidden.split("\n")[3] == "d"


def test_an_unclosed_comment_hides_the_rest_of_the_note_as_a_browser_does() -> None:
    assert "later" not in hide_invisible("shown\n<!-- never closed\nlater\n")


def test_comparisons_in_prose_are_not_mistaken_for_tags() -> None:
    assert plain_text("keep p99 < 50 ms and QPS > 1000") == "keep p99 < 50 ms and QPS > 1000"


def test_a_tag_whose_attribute_holds_a_bracket_is_removed_whole() -> None:
    assert plain_text('<img alt="a > b" src="x.png"> caption').strip() == "caption"


def test_a_footnote_mark_is_not_part_of_a_heading_or_of_the_text() -> None:
    assert clean_heading("Why SVR? [^1]") == "Why SVR?"
    assert plain_text("SVR fits the series well [^note].") == "SVR fits the series well."
    assert readable("SVR fits the series well [^1].") == "SVR fits the series well."
    # a footnote's own definition stays: it is shown at the foot of the rendered note
    assert readable("[^1]: Source: the lesson's author.") == "[^1]: Source: the lesson's author."
