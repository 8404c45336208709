"""Database URLs as users give them (adapter layer): a plain path is an SQLite file, a
password never shows, a read-only SQLite file is opened read-only, and a driver's error is
told in one line naming the database as the user named it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    from sqlalchemy import Engine


def resolve_url(url: str | None) -> str:
    """A plain path becomes an SQLite URL; None means ``supervise.db`` here."""
    if not url:
        return "sqlite:///supervise.db"
    if "://" not in url:
        return f"sqlite:///{url}"
    return url


def make_url_password(url: str) -> str | None:
    """The password in a database URL, if any (to be masked from messages)."""
    try:
        return make_url(url).password
    except Exception:  # an unparsable URL is refused later, with its own message
        return None


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def is_read_only(path: Path) -> bool:
    """Whether an existing SQLite file cannot be written (the file, or the folder that must
    hold its -wal and -shm files)."""
    return path.exists() and not (
        os.access(path, os.W_OK) and os.access(path.parent if str(path.parent) else ".", os.W_OK)
    )


def read_only_url(url: str, path: Path) -> str:
    """A read-only file is opened read-only, so that reading it works (a WAL database in a
    folder nobody may write cannot even be read otherwise: SQLite needs its -shm file)."""
    if not is_read_only(path):
        return url
    wal = path.with_name(path.name + "-wal")
    # immutable: no -shm needed; only safe when no -wal holds committed pages.
    flags = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
    return f"sqlite:///file:{quote(str(path.resolve()))}?{flags}&uri=true"


def shown_url_of(url: str) -> str:
    """A database URL as it may be printed: without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL was refused before it got here
        return "(the database URL)"


def shown_url(engine: Engine) -> str:
    """The database as the user named it (a read-only file's URI back to its path)."""
    database = engine.url.database or ""
    if engine.dialect.name == "sqlite" and database.startswith("file:"):
        return f"sqlite:///{unquote(database[5:])}"
    return engine.url.render_as_string(hide_password=True)


def describe_db_error(engine: Engine, exc: Exception) -> str:
    where = shown_url(engine)
    detail = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
    if "file is not a database" in detail:
        return f"{where} is not a supervise database (file is not a database); check --db"
    if "readonly database" in detail or "read-only" in detail:
        return (
            f"{where} is read-only (the file or its folder cannot be written): read commands "
            "work, changes need write access"
        )
    return f"cannot use database {where}: {detail}"
