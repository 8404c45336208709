"""The library API: one :class:`Office` per database, every use case as a method.

Entry-point layer, like the CLI (which is a thin layer over this class). Each method takes
who is acting (``actor=``; the default given to :func:`supervise.open`, if any), calls one
service, and returns the same views that ``--json`` prints (``supervise.views``); refusals
raise the same errors (``supervise.errors``), each with its ``kind``. Service modules are
imported by the methods that use them, so that reading a case never loads the code that
issues notices or sends mail.

Example::

    import supervise

    with supervise.open("sqlite:///cases.db", actor="zhang") as office:
        view = office.case(1)
        result = office.advance(1, "propose_warning", facts="未按期报送年度工作报告",
                                details={"evidence": "年度检查记录"})
        print(result.to_state, [n for _, _, n in result.notices])
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from supervise.errors import DatabaseProblem, InvalidInput
from supervise.inputs import ACTOR, optional_id, record_id, text
from supervise.permissions import EVENT_ACTIONS, Actor, event_action
from supervise.report_views import CasesReport
from supervise.rules import Params
from supervise.runtime import Runtime

if TYPE_CHECKING:
    from supervise.services.exchange.export import Export
    from supervise.services.exchange.importer import ImportReport
from supervise.views import (
    AdvanceResult,
    AgendaItem,
    AreaImport,
    AreaView,
    AssignResult,
    AuditReport,
    BackupView,
    BanView,
    CaseView,
    Check,
    ContractView,
    DistrictView,
    EvaluationView,
    InitResult,
    MessageView,
    NextEvent,
    NoticeView,
    OrgAdvanceResult,
    OrgView,
    OutboxStatus,
    PersonView,
    Recomputed,
    Rendered,
    RotationReport,
    RunReport,
    Served,
    UserView,
    YearView,
)

#: What ``advance`` takes besides the notice content (``rules.Params``).
EVENT_INPUTS: tuple[str, ...] = tuple(
    f.name for f in dataclasses.fields(Params) if f.name != "details"
)


def merge_details(
    details: Mapping[str, Any] | None, *, facts: str | None = None, place: str | None = None
) -> dict[str, Any]:
    """The notice fields of an event: ``details`` with ``facts`` and ``place`` added."""
    merged = dict(details or {})
    for key, value in (("facts", facts), ("place", place)):
        if value is not None:
            if key in merged and merged[key] != value:
                raise InvalidInput(f"--{key} and the {key} field of --details disagree; give one")
            merged[key] = value
    return merged


class Office:
    """A supervision office's cases, registry, notices and reminders on one database."""

    def __init__(self, runtime: Runtime, actor: str | None = None) -> None:
        self.runtime = runtime
        self.actor = actor

    # -- life cycle ------------------------------------------------------------------------

    def __enter__(self) -> Office:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Let go of the database connections."""
        self.runtime.close()

    def at(self, moment: datetime) -> Office:
        """The same office with its clock fixed at ``moment`` (replays, tests, demos)."""
        return Office(self.runtime.at(moment), self.actor)

    @property
    def settings(self) -> Any:
        """The effective settings (``config.Settings``)."""
        return self.runtime.settings

    def _who(self, actor: str | None) -> str:
        who = actor or self.actor
        if not who:
            raise InvalidInput("who is acting? pass actor=NAME (or open the office with one)")
        return text(who, "who is acting (--as)", ACTOR)

    def _act(self, action: str, actor: str | None, *, case_id: int | None = None) -> Actor:
        """Who is acting, checked against the permission table: every method comes here.

        Raises:
            NotAllowed: an unknown or disabled user, or a role the table does not allow
                (audited).
        """
        from supervise.services.admin import access

        return access.authorize(self.runtime, self._who(actor), action, case_id=case_id)

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

    # -- organizations and persons --------------------------------------------------------

    def add_org(
        self,
        *,
        name: str,
        credit_code: str,
        district: str,
        kind: str,
        township: str | None = None,
        charity: bool = False,
        email: str | None = None,
        address: str | None = None,
        legal_representative: str | None = None,
        professional: bool = False,
        services: Sequence[str] = (),
        serves: Sequence[str] = (),
        state: str = "active",
        actor: str | None = None,
    ) -> OrgView:
        """Register an organization (统一社会信用代码 checked; district and townships
        checked against the configured districts and the loaded townships); ``address`` is
        its 住所, which every decision addressed to it must give (行政处罚法 Art. 59(一))."""
        from supervise.services.registry import records

        data = records.OrgInput(
            name, credit_code, district, kind, township, charity, email, address,
            legal_representative, professional, tuple(services), tuple(serves), state,
        )  # fmt: skip
        return records.add_org(self.runtime, self._act("org.add", actor), data)

    def org(self, org_id: int, *, actor: str | None = None) -> OrgView:
        """An organization with the history of its record and of its lifecycle."""
        from supervise.services.registry import records

        return records.show_org(
            self.runtime, self._act("org.show", actor), record_id(org_id, "organization")
        )

    def orgs(
        self,
        *,
        district: str | None = None,
        status: str | None = None,
        limit: int = 1000,
        actor: str | None = None,
    ) -> list[OrgView]:
        from supervise.services.registry import records

        return records.list_orgs(
            self.runtime, self._act("org.list", actor), district, limit, status
        )

    def edit_org(
        self,
        org_id: int,
        *,
        name: str | None = None,
        email: str | None = None,
        township: str | None = None,
        address: str | None = None,
        legal_representative: str | None = None,
        professional: bool | None = None,
        services: Sequence[str] | None = None,
        serves: Sequence[str] | None = None,
        actor: str | None = None,
    ) -> OrgView:
        """Change name, contact, township, address, legal representative, whether
        professional, the services or the townships served (each list replaced whole); the
        old values are kept."""
        from supervise.services.registry import records

        changes = {
            "name": name,
            "email": email,
            "township": township,
            "address": address,
            "legal_representative": legal_representative,
            "professional": professional,
            "services": None if services is None else list(services),
            "serves": None if serves is None else list(serves),
        }
        return records.edit_org(
            self.runtime, self._act("org.edit", actor), record_id(org_id, "organization"), changes
        )

    def link_org(
        self,
        org_id: int,
        *,
        institution: str,
        since: date | None = None,
        actor: str | None = None,
    ) -> OrgView:
        """Link an organization with its district's 未成年人救助保护机构 (结对)."""
        from supervise.services.registry import links

        org = record_id(org_id, "organization")
        return links.link(self.runtime, self._act("org.link", actor), org, institution, since)

    def unlink_org(
        self, org_id: int, *, on: date | None = None, actor: str | None = None
    ) -> OrgView:
        """End an organization's link (default today); the link stays as history."""
        from supervise.services.registry import links

        return links.unlink(
            self.runtime, self._act("org.unlink", actor), record_id(org_id, "organization"), on
        )

    def advance_org(
        self, org_id: int, event: str, *, reason: str | None = None, actor: str | None = None
    ) -> OrgAdvanceResult:
        """Move an organization on its lifecycle (restore and exit: directors only)."""
        from supervise.services.registry import lifecycle

        org = record_id(org_id, "organization")
        return lifecycle.advance_org(
            self.runtime, self._act("org.advance", actor), org, event, reason
        )

    # -- service contracts and evaluations --------------------------------------------------

    def add_contract(
        self,
        *,
        org: int,
        title: str,
        amount: str | int | Decimal,
        start: date,
        end: date,
        townships: Sequence[str] = (),
        actor: str | None = None,
    ) -> ContractView:
        """Record a service contract (amount in yuan, kept in fen) with an organization."""
        from supervise.contracts import ContractInput
        from supervise.services.contracts import contracts

        data = ContractInput(
            record_id(org, "organization"), title, amount, start, end, tuple(townships)
        )
        return contracts.add_contract(self.runtime, self._act("contract.add", actor), data)

    def contract(self, contract_id: int, *, actor: str | None = None) -> ContractView:
        """A contract with all its evaluations (superseded ones included)."""
        from supervise.services.contracts import contracts

        cid = record_id(contract_id, "contract")
        return contracts.show_contract(self.runtime, self._act("contract.show", actor), cid)

    def contracts(
        self,
        *,
        org: int | None = None,
        district: str | None = None,
        status: str | None = None,
        limit: int = 1000,
        actor: str | None = None,
    ) -> list[ContractView]:
        from supervise.services.contracts import contracts

        return contracts.list_contracts(
            self.runtime,
            self._act("contract.list", actor),
            optional_id(org, "--org"),
            district,
            status,
            limit,
        )

    def evaluate(
        self,
        contract_id: int,
        scores: str | Path,
        *,
        reason: str | None = None,
        actor: str | None = None,
    ) -> EvaluationView:
        """Evaluate a contract from a scores file (YAML); ``reason`` corrects the current
        evaluation by superseding it. A failing grade may open the organization's exit
        review (``evaluation.exit_review``)."""
        from supervise.services.contracts import evaluate

        cid = record_id(contract_id, "contract")
        return evaluate.evaluate(
            self.runtime, self._act("evaluate", actor), cid, Path(scores), reason
        )

    # -- areas -----------------------------------------------------------------------------

    def import_areas(self, file: str | Path, *, actor: str | None = None) -> AreaImport:
        """Load townships and streets from a CSV file (all rows or none)."""
        from supervise.services.areas import areas

        return areas.import_areas(self.runtime, self._act("area.import", actor), Path(file))

    def areas(self, district: str, *, actor: str | None = None) -> list[AreaView]:
        """The loaded townships and streets of a district."""
        from supervise.services.areas import areas

        return areas.list_areas(self.runtime, self._act("area.list", actor), district)

    def districts(self, *, actor: str | None = None) -> list[DistrictView]:
        """The configured districts with how many townships each has loaded."""
        from supervise.services.areas import areas

        return areas.list_districts(self.runtime, self._act("area.list", actor))

    def add_person(
        self,
        *,
        name: str,
        id_number: str,
        email: str | None = None,
        address: str | None = None,
        actor: str | None = None,
    ) -> PersonView:
        """Register a person (居民身份证号码 checked; shown masked everywhere but on the
        original of a notice served on them); ``address`` is the 住址 a decision gives."""
        from supervise.services.registry import records

        return records.add_person(
            self.runtime, self._act("person.add", actor), name, id_number, email, address
        )

    def person(self, person_id: int, *, actor: str | None = None) -> PersonView:
        from supervise.services.registry import records

        return records.show_person(
            self.runtime, self._act("person.show", actor), record_id(person_id, "person")
        )

    def reveal_id_number(self, person_id: int, *, actor: str | None = None) -> str:
        """The person's full ID number (directors only; every reveal is audited)."""
        from supervise.services.registry import records

        return records.reveal_id_number(
            self.runtime, self._act("person.reveal", actor), record_id(person_id, "person")
        )

    def rotate_keys(self, *, batch: int = 500, actor: str | None = None) -> RotationReport:
        """Re-seal every ID number under the key ring's first key (admins; resumable)."""
        from supervise.services.admin import keys

        return keys.rotate(self.runtime, self._act("keys.rotate", actor), batch)

    def persons(self, *, limit: int = 1000, actor: str | None = None) -> list[PersonView]:
        from supervise.services.registry import records

        return records.list_persons(self.runtime, self._act("person.list", actor), limit)

    def find_persons(
        self,
        *,
        name: str | None = None,
        id_number: str | None = None,
        actor: str | None = None,
    ) -> list[PersonView]:
        """Persons by part of the name, or by the full ID number (exactly one of them)."""
        from supervise.services.registry import records

        return records.find_persons(self.runtime, self._act("person.find", actor), name, id_number)

    def edit_person(
        self,
        person_id: int,
        *,
        name: str | None = None,
        email: str | None = None,
        address: str | None = None,
        actor: str | None = None,
    ) -> PersonView:
        from supervise.services.registry import records

        changes = {"name": name, "email": email, "address": address}
        return records.edit_person(
            self.runtime, self._act("person.edit", actor), record_id(person_id, "person"), changes
        )

    # -- cases ----------------------------------------------------------------------------

    def appoint(
        self,
        *,
        org: int,
        person: int,
        role: str,
        at: datetime | None = None,
        actor: str | None = None,
    ) -> CaseView:
        """Open a case after the ban check (入职查询); the actor supervises it."""
        from supervise.services.cases import advance

        return advance.appoint(
            self.runtime,
            self._act("event:appoint", actor),
            record_id(org, "--org"),
            record_id(person, "--person"),
            role,
            at,
        )

    def advance(
        self,
        case: int,
        event: str,
        *,
        at: datetime | None = None,
        details: Mapping[str, Any] | None = None,
        facts: str | None = None,
        place: str | None = None,
        actor: str | None = None,
        **inputs: Any,
    ) -> AdvanceResult:
        """Apply ``event`` to the case.

        ``inputs`` are the event's options: ``date``, ``time`` (an interview's or
        hearing's hour), ``until``, ``years`` (a ban's term: proposed, then decided),
        ``lifelong``, ``judgment``, ``court``, ``start`` (a court ban's first day),
        ``waiver``, ``absent``, ``reason``, ``basis``, ``reference``. ``details`` (with
        ``facts`` and ``place``) is the content of the notices the event issues.
        """
        from supervise.services.cases import advance

        unknown = sorted(set(inputs) - set(EVENT_INPUTS))
        if unknown:
            raise InvalidInput(
                f"unknown input(s) {', '.join(unknown)}; an event takes {', '.join(EVENT_INPUTS)}"
            )
        params = Params(**inputs, details=merge_details(details, facts=facts, place=place))
        case_id = record_id(case, "case")
        # An unknown event is refused by the service, naming the allowed ones.
        action = event_action(event) if event in EVENT_ACTIONS else "case.next"
        who = self._act(action, actor, case_id=case_id)
        return advance.advance(self.runtime, who, case_id, event, params, at)

    def case(self, case_id: int, *, actor: str | None = None) -> CaseView:
        """The case with its open deadlines and its whole history."""
        from supervise.services.cases import queries

        return queries.show_case(
            self.runtime, self._act("case.show", actor), record_id(case_id, "case")
        )

    def cases(
        self,
        *,
        state: str | None = None,
        org: int | None = None,
        person: int | None = None,
        overdue: bool = False,
        limit: int = 100,
        actor: str | None = None,
    ) -> Iterator[CaseView]:
        """Cases matching every filter, oldest first, streamed (memory stays flat)."""
        from supervise.services.cases import queries

        return queries.iter_cases(
            self.runtime,
            self._act("case.list", actor),
            state=state,
            org_id=optional_id(org, "--org"),
            person_id=optional_id(person, "--person"),
            overdue=overdue,
            limit=limit,
        )

    def next_events(
        self, case_id: int, *, actor: str | None = None
    ) -> tuple[CaseView, list[NextEvent]]:
        """Every event from the case's state, allowed now or not, why, and when."""
        from supervise.services.cases import queries

        return queries.next_events(
            self.runtime, self._act("case.next", actor), record_id(case_id, "case")
        )

    def assign(
        self, case_id: int, user: str, *, reason: str | None = None, actor: str | None = None
    ) -> AssignResult:
        """Make ``user`` the case's supervisor (an ``assign`` entry in its history)."""
        from supervise.services.admin import users

        return users.assign_case(
            self.runtime, self._act("case.assign", actor), record_id(case_id, "case"), user, reason
        )

    # -- bans -----------------------------------------------------------------------------

    def check_bans(
        self, id_number: str, *, on: date | None = None, actor: str | None = None
    ) -> list[BanView]:
        """入职查询: the active bans on this person (empty when none or unknown)."""
        from supervise.services.registry import bans

        return bans.check(self.runtime, self._act("bans.check", actor), id_number, on)

    def add_court_ban(
        self,
        *,
        id_number: str,
        name: str,
        judgment: str,
        court: str,
        start: date,
        until: date | None = None,
        lifelong: bool = False,
        basis: str | None = None,
        actor: str | None = None,
    ) -> BanView:
        """Record a court's ban on someone who holds no post."""
        from supervise.services.registry import bans

        return bans.add_court_ban(
            self.runtime,
            self._act("bans.add", actor),
            id_number=id_number,
            name=name,
            judgment=judgment,
            court=court,
            start=start,
            until=until,
            lifelong=lifelong,
            basis=basis,
        )

    def bans(
        self, *, active: bool = False, limit: int = 1000, actor: str | None = None
    ) -> list[BanView]:
        from supervise.services.registry import bans

        return bans.list_bans(self.runtime, self._act("bans.list", actor), active, limit)

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

    # -- notices --------------------------------------------------------------------------

    def notices(
        self,
        *,
        case: int | None = None,
        since: date | None = None,
        limit: int = 10_000,
        actor: str | None = None,
    ) -> list[NoticeView]:
        from supervise.services.notices import records

        return records.list_notices(
            self.runtime, self._act("notice.list", actor), optional_id(case, "--case"), since, limit
        )

    def render_notice(
        self,
        notice_id: int,
        fmt: str = "pdf",
        *,
        public: bool = False,
        actor: str | None = None,
    ) -> Rendered:
        """The notice as PDF or HTML; every render of the original reproduces the first.

        The original served on a person carries the full ID number; ``public`` gives the
        version for publication (ID numbers and personal addresses masked)."""
        from supervise.services.notices import records

        return records.render(
            self.runtime,
            self._act("notice.render", actor),
            record_id(notice_id, "notice"),
            fmt,
            public,
        )

    def serve_notice(
        self,
        notice_id: int,
        *,
        method: str,
        on: date,
        receipt: str | Path | None = None,
        consent: str | None = None,
        no_receipt_reason: str | None = None,
        actor: str | None = None,
    ) -> Served:
        """Record service (送达); windows counted from notice start on that day.

        Direct and lodged service need the signed 送达回证's scan (``receipt``) or the reason
        there is none (``no_receipt_reason``)."""
        from supervise.services.notices import records

        path = None if receipt is None else Path(receipt)
        return records.serve(
            self.runtime,
            self._act("notice.serve", actor),
            record_id(notice_id, "notice"),
            method,
            on,
            path,
            consent,
            no_receipt_reason,
        )

    def verify_notice(self, notice_id: int, path: str | Path, *, actor: str | None = None) -> bool:
        """Whether the file is this notice as rendered or as served."""
        from supervise.services.notices import records

        return records.verify(
            self.runtime,
            self._act("notice.verify", actor),
            record_id(notice_id, "notice"),
            Path(path),
        )

    # -- reports --------------------------------------------------------------------------

    def cases_report(
        self,
        *,
        start: date | None = None,
        end: date | None = None,
        actor: str | None = None,
    ) -> CasesReport:
        """Cases by state and district today; overdue deadlines; over the period (default:
        the twelve months up to today) penalties per month, closures and the median days
        from interview to closure, and notices not served in time."""
        from supervise.services.reports import cases

        return cases.cases_report(self.runtime, self._act("report.cases", actor), start, end)

    def export(self, kind: str, *, actor: str | None = None) -> Export:
        """Every row of a register (``orgs``, ``cases``): its columns and a stream of rows."""
        from supervise.services.exchange import export

        return export.export(self.runtime, self._act("export", actor), kind)

    def import_file(
        self,
        kind: str,
        path: str | Path,
        *,
        encoding: str | None = None,
        skip_bad: bool = False,
        progress: Callable[[str, int, int], None] | None = None,
        actor: str | None = None,
    ) -> ImportReport:
        """Import ``orgs`` or ``persons`` from a CSV file, every row checked first.

        Nothing is written when any row is bad (``report.written`` is False and
        ``report.bad`` lists every bad row) unless ``skip_bad``: then the good rows are
        written and the bad ones go to ``report.reject_file`` beside the input. Rows stored
        already with the same values are left alone (``report.unchanged``)."""
        from supervise.services.exchange import importer

        return importer.import_file(
            self.runtime,
            self._act("import", actor),
            kind,
            Path(path),
            encoding=encoding,
            skip_bad=skip_bad,
            progress=progress,
        )

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

    # -- reminders ------------------------------------------------------------------------

    def agenda(
        self, *, days: int | None = None, user: str | None = None, actor: str | None = None
    ) -> list[AgendaItem]:
        """What falls due within ``days``, and everything overdue, per supervisor."""
        from supervise.services.reminders import digest

        return digest.agenda(self.runtime, self._act("agenda", actor), days, user)

    def run_reminders(self, *, actor: str | None = None) -> RunReport:
        """One pass of the reminder work (what ``remind run`` does)."""
        from supervise.services.reminders import run

        if actor or self.actor:
            self._act("remind.run", actor)
        return run.run_once(self.runtime)

    def run_scheduler(self, *, every: int | None = None, actor: str | None = None) -> None:
        """Run the reminder work forever, until SIGTERM or SIGINT."""
        from supervise.services.reminders import run

        if actor or self.actor:
            self._act("scheduler", actor)
        run.run_scheduler(self.runtime, every)

    def outbox_status(self, *, limit: int = 20, actor: str | None = None) -> OutboxStatus:
        from supervise.services.reminders import outbox

        return outbox.status(self.runtime, self._act("remind.status", actor), limit)

    def messages(
        self,
        *,
        status: str | None = None,
        case: int | None = None,
        limit: int = 50,
        actor: str | None = None,
    ) -> list[MessageView]:
        """Outbox messages, newest first."""
        from supervise.services.reminders import outbox

        return outbox.list_messages(
            self.runtime,
            self._act("remind.list", actor),
            status,
            optional_id(case, "--case"),
            limit,
        )

    def retry_messages(self, ids: Sequence[int] = (), *, actor: str | None = None) -> int:
        """Put failed messages back in the queue; returns how many."""
        from supervise.services.reminders import outbox

        return outbox.retry(
            self.runtime, self._act("remind.retry", actor), [record_id(i, "message") for i in ids]
        )

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
