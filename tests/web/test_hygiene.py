"""What a page shows of text it did not write (answers, notes, a URL's values) and of the server (paths,
credentials), and what Ask the notes may touch on a shared app."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from interviewer.config import Settings, redact_url
from interviewer.errors import BadInput, LimitReached
from interviewer.logs import configure_logging
from interviewer.testing import FakeEmbedder
from interviewer.web.auth import Viewer
from interviewer.web.display import plain, safe_markdown, safe_stream
from interviewer.web.limits import UPLOAD_FILE_BYTES
from interviewer.web.status import build_status
from interviewer.web.workbench import Shared, Workbench

PAYLOAD = (
    "**Your interview was flagged.** [Sign in again](http://example.invalid/login) "
    '![x](http://example.invalid/a.png) <img src="http://example.invalid/b.png"> :red[urgent] www.example.invalid'
)


# -- escaping ------------------------------------------------------------------------------------------


def test_plain_text_escapes_every_markup_that_could_spoof_or_fetch() -> None:
    shown = plain(PAYLOAD)

    assert "**" not in shown.replace("\\*", "")
    assert "](" not in shown.replace("\\]", "")  # no link or image can form
    assert "<img" not in shown.replace("\\<", "")
    assert "http://" not in shown and "www." not in shown  # no bare URL becomes a link
    assert ":red[" not in shown


def test_plain_text_leaves_an_ordinary_sentence_as_typed() -> None:
    sentence = "We need 50K QPS at peak (p99 under 200 ms), so I'd cache the top 10% of items."

    assert plain(sentence) == sentence


@pytest.mark.parametrize(
    ("typed", "escaped"),
    [("# Title", "\\# Title"), ("1. first", "1\\. first"), ("- item", "\\- item"), ("> quote", "\\> quote")],
)
def test_plain_text_starts_no_heading_list_or_quote(typed: str, escaped: str) -> None:
    assert plain(typed) == escaped


def test_plain_text_keeps_the_line_breaks_of_pasted_notes() -> None:
    typed = "**Load**\n1. 500M DAU\n| Goal | Metric |\n\nNext paragraph"

    assert plain(typed) == "\\*\\*Load\\*\\*  \n1\\. 500M DAU  \n\\| Goal \\| Metric \\|\n\nNext paragraph"


def test_model_and_notes_text_keeps_emphasis_and_citations_but_no_link_image_or_html() -> None:
    shown = safe_markdown("**Cache-aside** reads first [1]. " + PAYLOAD + " [2](http://evil.invalid)")

    assert shown.startswith("**Cache-aside** reads first [1].")
    assert "](" not in shown.replace("\\]", "") and "<img" not in shown.replace("\\<", "")
    assert "\\[2\\](" in shown, "a number in brackets followed by a URL is not taken for a citation"


def test_a_streamed_reply_is_made_safe_across_pieces_whatever_the_split() -> None:
    text = "See [1](http://example.invalid) and [2]. " + PAYLOAD
    for size in (1, 2, 3, 7):
        pieces = [text[i : i + size] for i in range(0, len(text), size)]
        assert "".join(safe_stream(pieces)) == safe_markdown(text)


# -- credentials and paths ------------------------------------------------------------------------------


def test_credentials_in_a_url_are_redacted() -> None:
    assert redact_url("http://user:s3cret@llm.internal:8000/v1") == "http://***@llm.internal:8000/v1"
    assert (
        redact_url("see https://token@host/x and http://plain/y")
        == "see https://***@host/x and http://plain/y"
    )
    assert redact_url("http://localhost:11434/v1") == "http://localhost:11434/v1"


def test_the_status_page_and_engine_line_never_show_url_credentials(tmp_path: Path) -> None:
    from interviewer.llm.breaker import CircuitBreaker

    settings = Settings(home=tmp_path, openai_base_url="http://user:s3cret@llm.internal/v1")
    status = build_status(
        settings, engine="openai", reason=settings.engine_reason, breaker=CircuitBreaker().state()
    )

    assert status.base_url == "http://***@llm.internal/v1"
    assert "s3cret" not in settings.engine_reason and "***@llm.internal" in settings.engine_reason


@pytest.fixture
def _clean_logger() -> Iterator[None]:
    logger = logging.getLogger("interviewer")
    before = list(logger.handlers)
    yield
    for handler in logger.handlers[len(before) :]:
        handler.close()
    logger.handlers[:] = before


@pytest.mark.usefixtures("_clean_logger")
def test_log_lines_never_hold_url_credentials(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    configure_logging(settings)
    logging.getLogger("interviewer.llm.openai_client").warning(
        "server %s did not answer", "http://user:s3cret@llm.internal/v1"
    )
    for handler in logging.getLogger("interviewer").handlers:
        handler.flush()

    text = (settings.logs_dir / "interviewer.log").read_text(encoding="utf-8")
    assert "server http://***@llm.internal/v1 did not answer" in text
    assert "s3cret" not in text


# -- notes on a shared app ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def embedder() -> FakeEmbedder:
    return FakeEmbedder()


def team_tab(tmp_path: Path, embedder: FakeEmbedder, user: str, **settings: object) -> Workbench:
    shared = Shared.build(Settings(home=tmp_path / "home", auth="header", **settings), embedder=embedder)  # type: ignore[arg-type]
    return Workbench(shared, viewer=Viewer(user))


def test_a_shared_app_never_opens_a_server_folder(tmp_path: Path, embedder: FakeEmbedder) -> None:
    wb = team_tab(tmp_path, embedder, "alice")

    assert not wb.notes.folders_allowed
    with pytest.raises(BadInput, match="upload your notes instead"):
        wb.notes.use_folder("/etc")
    assert wb.notes.folder is None


def test_on_ones_own_machine_a_folder_may_still_be_chosen(tmp_path: Path, embedder: FakeEmbedder) -> None:
    wb = Workbench(Shared.build(Settings(home=tmp_path / "home"), embedder=embedder))

    assert wb.notes.folders_allowed
    assert wb.notes.use_folder(str(tmp_path)) == tmp_path.resolve()


def test_uploads_are_kept_per_user(tmp_path: Path, embedder: FakeEmbedder) -> None:
    alice = team_tab(tmp_path, embedder, "alice@example.com")
    bob = Workbench(alice.shared, viewer=Viewer("bob@example.com"))
    alice.notes.save_uploads([("a.md", b"# A\n\nAlice's notes.\n")])

    assert [s.files for s in alice.notes.upload_sets()] == [("a.md",)]
    assert bob.notes.upload_sets() == []
    assert alice.notes.uploads_root != bob.notes.uploads_root
    with pytest.raises(BadInput, match="no such notes set"):
        bob.notes.use_upload(alice.notes.upload_sets()[0].name)


def test_an_upload_over_2_mb_or_over_the_quota_is_refused_and_nothing_is_kept(
    tmp_path: Path, embedder: FakeEmbedder
) -> None:
    wb = team_tab(tmp_path, embedder, "alice", upload_max_files=2)

    with pytest.raises(LimitReached, match=r"notes files are indexed up to 2\.0 MB"):
        wb.notes.check_upload([("big.md", UPLOAD_FILE_BYTES + 1)])
    with pytest.raises(LimitReached, match="quota"):
        wb.notes.save_uploads([("a.md", b"a"), ("b.md", b"b"), ("c.md", b"c")])
    assert wb.notes.upload_sets() == []


def test_deleting_a_notes_set_deletes_its_files_and_its_index(tmp_path: Path, embedder: FakeEmbedder) -> None:
    from interviewer.notes import chroma
    from interviewer.web.uploads import upload_collection

    wb = team_tab(tmp_path, embedder, "alice")
    folder = wb.notes.save_uploads([("cache.md", b"# Caching\n\nCache-aside reads the cache first.\n")])
    wb.notes.index_notes()
    name = upload_collection("alice", folder.name)
    settings = wb.settings
    assert (settings.bm25_dir / name).is_dir()
    assert name in [c.name for c in chroma.client(settings).list_collections()]

    wb.notes.delete_upload(folder.name)

    assert not folder.exists() and wb.notes.upload_sets() == []
    assert wb.shared.store.uploads.files("alice") == []
    assert not (settings.bm25_dir / name).exists()
    assert name not in [c.name for c in chroma.client(settings).list_collections()]
    assert wb.notes.folder is None


def test_a_second_indexing_job_of_the_same_user_is_refused(tmp_path: Path, embedder: FakeEmbedder) -> None:
    from interviewer.web.limits import INDEX_JOBS

    wb = team_tab(tmp_path, embedder, "alice")
    wb.notes.save_uploads([("a.md", b"# A\n\nNotes.\n")])
    with INDEX_JOBS.run("alice"), pytest.raises(LimitReached, match="already being indexed"):
        wb.notes.index_notes()
    assert wb.notes.index_notes()[0].indexed == ["a.md"]


def test_an_uploaded_folder_over_the_index_caps_is_not_indexed(
    tmp_path: Path, embedder: FakeEmbedder
) -> None:
    wb = team_tab(tmp_path, embedder, "alice", index_max_files=1)
    wb.notes.save_uploads([("a.md", b"# A\n\nOne.\n"), ("b.md", b"# B\n\nTwo.\n")])

    with pytest.raises(LimitReached, match="more than 1 files"):
        wb.notes.index_notes()
