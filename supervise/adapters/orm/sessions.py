"""The ORM's sessions (adapter layer): made on a unit of work's first ask for one, so that
the read commands, which run on Core connections, never import the ORM."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from supervise.adapters.orm.mapping import start_mappers
from supervise.adapters.personal_data import CipherSource, install_person_mapping, session_info


def session_factory(
    engine: Engine, personal_data: CipherSource | None = None
) -> sessionmaker[Session]:
    """Sessions on ``engine``; the domain classes are mapped first (once per process)."""
    start_mappers()
    install_person_mapping()
    # expire_on_commit=False: services build plain views after commit without reloading.
    # The session carries the ID-number cipher's source: the mapping of Person seals and
    # opens numbers through it (adapters/personal_data.py).
    return sessionmaker(
        bind=engine, expire_on_commit=False, autoflush=False, info=session_info(personal_data)
    )
