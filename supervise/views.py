"""Every read model the services return (built inside the transaction, no ORM objects).

Each view knows its JSON form, so the CLI's ``--json`` output, the library API and the tests
share one definition. Times are ISO 8601 with the configured zone's offset. Domain-adjacent:
imports the domain classes only to copy them into views.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from supervise import model
from supervise.banterm import term_years
from supervise.evaluation import GRADE_KEYS
from supervise.law import DEADLINE_KINDS, ORG_KINDS
from supervise.states import EVENTS, ORG_EVENTS, ORG_STATE_NAMES, STATE_NAMES, CaseState, OrgState
from supervise.validation import mask_id_number


def iso(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return None if moment is None else moment.astimezone(zone).isoformat()


def day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _json(view: Any, zone: ZoneInfo | None = None, keys: Mapping[str, str] | None = None) -> Any:
    """A view's fields in declaration order as JSON values; ``keys`` renames some."""
    out: dict[str, Any] = {}
    for f in fields(view):
        value = getattr(view, f.name)
        if isinstance(value, datetime):
            value = iso(value, zone) if zone is not None else value.isoformat()
        elif isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, enum.Enum):
            value = value.value
        out[(keys or {}).get(f.name, f.name)] = value
    return out


@dataclass(frozen=True)
class LinkView:
    """A link (结对) with a district's 未成年人救助保护机构; ``until`` None while it holds."""

    id: int
    organization: int
    institution: str
    district: str
    since: date
    until: date | None
    linked_by: str
    unlinked_by: str | None

    @classmethod
    def of(cls, link: model.InstitutionLink) -> LinkView:
        return cls(
            link.id, link.organization_id, link.institution, link.district, link.since,
            link.until, link.linked_by, link.unlinked_by,
        )  # fmt: skip

    def as_json(self) -> dict[str, Any]:
        return dict(_json(self))


@dataclass(frozen=True)
class OrgEventView:
    """An event of an organization's lifecycle (its own history, like a case's)."""

    event: str
    from_state: str | None
    to_state: str
    at: datetime
    recorded_at: datetime
    by: str
    reason: str | None
    data: dict[str, Any]

    @classmethod
    def of(cls, row: model.OrgHistoryEntry) -> OrgEventView:
        return cls(
            row.event, row.from_state, row.to_state, row.at, row.recorded_at, row.by,
            row.reason, row.data,
        )  # fmt: skip

    def as_json(self, zone: ZoneInfo) -> dict[str, Any]:
        data: dict[str, Any] = _json(self, zone, keys={"from_state": "from", "to_state": "to"})
        if not self.data:
            del data["data"]
        return data


@dataclass(frozen=True)
class OrgView:
    id: int
    name: str
    credit_code: str
    kind: str
    charity: bool
    district: str
    township: str | None
    email: str | None
    status: str
    address: str | None = None
    legal_representative: str | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    professional: bool = False
    services: tuple[str, ...] = ()
    serves: tuple[str, ...] = ()  # 区县/乡镇 of the townships served
    links: tuple[LinkView, ...] = ()  # current first, then ended ones
    lifecycle: tuple[dict[str, Any], ...] = ()

    @classmethod
    def of(
        cls,
        org: model.Organization,
        serves: tuple[str, ...] = (),
        links: tuple[LinkView, ...] = (),
    ) -> OrgView:
        status = org.status.value if isinstance(org.status, OrgState) else str(org.status)
        return cls(
            org.id, org.name, org.credit_code, org.kind, org.charity, org.district,
            org.township, org.email, status, org.address, org.legal_representative, [],
            bool(org.professional), tuple(org.services or ()), serves, links,
        )  # fmt: skip

    @property
    def status_zh(self) -> str:
        try:
            return ORG_STATE_NAMES[OrgState(self.status)][0]
        except ValueError:
            return self.status

    @property
    def link(self) -> LinkView | None:
        """The link that holds now, if any."""
        current = [k for k in self.links if k.until is None]
        return current[0] if current else None

    def as_json(self) -> dict[str, Any]:
        link = self.link
        data: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "credit_code": self.credit_code,
            "kind": self.kind,
            "kind_zh": ORG_KINDS.get(self.kind, self.kind),
            "charity": self.charity,
            "district": self.district,
            "township": self.township,
            "email": self.email,
            "status": self.status,
            "status_zh": self.status_zh,
            "address": self.address,
            "legal_representative": self.legal_representative,
            "professional": self.professional,
            "services": list(self.services),
            "serves": list(self.serves),
            "link": None if link is None else link.as_json(),
        }
        if len(self.links) > (0 if link is None else 1):
            data["links"] = [k.as_json() for k in self.links]
        if self.lifecycle:
            data["lifecycle"] = list(self.lifecycle)
        if self.history:
            data["history"] = self.history
        return data


@dataclass(frozen=True)
class OrgAdvanceResult:
    """What ``org advance`` did: the move, and what the exit did to contracts and cases."""

    organization: OrgView
    event: str
    from_state: str
    to_state: str
    terminated_contracts: tuple[int, ...] = ()
    open_cases: tuple[int, ...] = ()
    ended_link: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "organization": {"id": self.organization.id, "name": self.organization.name},
            "event": self.event,
            "event_zh": ORG_EVENTS[self.event].zh if self.event in ORG_EVENTS else self.event,
            "from": self.from_state,
            "to": self.to_state,
            "terminated_contracts": list(self.terminated_contracts),
            "open_cases": list(self.open_cases),
            "ended_link": self.ended_link,
        }


@dataclass(frozen=True)
class EvaluationView:
    """A performance evaluation of a contract (score to two places, as text: no float)."""

    id: int
    contract: int
    organization: int
    score: str
    grade: str
    groups: dict[str, Any]
    evaluated_on: date
    by: str
    recorded_at: datetime
    status: str
    supersedes: int | None
    reason: str | None
    note: str | None
    review_opened: bool = False

    @classmethod
    def of(cls, row: model.Evaluation, review_opened: bool = False) -> EvaluationView:
        return cls(
            row.id, row.contract_id, row.organization_id, f"{row.score:.2f}", row.grade,
            dict(row.groups), row.evaluated_on, row.by, row.recorded_at, row.status,
            row.supersedes_id, row.reason, row.note, review_opened,
        )  # fmt: skip

    def as_json(self, zone: ZoneInfo) -> dict[str, Any]:
        data: dict[str, Any] = _json(self, zone)
        data["grade_key"] = GRADE_KEYS.get(self.grade, self.grade)
        return data


@dataclass(frozen=True)
class ContractView:
    id: int
    organization: int
    organization_name: str
    district: str
    title: str
    amount_fen: int
    start: date
    end: date
    status: str
    end_reason: str | None
    townships: tuple[str, ...] = ()
    evaluation: EvaluationView | None = None
    evaluations: tuple[EvaluationView, ...] = ()

    @property
    def amount(self) -> str:
        """In yuan, two decimals."""
        whole, cents = divmod(self.amount_fen, 100)
        return f"{whole}.{cents:02d}"

    def as_json(self, zone: ZoneInfo) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "organization": {"id": self.organization, "name": self.organization_name},
            "district": self.district,
            "title": self.title,
            "amount": self.amount,
            "amount_fen": self.amount_fen,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "status": self.status,
            "end_reason": self.end_reason,
            "townships": list(self.townships),
            "evaluation": None if self.evaluation is None else self.evaluation.as_json(zone),
        }
        if self.evaluations:
            data["evaluations"] = [e.as_json(zone) for e in self.evaluations]
        return data


@dataclass(frozen=True)
class AreaView:
    district: str
    township: str
    kind: str
    code: str

    @classmethod
    def of(cls, area: model.Area) -> AreaView:
        return cls(area.district, area.township, area.kind, area.code)

    def as_json(self) -> dict[str, Any]:
        return dict(_json(self))


@dataclass(frozen=True)
class DistrictView:
    name: str
    kind: str
    townships: int

    def as_json(self) -> dict[str, Any]:
        return dict(_json(self))


@dataclass(frozen=True)
class AreaImport:
    file: str
    rows: int
    added: int
    updated: int
    unchanged: int

    def as_json(self) -> dict[str, Any]:
        return dict(_json(self))


@dataclass(frozen=True)
class PersonView:
    id: int
    name: str
    id_number_masked: str
    email: str | None
    address: str | None = None
    history: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def of(cls, person: model.Person) -> PersonView:
        # The full number never leaves the service layer (but in a served original).
        return cls(
            person.id, person.name, mask_id_number(person.id_number), person.email,
            person.address,
        )  # fmt: skip

    def brief(self) -> dict[str, Any]:
        """How a person appears inside a case or a ban."""
        return {"id": self.id, "name": self.name, "id_number_masked": self.id_number_masked}

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = _json(self)
        if not self.history:
            del data["history"]
        return data


@dataclass(frozen=True)
class DeadlineView:
    kind: str
    due: date
    provisional: bool
    nature: str
    status: str = "open"
    notice: int | None = None

    @property
    def label(self) -> str:
        return DEADLINE_KINDS[self.kind].zh

    @property
    def waiting(self) -> bool:
        """A window that starts only when its notice is served."""
        return self.status == "waiting"

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "due": None if self.waiting else self.due.isoformat(),
            "provisional": self.provisional,
            "nature": self.nature,
            "waiting_for_service": self.waiting,
            "notice": self.notice,
        }


@dataclass(frozen=True)
class HistoryView:
    seq: int
    event: str
    from_state: str | None
    to_state: str
    at: datetime
    recorded_at: datetime
    by: str
    reason: str | None
    basis: str | None
    data: dict[str, Any]

    def as_json(self, zone: ZoneInfo) -> dict[str, Any]:
        data: dict[str, Any] = _json(self, zone, keys={"from_state": "from", "to_state": "to"})
        del data["seq"]
        if not self.data:
            del data["data"]
        return data


@dataclass(frozen=True)
class CaseView:
    id: int
    state: CaseState
    organization: OrgView
    person: PersonView
    role: str
    supervisor: str | None
    deadlines: list[DeadlineView] = field(default_factory=list)
    history: list[HistoryView] = field(default_factory=list)

    @property
    def state_zh(self) -> str:
        return STATE_NAMES[self.state][0]

    def as_json(self, zone: ZoneInfo, detail: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "state": self.state.value,
            "state_zh": self.state_zh,
            "organization": {"id": self.organization.id, "name": self.organization.name},
            "person": self.person.brief(),
            "role": self.role,
            "supervisor": self.supervisor,
        }
        if detail:
            data["deadlines"] = [d.as_json() for d in self.deadlines]
            data["history"] = [h.as_json(zone) for h in self.history]
        return data


@dataclass(frozen=True)
class NextEvent:
    event: str
    allowed: bool
    reason: str | None
    earliest: datetime | None
    bases: list[str]
    needs: tuple[str, ...] = ()

    @property
    def zh(self) -> str:
        return EVENTS[self.event].zh

    def as_json(self, zone: ZoneInfo) -> dict[str, Any]:
        data: dict[str, Any] = _json(self, zone)
        del data["needs"]
        return data


@dataclass(frozen=True)
class AdvanceResult:
    case: CaseView
    event: str
    from_state: CaseState
    to_state: CaseState
    cascaded: list[int]
    next_events: list[str]
    notices: list[tuple[int, str, str]] = field(default_factory=list)

    def as_json(self, zone: ZoneInfo) -> dict[str, Any]:
        data = self.case.as_json(zone, detail=True)
        data.pop("history")  # `case show` has it; an advance answers with what changed
        data.update(
            {
                "event": self.event,
                "from": self.from_state.value,
                "to": self.to_state.value,
                "cascaded": self.cascaded,
                "next": self.next_events,
                "notices": [{"id": i, "type": t, "number": n} for i, t, n in self.notices],
            }
        )
        return data


@dataclass(frozen=True)
class BanView:
    id: int
    case: int | None
    person: PersonView
    basis: str
    judgment: str | None
    scope: str
    start: date | None  # None while pending: the term starts on service of the decision
    until: date | None
    lifelong: bool
    status: str
    court: str | None = None
    end_reference: str | None = None
    years: int | None = None  # the term in whole years, where it is one

    @classmethod
    def of(cls, ban: model.Ban, person: model.Person, today: date) -> BanView:
        """The ban as of ``today``: an active row whose term is over shows as ``ended``
        (the sweep marks it so on its next run), one not yet begun as ``upcoming``, so the
        listing says what ``bans check`` and ``bans list --active`` decide by."""
        status = ban.status
        if status == "active" and not ban.active_on(today):
            status = "upcoming" if today < ban.start else "ended"
        # A pending ban (decided, not served) has no term dates yet: service sets them.
        pending = status == "pending"
        return cls(
            ban.id, ban.case_id, PersonView.of(person), ban.basis, ban.judgment, ban.scope,
            None if pending else ban.start, None if pending else ban.until, ban.lifelong,
            status, ban.court, ban.end_reference, term_years(ban.start, ban.until),
        )  # fmt: skip

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = _json(self, keys={"start": "from"})
        data["person"] = self.person.brief()
        return data

    def check_json(self) -> dict[str, Any]:
        """The shape ``bans check --json`` promises."""
        return {
            "case": self.case,
            "basis": self.basis,
            "from": day(self.start),
            "until": day(self.until),
            "lifelong": self.lifelong,
            # pending: decided and already barring posts, its term starting on service
            "status": self.status,
            "years": self.years,
        }


# --- notices ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeView:
    id: int
    case: int
    type: str
    number: str
    created_at: datetime
    served_on: date | None
    method: str | None
    status: str

    @classmethod
    def of(cls, notice: model.Notice) -> NoticeView:
        return cls(
            notice.id, notice.case_id, notice.type, notice.number, notice.created_at,
            notice.served_on, notice.service_method, notice.status,
        )  # fmt: skip

    def as_json(self, zone: ZoneInfo) -> dict[str, Any]:
        return dict(_json(self, zone))


@dataclass(frozen=True)
class Rendered:
    notice: NoticeView
    data: bytes
    first: bool


@dataclass(frozen=True)
class Served:
    notice: NoticeView
    windows: list[tuple[str, date]]  # the windows the service started: (kind, last day)

    def as_json(self, zone: ZoneInfo) -> dict[str, Any]:
        return {**self.notice.as_json(zone), "windows": {k: d.isoformat() for k, d in self.windows}}


# --- the office: users, calendar, set-up -------------------------------------------------------


@dataclass(frozen=True)
class UserView:
    id: int
    name: str
    email: str | None
    role: str
    reports_to: str | None
    districts: list[str] = field(default_factory=list)
    qualification: str | None = None
    disabled: bool = False

    def as_json(self) -> dict[str, Any]:
        return dict(_json(self))


@dataclass(frozen=True)
class AssignResult:
    case: int
    supervisor: str
    previous: str | None
    seq: int

    def as_json(self) -> dict[str, Any]:
        return dict(_json(self))


@dataclass(frozen=True)
class YearView:
    year: int
    official: bool
    source: str
    holidays: list[date] = field(default_factory=list)
    workdays: list[date] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        data = dict(_json(self))
        data["holidays"] = [d.isoformat() for d in self.holidays]
        data["workdays"] = [d.isoformat() for d in self.workdays]
        return data


@dataclass(frozen=True)
class Recomputed:
    case: int
    kind: str
    old_due: date
    new_due: date
    provisional: bool

    def as_json(self) -> dict[str, Any]:
        return dict(_json(self))


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    message: str

    def as_json(self) -> dict[str, object]:
        return dict(_json(self, keys={"name": "check"}))


@dataclass(frozen=True)
class BackupView:
    """A backup written (or restored) and what its check found; on PostgreSQL the command."""

    database: str
    file: str
    checked: bool
    schema: str | None
    counts: dict[str, int]
    command: str | None = None
    saved_aside: str | None = None
    carried: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        return dict(_json(self))


@dataclass(frozen=True)
class InitResult:
    database: str
    before: str | None
    after: str
    admin: str | None = None

    def as_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "database": self.database,
            "from": self.before,
            "schema": self.after,
        }
        if self.admin is not None:
            data["admin"] = self.admin
        return data


# --- reminders and the outbox ------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaItem:
    case: int
    kind: str
    due: date
    provisional: bool
    overdue: bool
    supervisor: str | None
    nature: str
    state: str
    organization: str
    person: str
    person_id_masked: str

    @property
    def kind_zh(self) -> str:
        return DEADLINE_KINDS[self.kind].zh

    def as_json(self) -> dict[str, Any]:
        return dict(_json(self))


@dataclass(frozen=True)
class Queued:
    kind: str
    case: int | None
    recipient: str
    step_on: date
    late: bool
    subject: str | None

    def as_json(self) -> dict[str, Any]:
        return dict(_json(self))


@dataclass
class QueueReport:
    queued: list[Queued] = field(default_factory=list)
    superseded: int = 0
    problems: list[str] = field(default_factory=list)

    def problem(self, text: str) -> None:
        if text not in self.problems:
            self.problems.append(text)
            logging.getLogger("supervise.reminders").info("%s", text)


@dataclass(frozen=True)
class Lifted:
    case: int
    until: date

    def as_json(self) -> dict[str, Any]:
        return dict(_json(self))


@dataclass(frozen=True)
class Delivered:
    id: int
    kind: str
    case: int | None
    address: str | None
    subject: str | None
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        return dict(_json(self, keys={"address": "to"}))


@dataclass
class DeliveryReport:
    sent: list[Delivered] = field(default_factory=list)
    retrying: list[Delivered] = field(default_factory=list)
    failed: list[Delivered] = field(default_factory=list)
    cancelled: list[Delivered] = field(default_factory=list)
    server_error: str | None = None


@dataclass
class RunReport:
    lifted: list[Lifted]
    queue: QueueReport
    digests: QueueReport
    delivery: DeliveryReport

    @property
    def problems(self) -> list[str]:
        out = list(self.queue.problems)
        out.extend(p for p in self.digests.problems if p not in out)
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "lifted": len(self.lifted),
            "queued": len(self.queue.queued) + len(self.digests.queued),
            "digests": len(self.digests.queued),
            "superseded": self.queue.superseded,
            "sent": len(self.delivery.sent),
            "retrying": len(self.delivery.retrying),
            "failed": len(self.delivery.failed),
            "cancelled": len(self.delivery.cancelled),
            "server_error": self.delivery.server_error,
            "problems": self.problems,
        }

    def summary(self) -> str:
        data = self.as_json()
        return (
            f"queued {data['queued']} (digests {data['digests']}, superseded "
            f"{data['superseded']}), sent {data['sent']}, retrying {data['retrying']}, failed "
            f"{data['failed']}, cancelled {data['cancelled']}, bans lifted {data['lifted']}"
        )


@dataclass(frozen=True)
class MessageView:
    id: int
    kind: str
    case: int | None
    deadline: int | None
    step: int
    recipient: str
    address: str | None
    status: str
    late: bool
    step_on: date
    attempts: int
    queued_at: datetime
    next_attempt_at: datetime | None
    sent_at: datetime | None
    sent_by: str | None
    last_error: str | None
    subject: str | None
    message_id: str

    @classmethod
    def of(cls, row: model.OutboxMessage) -> MessageView:
        return cls(
            row.id, row.kind, row.case_id, row.deadline_id, row.step, row.recipient,
            row.address, row.status, row.late, row.step_on, row.attempts, row.queued_at,
            row.next_attempt_at, row.sent_at, row.sent_by, row.last_error, row.subject,
            row.message_id,
        )  # fmt: skip

    def as_json(self, zone: ZoneInfo) -> dict[str, Any]:
        return dict(_json(self, zone, keys={"address": "to"}))


@dataclass(frozen=True)
class OutboxStatus:
    counts: dict[str, int]
    oldest_pending: datetime | None
    next_attempt: datetime | None
    troubled: list[MessageView]

    def as_json(self, zone: ZoneInfo, statuses: tuple[str, ...]) -> dict[str, Any]:
        return {
            **{s: self.counts.get(s, 0) for s in statuses},
            "oldest_pending": iso(self.oldest_pending, zone),
            "next_attempt": iso(self.next_attempt, zone),
            "troubled": [m.as_json(zone) for m in self.troubled],
        }


# --- the tamper-evident record ----------------------------------------------------------------


@dataclass(frozen=True)
class AuditReport:
    """What ``audit verify`` found: rows checked, or the first that does not match."""

    ok: bool
    history_rows: int
    audit_rows: int
    cases: int
    problem: str | None
    #: Whether the anchor given matched (None: no anchor given, or the walk stopped first).
    anchored: bool | None = None

    def as_json(self) -> dict[str, Any]:
        return dict(_json(self))
