"""Shared fixtures: a fresh database per test on SQLite, and on PostgreSQL when
SUPERVISE_TEST_PG_URL is set (a fresh database per test session, emptied between tests).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from supervise import model
from supervise.adapters.database import make_engine
from supervise.adapters.migrate import upgrade_to_head
from supervise.adapters.orm import metadata
from supervise.bootstrap import App, bootstrap
from supervise.clock import Clock
from supervise.config import load_settings
from supervise.services import registry
from tests.factories import credit_code, id_number
from tests.smtp_server import SmtpTestServer

PG_URL = os.environ.get("SUPERVISE_TEST_PG_URL")
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


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    assert PG_URL is not None
    server = make_url(PG_URL)
    name = f"supervise_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url, must_exist=False)
    upgrade_to_head(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _empty_pg(url: str) -> None:
    engine = create_engine(url)
    names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
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


MakeApp = Callable[..., App]


@pytest.fixture
def make_app(db_url: str) -> Iterator[MakeApp]:
    """Build an App on the test database at a fixed time: make_app(now=..., user=...)."""
    apps: list[App] = []

    def build(
        now: datetime | str = NOW,
        user: str = "zhang",
        config: str | Path | None = None,
        url: str | None = None,
    ) -> App:
        settings = load_settings(config, environ={})
        moment = datetime.fromisoformat(now) if isinstance(now, str) else now
        app = bootstrap(settings, db_url=url or db_url, user=user, environ={})
        app.clock = Clock(settings.zone, moment)
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.close()


@pytest.fixture
def app(make_app: MakeApp) -> App:
    return make_app()


def new_org(app: App, kind: str = "social-group", charity: bool = False, **extra: Any) -> int:
    data = registry.OrgInput(
        name=extra.pop("name", f"测试组织{uuid.uuid4().hex[:6]}"),
        credit_code=extra.pop("credit_code", credit_code()),
        district=extra.pop("district", "渝中区"),
        kind=kind,
        charity=charity,
        **extra,
    )
    return registry.add_org(app, data).id


def new_person(app: App, name: str = "李四") -> int:
    return registry.add_person(app, name, id_number(), None).id


def get_case(app: App, case_id: int) -> model.Case:
    with app.uow() as uow:
        case = uow.session.get(model.Case, case_id)
        assert case is not None
        uow.session.expunge(case)
        return case
