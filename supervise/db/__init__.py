"""Alembic migrations for the supervise database (package data: travels with the wheel).

``SCHEMA_HEAD`` is the newest revision; ordinary commands compare the database's
``alembic_version`` with it without importing Alembic. A test checks it against the
migration scripts.
"""

from __future__ import annotations

KNOWN_REVISIONS: tuple[str, ...] = (
    "0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010",
)  # fmt: skip
SCHEMA_HEAD = KNOWN_REVISIONS[-1]

#: The tables the migrations create (a test checks it against them): a database holding any
#: of them without a schema version is a damaged supervise database, not someone else's.
OUR_TABLES: frozenset[str] = frozenset(
    {
        "organizations",
        "persons",
        "edits",
        "cases",
        "history",
        "deadlines",
        "bans",
        "calendar_years",
        "users",
        "outbox",
        "notices",
        "notice_services",
        "number_sequences",
        "areas",
        "org_townships",
        "institution_links",
        "org_history",
        "contracts",
        "contract_townships",
        "evaluations",
        "audit",
        "case_tallies",
        "data_keys",
    }
)
