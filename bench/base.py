"""What every benchmark module shares and that needs nothing else of ``bench``: the moment
the benchmarks live at, the PostgreSQL server, and reading database URLs."""

from __future__ import annotations

import os
from datetime import datetime

from sqlalchemy.engine import make_url

# The moment every benchmark lives at (a fixed, monotonic clock): the same as the tests.
NOW = datetime.fromisoformat("2026-11-27T10:00:00+08:00")
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def sqlite_file(url: str) -> str:
    database = make_url(url).database
    assert database is not None
    return database


def psycopg_conninfo(url: str) -> str:
    u = make_url(url)
    return (
        f"host={u.host or '127.0.0.1'} port={u.port or 5432} dbname={u.database} "
        f"user={u.username or 'postgres'}" + (f" password={u.password}" if u.password else "")
    )
