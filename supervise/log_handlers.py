"""Log handlers for long-running processes (the scheduler), every line masked.

Beside :mod:`supervise.incidents`, which the command line imports at start: ``logging`` is
only paid for by the processes that log.
"""

from __future__ import annotations

import logging

from supervise.incidents import current_path
from supervise.redact import redact


class MaskingFormatter(logging.Formatter):
    """A log formatter whose lines (tracebacks included) pass :func:`redact`."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def log_handlers(stream_level: int = logging.INFO) -> list[logging.Handler]:
    """Handlers for a long-running process: stderr, and warnings and errors in the log file."""
    fmt = MaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    stream = logging.StreamHandler()
    stream.setFormatter(fmt)
    stream.setLevel(stream_level)
    handlers: list[logging.Handler] = [stream]
    path = current_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        file_handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        return handlers
    file_handler.setFormatter(fmt)
    file_handler.setLevel(logging.WARNING)
    handlers.append(file_handler)
    return handlers
