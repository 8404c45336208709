"""Run the packaged Alembic migrations (adapter layer; only `supervise init` imports this,
through ``database.Database.upgrade``)."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event


def enable_wal(engine: Engine) -> None:
    """WAL lets readers run beside the one writer; the mode is stored in the file."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")


def _transactional_ddl(engine: Engine) -> None:
    """Make SQLite's DDL part of the transaction, so a failed migration leaves nothing.

    The sqlite3 module sends no BEGIN before CREATE TABLE, so each statement of a migration
    would commit on its own (an ``init`` that failed halfway left an empty
    ``alembic_version`` behind); with BEGIN sent here SQLite rolls the whole upgrade back.
    """

    @event.listens_for(engine, "connect")
    def _no_implicit(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        # A migration that rebuilds a table others refer to (0009: persons) must drop it;
        # foreign keys are checked once, before the commit, instead (SQLite's own recipe
        # for ALTER TABLE). secure_delete zeroes what is dropped: a rebuilt table's old
        # pages must not keep what it held (clear ID numbers) in the file's free pages.
        dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        dbapi_connection.execute("PRAGMA secure_delete=ON")

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")


def upgrade_to_head(engine: Engine, personal_data: Callable[[], Any] | None = None) -> None:
    """Create or upgrade the schema in one transaction; safe to run again.

    ``personal_data`` gives the cipher that seals the ID numbers of a database from before
    revision 0009 (one without persons needs none)."""
    enable_wal(engine)
    if engine.dialect.name == "sqlite":
        engine.dispose()  # connections made from here on get the listeners
        _transactional_ddl(engine)
    script_location = str(resources.files("supervise").joinpath("db"))
    config = Config()
    config.set_main_option("script_location", script_location)
    config.attributes["personal_data"] = personal_data
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        if engine.dialect.name == "sqlite":
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
            if broken is not None:
                raise RuntimeError(f"the upgrade broke a foreign key: {tuple(broken)}")
    if engine.dialect.name == "sqlite":
        # The log may still hold pages written before the upgrade (clear numbers); on the
        # driver's own connection, outside any transaction, or SQLite cannot checkpoint.
        raw = engine.raw_connection()
        try:
            raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
