"""One reminder pass at a time on an SQLite file: a lock file beside the database.

SQLite has no row locks, so delivery holds the database's write lock while it sends one
message. Two passes at once then take turns message by message, and SQLite's busy handler
is not fair: under load the second pass could wait out the busy timeout and fail. With the
lock file the second pass waits for the first to finish, then finds nothing left to send.
PostgreSQL needs none of this (delivery claims rows FOR UPDATE SKIP LOCKED).
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def exclusive(database_file: Path | None, purpose: str) -> Iterator[None]:
    """Hold ``<database>.<purpose>.lock`` (blocking) for the block; released by the kernel
    if the process dies. No file (PostgreSQL, or a folder we may not write): no lock."""
    if database_file is None:
        yield
        return
    try:
        handle = open(database_file.with_name(f"{database_file.name}.{purpose}.lock"), "a")
    except OSError:  # a read-only folder: the pass will be refused at its first write
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
