"""The SQL of the office's set-up (service layer): users, calendar years, supervisors."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, bindparam, func, or_, select, update

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.adapters.orm import audit as audit_table
from supervise.adapters.orm import calendar_years as calendar_years_table
from supervise.adapters.orm import cases as cases_table
from supervise.adapters.orm import deadlines as deadlines_table
from supervise.adapters.orm import persons as persons_table
from supervise.adapters.orm import users as users_table
from supervise.errors import NotFound
from supervise.states import NON_FINAL_STATES
from supervise.workdays import YearSchedule


def user_named(uow: UnitOfWork, name: str) -> model.User | None:
    return uow.session.scalar(select(model.User).where(users_table.c.name == name))


def get_user(uow: UnitOfWork, name: str) -> model.User:
    user = user_named(uow, name)
    if user is None:
        raise NotFound(f"no user named {name}; see `supervise user list`")
    return user


# Built once: this statement runs before every command, and building it costs more than
# running it on SQLite.
_ACTING = (
    select(users_table.c.name, users_table.c.role, users_table.c.districts, users_table.c.disabled)
    .where(
        or_(
            users_table.c.name == bindparam("name"),
            users_table.c.id == select(func.min(users_table.c.id)).scalar_subquery(),
        )
    )
    .limit(2)
)


#: Whether the user exists, their role, districts, and whether disabled.
ActingUser = tuple[bool, str, list[str] | None, bool]


def acting_user(uow: UnitOfWork, name: str) -> ActingUser | None:
    """(whether the user named ``name`` exists, their role, districts, disabled), read
    with the directory's first user in one statement of plain columns; None when the
    directory is empty."""
    rows = uow.connection.execute(_ACTING, {"name": name}).all()
    for row in rows:
        if row.name == name:
            return True, row.role, row.districts, row.disabled
    return (False, "", None, False) if rows else None


def audit_head(uow: UnitOfWork) -> str | None:
    """The hash of the audit chain's last row (None: the chain is empty)."""
    a = audit_table.c
    return uow.session.scalar(select(a.hash).order_by(a.id.desc()).limit(1))


def users_by_id(uow: UnitOfWork) -> dict[int, model.User]:
    return {u.id: u for u in uow.session.scalars(select(model.User))}


def supervisors_of_open_cases(uow: UnitOfWork) -> list[str | None]:
    c = cases_table.c
    return list(
        uow.session.execute(
            select(c.supervisor)
            .where(c.state.in_(NON_FINAL_STATES))
            .group_by(c.supervisor)
            .order_by(c.supervisor)
        ).scalars()
    )


def schedules(uow: UnitOfWork) -> dict[int, YearSchedule]:
    """The official year schedules an administrator loaded (Core: `case next` reads them)."""
    out: dict[int, YearSchedule] = {}
    for row in uow.connection.execute(select(calendar_years_table)):
        out[row.year] = YearSchedule(
            year=row.year,
            holidays=frozenset(date.fromisoformat(d) for d in row.holidays),
            workdays=frozenset(date.fromisoformat(d) for d in row.workdays),
            source=row.source,
        )
    return out


def deadlines_to_recompute(uow: UnitOfWork, changed_year: int | None) -> list[model.Deadline]:
    """Open deadlines that rest on a provisional calendar, and, when an official year's
    schedule was changed, those that were counted across that year."""
    d = deadlines_table.c
    which: ColumnElement[bool] = d.provisional.is_(True)
    if changed_year is not None:
        which = or_(
            which, and_(d.start <= date(changed_year, 12, 31), d.due >= date(changed_year, 1, 1))
        )
    return list(
        uow.session.scalars(select(model.Deadline).where(which, d.status == "open").order_by(d.id))
    )


# -- sealed ID numbers (services/admin/keys.py) ---------------------------------------------


def seals_after(uow: UnitOfWork, last: int, batch: int) -> list[tuple[int, str, str]]:
    """(id, sealed number, keyed hash) of the next ``batch`` persons after id ``last``."""
    p = persons_table.c
    rows = uow.session.execute(
        select(p.id, p.id_number_enc, p.id_number_hmac)
        .where(p.id > last)
        .order_by(p.id)
        .limit(batch)
    )
    return [(r[0], r[1], r[2]) for r in rows]


def reseal(uow: UnitOfWork, person_id: int, old: str, sealed: str, index: str) -> None:
    """Replace one person's sealed number and hash, if the row still holds ``old`` (a row
    another rotation moved meanwhile stays as it is)."""
    p = persons_table.c
    uow.session.execute(
        update(persons_table)
        .where(p.id == person_id, p.id_number_enc == old)
        .values(id_number_enc=sealed, id_number_hmac=index)
    )


def all_seals(uow: UnitOfWork) -> list[str]:
    return list(uow.session.execute(select(persons_table.c.id_number_enc)).scalars())


def one_seal(uow: UnitOfWork) -> tuple[str, str] | None:
    p = persons_table.c
    row = uow.session.execute(select(p.id_number_enc, p.id_number_hmac).limit(1)).first()
    return None if row is None else (row[0], row[1])
