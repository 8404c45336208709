"""Run the packaged Alembic migrations (adapter layer; only `supervise init` imports this,
through ``database.Database.upgrade``)."""

from __future__ import annotations

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

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")


def upgrade_to_head(engine: Engine) -> None:
    """Create or upgrade the schema in one transaction; safe to run again."""
    enable_wal(engine)
    if engine.dialect.name == "sqlite":
        engine.dispose()  # connections made from here on get the listeners
        _transactional_ddl(engine)
    script_location = str(resources.files("supervise").joinpath("db"))
    config = Config()
    config.set_main_option("script_location", script_location)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
