"""Use cases for the installation: create or upgrade the database, check the set-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from supervise.adapters.database import make_engine, schema_version
from supervise.bootstrap import App
from supervise.db import KNOWN_REVISIONS, SCHEMA_HEAD
from supervise.errors import DatabaseProblem, SuperviseError
from supervise.services.outbox_admin import mail_check
from supervise.services.users import directory_check


def init(app: App) -> tuple[str | None, str]:
    """Create or upgrade the database; refuse (untouched) a foreign or newer one.

    Returns:
        The schema revision before and after.
    """
    engine = make_engine(app.db_url, must_exist=False)
    try:
        before = schema_version(engine)
        if before is not None and before not in KNOWN_REVISIONS:
            raise DatabaseProblem(
                f"database schema {before} is newer than this program knows ({SCHEMA_HEAD}); "
                "upgrade supervise instead; the database was left untouched"
            )
        if before != SCHEMA_HEAD:
            from supervise.adapters.migrate import upgrade_to_head

            upgrade_to_head(engine)
    finally:
        engine.dispose()
    return before, SCHEMA_HEAD


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    message: str

    def as_json(self) -> dict[str, object]:
        return {"check": self.name, "ok": self.ok, "message": self.message}


def doctor(app: App) -> list[Check]:
    """Check the database, the calendar's coverage of the next 12 months, the mail
    transport (the SMTP server answers) and the user directory."""
    checks: list[Check] = []
    try:
        app.engine()
        checks.append(Check("database", True, f"{app.db_url} at schema {SCHEMA_HEAD}"))
    except SuperviseError as exc:
        checks.append(Check("database", False, exc.message))
        checks.append(Check("mail", *mail_check(app)))
        return checks
    calendar = app.calendar()
    today = app.clock.today()
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
    checks.append(Check("mail", *mail_check(app)))
    checks.append(Check("users", *directory_check(app)))
    checks.append(Check("fonts", *fonts_check(app)))
    return checks


def fonts_check(app: App) -> tuple[bool, str]:
    """Whether PDF notices can be printed: WeasyPrint, a CJK font, HarfBuzz's subsetter."""
    from supervise.notices import check_fonts

    problems = check_fonts(app.settings.notices.font)
    if problems:
        return False, "; ".join(problems)
    return True, "PDF notices can be rendered (CJK font and WeasyPrint found)"
