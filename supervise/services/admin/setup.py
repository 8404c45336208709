"""Use cases for the installation: create or upgrade the database, check the set-up."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from supervise.db import KNOWN_REVISIONS, OUR_TABLES, SCHEMA_HEAD
from supervise.errors import DatabaseProblem, NotAllowed, SuperviseError
from supervise.runtime import Runtime
from supervise.services.admin.keys import key_check
from supervise.services.admin.users import directory_check, first_admin
from supervise.views import Check, InitResult


def init(
    rt: Runtime,
    actor: str,
    force: bool = False,
    admin: str | None = None,
    authorize: Callable[[], Any] | None = None,
) -> InitResult:
    """Create or upgrade the database; refuse, untouched, one that is not ours.

    Refused: a newer schema; a database with our tables but no schema version (damaged:
    restore a backup); and, unless ``force``, an existing empty file or a database holding
    other tables (someone else's), beside which ``force`` creates ours.
    """
    found = rt.database.survey()
    before = found.revision
    where = rt.db_url
    if before is not None and before not in KNOWN_REVISIONS:
        raise DatabaseProblem(
            f"database schema {before} is newer than this program knows ({SCHEMA_HEAD}); "
            "upgrade supervise instead; the database was left untouched"
        )
    if before is None:
        ours = sorted(found.tables & OUR_TABLES)
        if ours:
            raise DatabaseProblem(
                f"{where} has supervise's tables ({', '.join(ours[:4])}) but no schema version "
                "(alembic_version is missing or empty): it was damaged; restore a backup with "
                "`supervise restore FILE`; the database was left untouched"
            )
        others = sorted(found.tables - {"alembic_version"})
        if found.empty_file and not force:
            raise DatabaseProblem(
                f"{where} is an existing empty file, not a database; check --db, or pass "
                "--force to make it a supervise database; it was left untouched"
            )
        if others and not force:
            raise DatabaseProblem(
                f"{where} is a database with other tables ({', '.join(others[:4])}) and no "
                "supervise schema; check --db, or pass --force to add supervise's tables "
                "beside them; it was left untouched"
            )
    if before == SCHEMA_HEAD and authorize is not None and admin is None:
        # Re-running init on a database at this schema is an admin's act once users exist
        # (an older schema has no roles yet to check: upgrading it is how they arrive).
        authorize()
    if before != SCHEMA_HEAD:
        rt.database.upgrade()
    if admin is not None:
        first_admin(rt, actor, admin)
    return InitResult(rt.db_url, before, SCHEMA_HEAD, admin)


def doctor(rt: Runtime, actor: str, authorize: Callable[[], Any] | None = None) -> list[Check]:
    """Check the database, the calendar's coverage of the next 12 months, the mail
    transport (the SMTP server answers), the user directory and the PDF fonts."""
    checks: list[Check] = []
    try:
        rt.database.engine()
        if authorize is not None:
            authorize()  # the database answers: the acting user must be one of its users
        checks.append(Check("database", True, f"{rt.db_url} at schema {SCHEMA_HEAD}"))
    except NotAllowed:
        raise
    except SuperviseError as exc:
        checks.append(Check("database", False, exc.message))
        checks.append(Check("mail", *rt.transport().check()))
        return checks
    calendar = rt.calendar()
    today = rt.clock.today()
    horizon = today + timedelta(days=365)
    missing = [y for y in range(today.year, horizon.year + 1) if not calendar.is_official(y)]
    if missing:
        years = ", ".join(map(str, missing))
        checks.append(
            Check(
                "calendar",
                False,
                f"no official holiday schedule for {years}: deadlines there are provisional; "
                "load the State Council notice with `supervise calendar load FILE` when published",
            )
        )
    else:
        checks.append(Check("calendar", True, "official schedules cover the next 12 months"))
    checks.append(Check("mail", *rt.transport().check()))
    checks.append(Check("key", *key_check(rt)))
    checks.append(Check("office", *office_check(rt)))
    checks.append(Check("users", *directory_check(rt)))
    checks.append(Check("fonts", *fonts_check(rt)))
    return checks


def fonts_check(rt: Runtime) -> tuple[bool, str]:
    """Whether PDF notices can be printed: WeasyPrint, a CJK font, HarfBuzz's subsetter."""
    problems = rt.pdf().problems()
    if problems:
        return False, "; ".join(problems)
    return True, "PDF notices can be rendered (CJK font and WeasyPrint found)"


def office_check(rt: Runtime) -> tuple[bool, str]:
    """Whether the office's address and telephone, printed on every notice, are its own."""
    found = rt.settings.office.placeholders()
    if found:
        return False, (
            f"{' and '.join(found)} still hold the packaged placeholder; notices are marked "
            "样本 (sample) until they are set in the office's config file (--config)"
        )
    return True, f"{rt.settings.office.name}, {rt.settings.office.address}"
