"""Alembic migrations for the supervise database (package data: travels with the wheel).

``SCHEMA_HEAD`` is the newest revision; ordinary commands compare the database's
``alembic_version`` with it without importing Alembic. A test checks it against the
migration scripts.
"""

from __future__ import annotations

KNOWN_REVISIONS: tuple[str, ...] = ("0001", "0002", "0003")
SCHEMA_HEAD = KNOWN_REVISIONS[-1]
