"""Use cases for backups: copy the live database, check a copy, restore a checked copy.

SQLite only: on PostgreSQL the database server's own tools are the right ones, so both
say which command to run and write nothing. A copy is checked the same way whether it was
just written or is about to be restored: SQLite's integrity check, this program's schema
revision, every table present and its rows counted.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from supervise.adapters.db_urls import shown_url_of
from supervise.db import SCHEMA_HEAD
from supervise.errors import DatabaseProblem, InvalidInput, NotAllowed
from supervise.runtime import Runtime
from supervise.views import BackupView


def _pg(rt: Runtime, what: str, file: Path) -> BackupView:
    # libpq's URL (no +driver); the password stays out (PGPASSWORD or ~/.pgpass give it).
    url = shown_url_of(rt.db_url).replace("postgresql+psycopg://", "postgresql://", 1)
    command = (
        f"pg_dump --format=custom --file={file} '{url}'"
        if what == "backup"
        else f"pg_restore --clean --if-exists --single-transaction --dbname='{url}' {file}"
    )
    return BackupView(shown_url_of(rt.db_url), str(file), False, None, {}, command)


def _exists(file: Path) -> bool:
    try:
        return file.exists()
    except OSError as exc:  # a name too long, a folder we may not enter
        raise InvalidInput(f"{file}: {exc.strerror}; give another file name") from exc


def _check(rt: Runtime, file: Path, what: str) -> BackupView:
    """The checks every backup passes, or ``DatabaseProblem`` saying which failed."""
    found = rt.database.examine(file)
    if found.integrity != "ok":
        raise DatabaseProblem(f"{what} {file} fails SQLite's integrity check: {found.integrity}")
    if found.revision != SCHEMA_HEAD:
        made = "no supervise schema" if found.revision is None else f"schema {found.revision}"
        raise DatabaseProblem(
            f"{what} {file} has {made}, this program needs {SCHEMA_HEAD}; use the version "
            "of supervise that made it (or upgrade a copy with `supervise --db COPY init`)"
        )
    if found.missing:
        raise DatabaseProblem(f"{what} {file} lacks the table(s) {', '.join(found.missing)}")
    return BackupView(rt.db_url, str(file), True, found.revision, found.counts, None)


def backup(rt: Runtime, actor: str, file: Path) -> BackupView:
    """Write a consistent copy of the live SQLite database to ``file`` and check it."""
    if rt.database.sqlite_file() is None:
        return _pg(rt, "backup", file)
    if _exists(file):
        raise InvalidInput(f"{file} exists already; give a new file name for the backup")
    rt.database.backup_to(file)
    try:
        return _check(rt, file, "the backup")
    except DatabaseProblem:
        file.unlink(missing_ok=True)
        raise


def restore(rt: Runtime, actor: str, file: Path, confirmed: bool) -> BackupView:
    """Replace the live database's rows with those of the checked backup ``file``.

    The live database is saved beside itself first (``NAME.before-restore-<time>``); numbers
    issued and messages sent since the backup stay used and sent.
    """
    live = rt.database.sqlite_file()
    if live is None:
        return _pg(rt, "restore", file)
    if not _exists(file) or not file.is_file():
        raise InvalidInput(f"{file} is not a file; give the backup to restore")
    checked = _check(rt, file, "the backup")
    if not confirmed:
        raise NotAllowed(
            f"restoring {file} replaces everything recorded since that backup in {live} "
            "(the current data is saved beside it first); run again with --yes"
        )
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = live.with_name(f"{live.name}.before-restore-{stamp}")
    carried = rt.database.restore_from(file, aside)
    rt.forget_calendar()
    return BackupView(
        rt.db_url, str(file), True, checked.schema, checked.counts, None, str(aside), carried
    )
