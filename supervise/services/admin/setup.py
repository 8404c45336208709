"""Use cases for the installation: create or upgrade the database, check the set-up."""

from __future__ import annotations

from datetime import timedelta

from supervise.db import KNOWN_REVISIONS, SCHEMA_HEAD
from supervise.errors import DatabaseProblem, SuperviseError
from supervise.runtime import Runtime
from supervise.services.admin.users import directory_check
from supervise.views import Check, InitResult


def init(rt: Runtime, actor: str) -> InitResult:
    """Create or upgrade the database; refuse (untouched) a foreign or newer one."""
    before = rt.database.schema_version()
    if before is not None and before not in KNOWN_REVISIONS:
        raise DatabaseProblem(
            f"database schema {before} is newer than this program knows ({SCHEMA_HEAD}); "
            "upgrade supervise instead; the database was left untouched"
        )
    if before != SCHEMA_HEAD:
        rt.database.upgrade()
    return InitResult(rt.db_url, before, SCHEMA_HEAD)


def doctor(rt: Runtime, actor: str) -> list[Check]:
    """Check the database, the calendar's coverage of the next 12 months, the mail
    transport (the SMTP server answers), the user directory and the PDF fonts."""
    checks: list[Check] = []
    try:
        rt.database.engine()
        checks.append(Check("database", True, f"{rt.db_url} at schema {SCHEMA_HEAD}"))
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
    checks.append(Check("users", *directory_check(rt)))
    checks.append(Check("fonts", *fonts_check(rt)))
    return checks


def fonts_check(rt: Runtime) -> tuple[bool, str]:
    """Whether PDF notices can be printed: WeasyPrint, a CJK font, HarfBuzz's subsetter."""
    problems = rt.pdf().problems()
    if problems:
        return False, "; ".join(problems)
    return True, "PDF notices can be rendered (CJK font and WeasyPrint found)"
