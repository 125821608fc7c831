"""Logging for the app and the CLI: a rotating file under the data folder, and stderr when asked.

Library modules only call `logging.getLogger(__name__)`; this module decides where records go. Log lines
never hold keys (the LLM layer scrubs them) or whole transcripts.
"""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler

from interviewer.config import Settings, redact_url

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_MARK = "_interviewer_handler"


class RedactUrls(logging.Filter):
    """Replace the `user:password@` of any URL in a record (such as an `OPENAI_BASE_URL` that carries
    credentials) with `***@` before it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact_url(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


def configure_logging(settings: Settings, *, verbose: bool = False) -> None:
    """Send `interviewer.*` records to `logs/interviewer.log` (1 MB × 3 files), and to stderr if `verbose`.

    Safe to call more than once (Streamlit reruns the script): the handlers are replaced only when the
    data folder or verbosity changed.
    """
    logger = logging.getLogger("interviewer")
    level = logging.INFO if verbose else logging.getLevelName(settings.log_level.upper())
    logger.setLevel(level if isinstance(level, int) else logging.WARNING)
    path = settings.logs_dir / "interviewer.log"
    wanted = (str(path), verbose)
    ours = [h for h in logger.handlers if getattr(h, _MARK, None) is not None]
    if ours and all(getattr(h, _MARK) == wanted for h in ours):
        return
    for old in ours:
        logger.removeHandler(old)
        old.close()
    try:
        settings.logs_dir.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(RedactUrls())
    setattr(handler, _MARK, wanted)
    logger.addHandler(handler)
    if verbose:
        console = logging.StreamHandler()
        console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        console.addFilter(RedactUrls())
        setattr(console, _MARK, wanted)
        logger.addHandler(console)
