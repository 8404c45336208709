"""supervise: a case-management engine for supervising the leaders of social organizations.

The library API is :func:`open`, which returns an :class:`~supervise.office.Office`; every
use case is a method of it, returning the views of ``supervise.views`` and raising the
errors of ``supervise.errors``::

    import supervise

    with supervise.open("cases.db", actor="zhang") as office:
        office.init()
        org = office.add_org(name="某某儿童服务中心", credit_code="52500103MJ0000106J",
                             district="渝中区", kind="service-org", charity=True)
        person = office.add_person(name="李四", id_number="500103198001010016")
        case = office.appoint(org=org.id, person=person.id, role="秘书长")
        print(office.next_events(case.id))

The layers (``docs/architecture.md``): ``law``, ``states``, ``rules``, ``deadlines``,
``workdays``, ``reminder_plan``, ``validation``, ``clock``, ``model`` and ``errors`` are the
domain (no framework imports); ``adapters`` hold the database, migrations, mail and
scheduler; ``services`` are the use cases, each owning its transaction; ``office`` (this
API) and ``cli`` are the entry points; ``bootstrap`` wires them together.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from supervise.errors import (
    Banned,
    ConfigError,
    Conflict,
    DatabaseProblem,
    GuardRefused,
    InvalidInput,
    MailDeliveryError,
    NotAllowed,
    NotFound,
    SuperviseError,
)

if TYPE_CHECKING:
    from supervise.office import Office

#: The one place the version is written (setup.cfg reads it; ``supervise --version`` prints
#: it without importing ``importlib.metadata``, which costs a third of click's import).
__version__ = "0.1.0"

__all__ = [
    "Banned",
    "ConfigError",
    "Conflict",
    "DatabaseProblem",
    "GuardRefused",
    "InvalidInput",
    "MailDeliveryError",
    "NotAllowed",
    "NotFound",
    "Office",
    "SuperviseError",
    "__version__",
    "open",
]


def open(  # noqa: A001 - the library's one entry point, named as `sqlite3.connect` is
    url: str | Path | None = None,
    *,
    config: str | Path | None = None,
    actor: str | None = None,
    now: datetime | None = None,
    environ: Mapping[str, str] | None = None,
) -> Office:
    """Open the office on a database.

    Args:
        url: an SQLAlchemy URL or an SQLite file path; default as the CLI's ``--db``
            (``$SUPERVISE_DB``, ``database.url`` in the configuration, ``supervise.db``).
        config: a settings file layered over the packaged defaults (``$SUPERVISE_CONFIG``).
        actor: who acts when a call does not say (``actor=`` on each method overrides it).
        now: fix the program's clock (replays, tests); ``$SUPERVISE_NOW`` does the same.
        environ: where ``SUPERVISE_*`` variables are read from (default ``os.environ``).

    Raises:
        ConfigError: the configuration is unusable.
    """
    from supervise.bootstrap import bootstrap, database_url
    from supervise.config import load_settings
    from supervise.office import Office

    env = os.environ if environ is None else environ
    settings = load_settings(config, env)
    runtime = bootstrap(
        settings, db_url=database_url(None if url is None else str(url), settings, env), environ=env
    )
    if now is not None:
        runtime = runtime.at(now)
    return Office(runtime, actor)


def __getattr__(name: str) -> object:
    if name == "Office":
        from supervise.office import Office

        return Office
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
