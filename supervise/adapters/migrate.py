"""Run the packaged Alembic migrations (adapter layer; only `supervise init` imports this,
through ``database.Database.upgrade``)."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine


def enable_wal(engine: Engine) -> None:
    """WAL lets readers run beside the one writer; the mode is stored in the file."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")


def upgrade_to_head(engine: Engine) -> None:
    """Create or upgrade the schema; safe to run again on an up-to-date database."""
    enable_wal(engine)
    script_location = str(resources.files("supervise").joinpath("db"))
    config = Config()
    config.set_main_option("script_location", script_location)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
