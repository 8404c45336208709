"""Set-up, users, the calendar and the tamper-evident record: the administrators' methods."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from supervise.errors import DatabaseProblem
from supervise.inputs import optional_id
from supervise.office.base import OfficeBase

if TYPE_CHECKING:
    from supervise.views import (
        AuditReport,
        BackupView,
        Check,
        InitResult,
        Recomputed,
        RotationReport,
        UserView,
        YearView,
    )


class AdminDesk(OfficeBase):
    # -- set-up ----------------------------------------------------------------------------

    def init(
        self, *, force: bool = False, admin: str | None = None, actor: str | None = None
    ) -> InitResult:
        """Create the database, or upgrade it to this version's schema.

        ``force``: initialise an existing empty file, or add our tables to a database that
        holds someone else's. ``admin``: the office's first administrator (only while the
        database has no enabled admin). Re-running ``init`` on an up-to-date database with
        users is an admin's action."""
        from supervise.services.admin import setup

        who = self._who(actor)
        return setup.init(self.runtime, who, force, admin, lambda: self._act("init", who))

    def backup(self, file: str | Path, *, actor: str | None = None) -> BackupView:
        """A consistent, checked copy of the live SQLite database (PostgreSQL: the command)."""
        from supervise.services.admin import backup

        return backup.backup(self.runtime, self._act("backup", actor), Path(file))

    def restore(
        self, file: str | Path, *, confirmed: bool = False, actor: str | None = None
    ) -> BackupView:
        """Replace the database's contents with a checked backup (``confirmed`` needed)."""
        from supervise.services.admin import backup

        return backup.restore(self.runtime, self._act("restore", actor), Path(file), confirmed)

    def config(self, *, actor: str | None = None) -> dict[str, Any]:
        """The effective settings as plain data (what ``config show`` prints)."""
        from supervise.config import settings_as_dict

        try:
            self._act("config.show", actor)
        except DatabaseProblem:
            pass  # no database to hold users (yet): the settings are all there is to show
        return settings_as_dict(self.runtime.settings)

    def doctor(self, *, actor: str | None = None) -> list[Check]:
        """Check the database, calendar, mail, user directory and PDF fonts."""
        from supervise.services.admin import setup

        return setup.doctor(self.runtime, self._who(actor), lambda: self._act("doctor", actor))

    # -- users ----------------------------------------------------------------------------

    def add_user(
        self,
        name: str,
        *,
        email: str | None = None,
        role: str = "supervisor",
        reports_to: str | None = None,
        districts: Sequence[str] = (),
        qualification: str | None = None,
        actor: str | None = None,
    ) -> UserView:
        """Add a user: ``role`` from the permission table, ``districts`` they are limited to
        (none: all), a legal reviewer's ``qualification`` (法律职业资格证书编号)."""
        from supervise.services.admin import users

        return users.add_user(
            self.runtime,
            self._act("user.add", actor),
            users.UserInput(name, email, role, reports_to, tuple(districts), qualification),
        )

    def disable_user(self, name: str, *, actor: str | None = None) -> UserView:
        """Take a user's right to act (their history stays theirs)."""
        from supervise.services.admin import users

        return users.set_disabled(self.runtime, self._act("user.disable", actor), name, True)

    def users(self, *, actor: str | None = None) -> list[UserView]:
        from supervise.services.admin import users

        return users.list_users(self.runtime, self._act("user.list", actor))

    def edit_user(
        self,
        name: str,
        *,
        email: str | None = None,
        role: str | None = None,
        reports_to: str | None = None,
        no_reports_to: bool = False,
        districts: Sequence[str] | None = None,
        qualification: str | None = None,
        enable: bool = False,
        actor: str | None = None,
    ) -> UserView:
        """Change a user; ``districts=[]`` lifts their district limit, ``enable`` gives a
        disabled user back the right to act."""
        from supervise.services.admin import users

        who = self._act("user.edit", actor)
        view = users.edit_user(
            self.runtime,
            who,
            name,
            email=email,
            role=role,
            reports_to=reports_to,
            no_reports_to=no_reports_to,
            districts=None if districts is None else tuple(districts),
            qualification=qualification,
            nothing_else=enable,
        )
        return users.set_disabled(self.runtime, who, name, False) if enable else view

    # -- the calendar ---------------------------------------------------------------------

    def load_calendar(
        self, path: str | Path, *, force: bool = False, actor: str | None = None
    ) -> tuple[YearView, list[Recomputed]]:
        """Load a year's official schedule; recompute the deadlines it changes.

        A different schedule for a year that is official already needs ``force``."""
        from supervise.services.admin import calendar

        return calendar.load(self.runtime, self._act("calendar.load", actor), Path(path), force)

    def calendar_year(self, year: int, *, actor: str | None = None) -> YearView:
        from supervise.services.admin import calendar

        return calendar.show(self.runtime, self._act("calendar.show", actor), year)

    def rotate_keys(self, *, batch: int = 500, actor: str | None = None) -> RotationReport:
        """Re-seal every ID number under the key ring's first key (admins; resumable)."""
        from supervise.services.admin import keys

        return keys.rotate(self.runtime, self._act("keys.rotate", actor), batch)

    # -- the tamper-evident record --------------------------------------------------------

    def verify_chains(self, *, anchor: str | None = None, actor: str | None = None) -> AuditReport:
        """Walk every hash chain (each case's history, the audit table); with ``anchor``,
        also check that the record as of that anchor still hashes to it."""
        from supervise.services.audit import chains

        return chains.verify(self.runtime, self._act("audit.verify", actor), anchor)

    def anchor_chains(self, *, actor: str | None = None) -> str:
        """The hash over every chain's head now (``H.A.sha256``), to keep elsewhere."""
        from supervise.services.audit import chains

        return str(chains.anchor(self.runtime, self._act("audit.anchor", actor)))

    def export_chains(
        self, file: str | Path, *, case: int | None = None, actor: str | None = None
    ) -> int:
        """Write one case's chain (or all chains) with their hashes as JSON lines."""
        from supervise.services.audit import chains

        return chains.export(
            self.runtime,
            self._act("audit.export", actor),
            optional_id(case, "--case"),
            Path(file),
        )
