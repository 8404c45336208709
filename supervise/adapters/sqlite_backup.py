"""Backups of an SQLite database while others use it (adapter layer; reached through
``database.Database``).

- :func:`copy` uses SQLite's online backup API in one step: a consistent snapshot, even
  while other processes write (WAL readers never block writers), written to a temporary
  file beside the target and renamed into place once complete.
- :func:`examine` opens a file read-only and reports what the checks need: SQLite's
  ``integrity_check``, the schema revision and the rows of each table.
- :func:`replace_rows` restores a checked backup *into* the live database in one write
  transaction, so every other process sees the database either before or after, never
  half restored (they wait on the write lock, up to the busy timeout). Before replacing,
  it saves the live database aside (taken under the same write lock, so nothing written
  later is missing from it), and it keeps what the world has already seen: document
  numbers issued since the backup stay used (never given out twice), and messages the
  live outbox sent stay sent (never mailed twice).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote


@dataclass(frozen=True)
class Examined:
    integrity: str
    revision: str | None
    counts: dict[str, int] = field(default_factory=dict)
    missing: tuple[str, ...] = ()


def _read_only(path: Path) -> sqlite3.Connection:
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    return sqlite3.connect(uri, uri=True, timeout=30)


def copy(source: Path, target: Path) -> None:
    """A consistent copy of ``source`` at ``target`` (which must not exist), in one file."""
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    src = sqlite3.connect(source, timeout=30)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)  # all pages in one step: one snapshot
            dst.execute("PRAGMA journal_mode=DELETE")  # a self-contained file, no -wal
            dst.commit()
        finally:
            dst.close()
        os.replace(partial, target)
    finally:
        src.close()
        partial.unlink(missing_ok=True)


def examine(path: Path, tables: Sequence[str]) -> Examined:
    """What the checks need to know of the database file at ``path``.

    Raises:
        sqlite3.DatabaseError: not an SQLite database (the caller says so in one line).
    """
    conn = _read_only(path)
    try:
        integrity = str(conn.execute("PRAGMA integrity_check").fetchone()[0])
        present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        revision = None
        if "alembic_version" in present:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = None if row is None else str(row[0])
        counts = {
            t: int(conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0])
            for t in tables
            if t in present
        }
        missing = tuple(t for t in tables if t not in present)
        return Examined(integrity, revision, counts, missing)
    finally:
        conn.close()


def replace_rows(live: Path, source: Path, aside: Path, tables: Sequence[str]) -> dict[str, int]:
    """Make ``live`` hold ``source``'s rows (tables in dependency order), in one transaction.

    Returns:
        How many document numbers and sent messages were carried over from the live data.
    """
    conn = sqlite3.connect(live, timeout=30, isolation_level=None)
    try:
        conn.execute("ATTACH DATABASE ? AS src", (f"file:{quote(str(source.resolve()))}?mode=ro",))
        conn.execute("BEGIN IMMEDIATE")  # the write lock: from here nobody else writes
        try:
            copy(live, aside)  # reads beside our lock: exactly the data being replaced
            numbers = conn.execute("SELECT type, year, last FROM main.number_sequences").fetchall()
            sent = conn.execute(
                "SELECT message_id, sent_at, sent_by FROM main.outbox WHERE status = 'sent'"
            ).fetchall()
            conn.execute("PRAGMA defer_foreign_keys = ON")
            for table in reversed(tables):
                conn.execute(f'DELETE FROM main."{table}"')
            for table in tables:
                conn.execute(f'INSERT INTO main."{table}" SELECT * FROM src."{table}"')
            kept = 0
            for kind, year, last in numbers:
                kept += conn.execute(
                    "INSERT INTO main.number_sequences (type, year, last) VALUES (?, ?, ?) "
                    "ON CONFLICT (type, year) DO UPDATE SET last = excluded.last "
                    "WHERE excluded.last > number_sequences.last",
                    (kind, year, last),
                ).rowcount
            resent = 0
            for message_id, sent_at, sent_by in sent:
                resent += conn.execute(
                    "UPDATE main.outbox SET status = 'sent', sent_at = ?, sent_by = ? "
                    "WHERE message_id = ? AND status != 'sent'",
                    (sent_at, sent_by, message_id),
                ).rowcount
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("DETACH DATABASE src")
        return {"numbers_kept": kept, "sent_kept": resent}
    finally:
        conn.close()
