"""Where log records go: a rotating file in the data folder, installed once however often it is called."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from interviewer.config import Settings
from interviewer.logs import configure_logging


@pytest.fixture(autouse=True)
def _clean_interviewer_logger() -> Iterator[None]:
    logger = logging.getLogger("interviewer")
    before = list(logger.handlers)
    yield
    for handler in logger.handlers[len(before) :]:
        handler.close()
    logger.handlers[:] = before


def test_records_from_library_modules_land_in_the_data_folders_log_file(settings: Settings) -> None:
    configure_logging(settings)
    logging.getLogger("interviewer.notes.index").warning("index rebuilt after a corrupt manifest")
    for handler in logging.getLogger("interviewer").handlers:
        handler.flush()
    text = (settings.logs_dir / "interviewer.log").read_text(encoding="utf-8")
    assert "interviewer.notes.index" in text
    assert "index rebuilt after a corrupt manifest" in text


def test_configuring_twice_does_not_duplicate_lines(settings: Settings) -> None:
    configure_logging(settings)
    configure_logging(settings)
    logging.getLogger("interviewer.store.sessions").warning("one line only")
    for handler in logging.getLogger("interviewer").handlers:
        handler.flush()
    text = (settings.logs_dir / "interviewer.log").read_text(encoding="utf-8")
    assert text.count("one line only") == 1


def test_the_level_comes_from_settings_and_verbose_lowers_it_to_info(settings: Settings) -> None:
    configure_logging(settings.model_copy(update={"log_level": "ERROR"}))
    assert logging.getLogger("interviewer").level == logging.ERROR
    configure_logging(settings, verbose=True)
    assert logging.getLogger("interviewer").level == logging.INFO


def test_a_new_data_folder_moves_the_log_file_with_it(
    settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> None:
    configure_logging(settings)
    other = settings.model_copy(update={"home": tmp_path_factory.mktemp("other-home")})
    configure_logging(other)
    logging.getLogger("interviewer.interview.session").warning("written to the new folder")
    for handler in logging.getLogger("interviewer").handlers:
        handler.flush()
    assert "written to the new folder" in (other.logs_dir / "interviewer.log").read_text(encoding="utf-8")
    assert "written to the new folder" not in (settings.logs_dir / "interviewer.log").read_text(
        encoding="utf-8"
    )
