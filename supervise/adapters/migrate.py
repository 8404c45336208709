"""Run the packaged Alembic migrations (adapter layer; only `supervise init` imports this)."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from supervise.adapters.database import enable_wal


def upgrade_to_head(engine: Engine) -> None:
    """Create or upgrade the schema; safe to run again on an up-to-date database."""
    enable_wal(engine)
    script_location = str(resources.files("supervise").joinpath("db"))
    config = Config()
    config.set_main_option("script_location", script_location)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
