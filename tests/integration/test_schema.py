"""The migrated schema is the ORM's schema, table by table (issue 8, item 7).

The ``db_url`` database (SQLite, and PostgreSQL when ``SUPERVISE_TEST_PG_URL`` is set) has
been migrated to head by the packaged Alembic scripts. Alembic's autogenerate comparison
(``compare_metadata``, with column types and server defaults compared) against
``supervise.adapters.orm.metadata`` must then find nothing to do for any table: no table,
column, index, unique or foreign key constraint missing or extra, no type or nullability
that differs. A difference means a migration and ``adapters/orm`` disagree.

``supervise.db.KNOWN_REVISIONS`` (which ordinary commands read instead of importing
Alembic) must list the revision scripts in ``supervise/db/versions`` in order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib import resources
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from supervise.adapters.orm import metadata
from supervise.db import KNOWN_REVISIONS, SCHEMA_HEAD

TABLES = [t.name for t in metadata.sorted_tables]


def table_of(diff: Any) -> str:
    """The table an Alembic autogenerate difference is about."""
    if isinstance(diff, list):  # modify_* ops: [(op, schema, table, column, ...), ...]
        return str(diff[0][2])
    op, *args = diff
    if op in ("add_column", "remove_column"):  # (op, schema, table, column)
        return str(args[1])
    item = args[0]
    if op in ("add_table", "remove_table", "add_table_comment", "remove_table_comment"):
        return str(item.name)
    if op in ("add_fk", "remove_fk"):
        return str(item.parent.name)
    return str(item.table.name)  # indexes and (unique) constraints


def schema_diff(url: str) -> dict[str, list[Any]]:
    """Autogenerate's differences between the database at ``url`` and the ORM, by table."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "compare_server_default": True}
            )
            diffs = compare_metadata(context, metadata)
    finally:
        engine.dispose()
    by_table: dict[str, list[Any]] = {}
    for diff in diffs:
        by_table.setdefault(table_of(diff), []).append(diff)
    return by_table


@pytest.fixture
def diff(db_url: str) -> dict[str, list[Any]]:
    return schema_diff(db_url)


def test_the_orm_has_the_tables_we_expect() -> None:
    # A guard on the parametrisation below: a table dropped from the ORM must be noticed.
    assert set(TABLES) == {
        "calendar_years",
        "edits",
        "number_sequences",
        "organizations",
        "persons",
        "users",
        "cases",
        "bans",
        "deadlines",
        "history",
        "notices",
        "notice_services",
        "outbox",
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


@pytest.mark.parametrize("table", TABLES)
def test_migrated_table_matches_the_orm(diff: dict[str, list[Any]], table: str) -> None:
    assert diff.get(table, []) == [], f"migrations and adapters/orm disagree on {table}"


def test_migrations_create_no_table_beyond_the_orm(db_url: str, diff: dict[str, list[Any]]) -> None:
    others = {table: d for table, d in diff.items() if table not in TABLES}
    assert others == {}
    engine = create_engine(db_url)
    try:
        names = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert names == {*TABLES, "alembic_version"}


def test_database_is_at_the_schema_head(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_heads() == (SCHEMA_HEAD,)
    finally:
        engine.dispose()


def _scripts() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(resources.files("supervise").joinpath("db")))
    return ScriptDirectory.from_config(config)


def _chain(scripts: ScriptDirectory) -> Iterator[str]:
    """Revision ids from the first to the head (walk_revisions goes head first)."""
    return reversed([s.revision for s in scripts.walk_revisions()])


def test_known_revisions_are_the_revision_files() -> None:
    scripts = _scripts()
    assert scripts.get_heads() == [SCHEMA_HEAD]
    assert tuple(_chain(scripts)) == KNOWN_REVISIONS
    assert SCHEMA_HEAD == KNOWN_REVISIONS[-1]
    # Every file in versions/ is one of them, named after its revision.
    versions = resources.files("supervise").joinpath("db", "versions")
    files = sorted(
        p.name for p in versions.iterdir() if p.name.endswith(".py") and p.name != "__init__.py"
    )
    assert all(re.fullmatch(r"\d{4}_\w+\.py", name) for name in files), files
    assert tuple(name[:4] for name in files) == KNOWN_REVISIONS
    for revision in KNOWN_REVISIONS:
        script = scripts.get_revision(revision)
        assert script is not None and script.path.endswith(".py")
        assert script.path.rsplit("/", 1)[-1].startswith(f"{revision}_")
