"""Shared fixtures: a fresh database per test on SQLite, and on PostgreSQL when
SUPERVISE_TEST_PG_URL is set (a fresh database per test session, emptied between tests).

Tests drive the engine through the library API: ``office`` is a
:class:`~supervise.office.Office` on the test database at a fixed time, acting as ``zhang``;
``make_office(now=..., user=..., config=...)`` builds others on the same database.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import supervise
from supervise import model
from supervise.adapters.database import make_engine
from supervise.adapters.migrate import upgrade_to_head
from supervise.adapters.orm import metadata
from supervise.adapters.personal_data import DEVELOPMENT_KEY, KEY_ENV
from supervise.office import Office
from supervise.story import credit_code, id_number
from tests.smtp_server import SmtpTestServer

PG_URL = os.environ.get("SUPERVISE_TEST_PG_URL")
#: The environment tests give the library: the PUBLIC development key seals ID numbers.
TEST_ENV: dict[str, str] = {KEY_ENV: DEVELOPMENT_KEY}
# Subprocesses and click's runner inherit the key too (a test that wants none removes it).
os.environ.setdefault(KEY_ENV, DEVELOPMENT_KEY)
BACKENDS = ["sqlite"] + (["pg"] if PG_URL else [])
NOW = datetime.fromisoformat("2026-11-27T10:00:00+08:00")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for each test (migrating costs ~0.2 s)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}", must_exist=False)
    upgrade_to_head(engine)
    engine.dispose()
    return path


@contextmanager
def scratch_pg_database(server_url: str, prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the server of ``server_url``; its URL is yielded.

    It is dropped afterwards by a detached process: DROP DATABASE forces an immediate
    checkpoint of the whole server, which took 20-100 s while other suites wrote, and nothing
    in the test depends on waiting for it.
    """
    server = make_url(server_url)
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        # The shell returns at once; the orphaned Python, in a session of its own, drops.
        admin_url = server.render_as_string(hide_password=False)
        subprocess.run(
            ["sh", "-c", '"$0" -c "$1" "$2" "$3" &', sys.executable, _DROP, admin_url, name],
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
        )


_DROP = """import sys
from sqlalchemy import create_engine, text
with create_engine(sys.argv[1], isolation_level="AUTOCOMMIT").connect() as conn:
    conn.execute(text(f'DROP DATABASE IF EXISTS "{sys.argv[2]}" WITH (FORCE)'))
"""


@contextmanager
def migrated_pg_database(prefix: str) -> Iterator[str]:
    """:func:`scratch_pg_database` on the test server, migrated to this program's schema."""
    assert PG_URL is not None
    with scratch_pg_database(PG_URL, prefix) as url:
        engine = make_engine(url, must_exist=False)
        upgrade_to_head(engine)
        engine.dispose()
        yield url


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session (dropped afterwards)."""
    with migrated_pg_database("supervise_test") as url:
        yield url


#: Empties every table as a replica session: no trigger fires (the append-only ones refuse
#: DELETE) and no foreign key is checked. DELETE of a few rows costs milliseconds where
#: TRUNCATE of 23 tables costs 50-700 ms (new files, fsync): paid before every PostgreSQL test.
_EMPTY_PG = "SET LOCAL session_replication_role = replica; " + " ".join(
    f'DELETE FROM "{t.name}";' for t in metadata.sorted_tables
)
#: ... and restarts the sequences the tables own, as TRUNCATE ... RESTART IDENTITY would.
_RESTART_PG = text(
    "SELECT setval(s.oid, 1, false) FROM pg_class s JOIN pg_depend d ON d.objid = s.oid"
    " AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')"
    " WHERE s.relkind = 'S' AND d.refobjid = ANY(CAST(:tables AS regclass[]))"
)


def _empty_pg(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(_EMPTY_PG)
        conn.execute(_RESTART_PG, {"tables": [t.name for t in metadata.sorted_tables]})
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated, empty database: SQLite file per test, or the session's PostgreSQL one."""
    if request.param == "sqlite":
        path = tmp_path / "supervise.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("pg_database")
    _empty_pg(url)
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    path = tmp_path / "supervise.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def smtp_server() -> Iterator[SmtpTestServer]:
    """A real SMTP server (aiosmtpd) on a free port of 127.0.0.1."""
    server = SmtpTestServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


MakeOffice = Callable[..., Office]


@pytest.fixture
def make_office(db_url: str) -> Iterator[MakeOffice]:
    """Open the office on the test database at a fixed time: make_office(now=..., user=...)."""
    offices: list[Office] = []

    def build(
        now: datetime | str = NOW,
        user: str = "zhang",
        config: str | Path | None = None,
        url: str | None = None,
        environ: dict[str, str] | None = None,
    ) -> Office:
        moment = datetime.fromisoformat(now) if isinstance(now, str) else now
        env = TEST_ENV if environ is None else environ
        office = supervise.open(url or db_url, config=config, actor=user, now=moment, environ=env)
        offices.append(office)
        return office

    yield build
    for office in offices:
        office.close()


@pytest.fixture
def office(make_office: MakeOffice) -> Office:
    return make_office()


def new_org(office: Office, kind: str = "social-group", charity: bool = False, **extra: Any) -> int:
    return office.add_org(
        name=extra.pop("name", f"测试组织{uuid.uuid4().hex[:6]}"),
        credit_code=extra.pop("credit_code", credit_code()),
        district=extra.pop("district", "渝中区"),
        kind=kind,
        charity=charity,
        address=extra.pop("address", "重庆市渝中区人民路1号"),
        **extra,
    ).id


def new_person(
    office: Office, name: str = "李四", address: str | None = "重庆市渝中区民生路2号"
) -> int:
    return office.add_person(name=name, id_number=id_number(), address=address).id


def open_case(
    office: Office,
    kind: str = "social-group",
    charity: bool = True,
    person_id: int | None = None,
    role: str = "秘书长",
) -> int:
    """A fresh case in a new organization (a charity social group unless told otherwise)."""
    org = new_org(office, kind=kind, charity=charity)
    person = person_id if person_id is not None else new_person(office)
    return office.appoint(org=org, person=person, role=role).id


def get_case(office: Office, case_id: int) -> model.Case:
    """The stored case row itself (for what no view shows: the return stack, the version)."""
    with office.runtime.uow() as uow:
        case = uow.session.get(model.Case, case_id)
        assert case is not None
        uow.session.expunge(case)
        return case
