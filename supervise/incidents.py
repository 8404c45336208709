"""Unexpected errors and log lines, masked (entry-point helper: the CLI and the scheduler).

A bug must never show a person a traceback full of SQL parameters (with a full ID number in
them): the command line prints one line with an *incident id* and writes the traceback,
masked by :func:`supervise.redact.redact`, to the log file under that id. Log lines of the
scheduler go through the same masking (:mod:`supervise.log_handlers`).

Where the log file is: ``$SUPERVISE_LOG``, else ``log.file`` in the configuration, else
``$XDG_STATE_HOME/supervise/supervise.log`` (``~/.local/state/supervise/supervise.log``):
the user's own state folder is writable whether the database is SQLite or PostgreSQL, and
even when the database's folder is read-only.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from supervise.redact import redact

_configured: list[Path] = []


def default_log_path(environ: Mapping[str, str]) -> Path:
    state = environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "supervise" / "supervise.log"


def log_path(environ: Mapping[str, str], configured: str | None = None) -> Path:
    """$SUPERVISE_LOG, else ``log.file`` from the configuration, else the state folder."""
    chosen = environ.get("SUPERVISE_LOG") or configured
    return Path(chosen).expanduser() if chosen else default_log_path(environ)


def use(path: Path) -> None:
    """Send this process's incidents to ``path`` (once the configuration is known)."""
    _configured[:] = [path]


def reset(environ: Mapping[str, str]) -> None:
    """Forget the configured file: before the configuration is read, the default is used."""
    _configured[:] = [log_path(environ)]


def current_path() -> Path:
    return _configured[0] if _configured else log_path(os.environ)


def new_incident_id() -> str:
    import secrets  # here, not above: `--version` and `--help` never need it

    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def record(error: BaseException, command: str) -> tuple[str, Path, str | None]:
    """Write ``error``'s traceback, masked, to the log file.

    Returns:
        (incident id, the log file, why it could not be written or None).
    """
    import traceback

    incident = new_incident_id()
    path = current_path()
    detail = "".join(traceback.format_exception(error))
    entry = (
        f"--- incident {incident} at {datetime.now(UTC).isoformat()} "
        f"(pid {os.getpid()}): {command}\n{detail}"
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as log:
            log.write(redact(entry).rstrip("\n") + "\n")
    except OSError as exc:
        return incident, path, exc.strerror or str(exc)
    return incident, path, None
