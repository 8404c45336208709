"""The law as rules: guards on events, legal bases, and the deadlines each state opens.

Domain layer: imports the state table, the settings dataclasses and the working-day
calendar; no database, CLI or mail code. Every function is pure: it takes what it needs
(the case's facts, the time, the settings) and answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from supervise.clock import start_of_day
from supervise.config import ORG_KINDS, Basis, Period, Periods
from supervise.errors import GuardRefused, InvalidInput
from supervise.states import EVENTS, CaseState
from supervise.workdays import Due, WorkCalendar

S = CaseState
_Date = date  # Params has a field named `date`

PENALTY_OF_EVENT: dict[str, str] = {
    "propose_warning": "warning",
    "issue_warning": "warning",
    "propose_replacement": "replacement",
    "order_replacement": "replacement",
    "propose_ban": "ban",
    "impose_ban": "ban",
    "record_court_ban": "court_ban",
}
PROPOSALS = frozenset({"propose_warning", "propose_replacement", "propose_ban"})
DECISIONS = frozenset({"issue_warning", "order_replacement", "impose_ban"})
MOVES: dict[str, str] = {"reschedule_interview": "interview", "reschedule_hearing": "hearing"}

# kind -> (nature, Chinese name). nature: office = the bureau's own deadline (escalates when
# missed); window = a party's window (its close makes the next step possible); term = a
# ban's end.
DEADLINE_KINDS: dict[str, tuple[str, str]] = {
    "interview": ("office", "约谈日期"),
    "rectification": ("office", "整改期限"),
    "defence_window": ("window", "陈述申辩期限"),
    "decision": ("office", "作出处罚决定期限"),
    "replacement": ("office", "撤换期限"),
    "hearing_request": ("window", "听证申请期限"),
    "hearing": ("office", "听证日期"),
    "ban_end": ("term", "从业禁止期满"),
    "service": ("office", "文书送达期限"),
}
# Windows the law counts from the day the notice is served (送达), not from the action:
# until their notice is served they wait, and do not run.
FROM_SERVICE: frozenset[str] = frozenset(
    {"defence_window", "hearing_request", "rectification", "replacement"}
)


@dataclass(frozen=True)
class Params:
    """What the user gave with an event."""

    date: _Date | None = None
    until: _Date | None = None
    lifelong: bool = False
    judgment: str | None = None
    start: _Date | None = None
    waiver: bool = False
    absent: bool = False
    reason: str | None = None
    basis: str | None = None
    reference: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)  # for the event's notices


@dataclass(frozen=True)
class OpenDeadline:
    kind: str
    due: date
    provisional: bool
    waiting: bool = False  # counted from service, and its notice is not served yet


@dataclass(frozen=True)
class CaseFacts:
    """What the rules need to know about a case, read inside the transaction."""

    state: CaseState
    org_kind: str
    org_charity: bool
    proceeding_basis: str | None
    statement_waived: bool
    hearing_recorded: bool
    deadlines: Sequence[OpenDeadline] = ()
    ban_ends: Sequence[date | None] = ()  # active bans of this case; None = lifelong

    def waiting(self, kind: str) -> bool:
        found = self.deadline(kind)
        return found is not None and found.waiting

    def deadline(self, kind: str) -> OpenDeadline | None:
        for d in self.deadlines:
            if d.kind == kind:
                return d
        return None


@dataclass(frozen=True)
class Law:
    """The settings the rules read, with the calendar."""

    periods: Periods
    bases: Mapping[str, Basis]
    calendar: WorkCalendar
    zone: ZoneInfo


@dataclass(frozen=True)
class Refusal:
    rule: str
    basis: str
    earliest: datetime | None = None

    def error(self, event: str) -> GuardRefused:
        when = f"; earliest: {self.earliest.isoformat()}" if self.earliest else ""
        return GuardRefused(
            f"{event} refused: {self.rule} ({self.basis}){when}",
            rule=self.rule,
            basis=self.basis,
            earliest=self.earliest.isoformat() if self.earliest else None,
        )


@dataclass(frozen=True)
class NewDeadline:
    kind: str
    owner: tuple[CaseState, ...]
    start: date
    rule: str  # workdays | calendar | fixed
    amount: int
    due: Due
    nature: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "nature", DEADLINE_KINDS[self.kind][0])


def period_due(calendar: WorkCalendar, start: date, period: Period) -> tuple[str, int, Due]:
    """When ``period`` counted from day 0 = ``start`` runs out."""
    if period.workdays is not None:
        if period.workdays == 0:
            return "workdays", 0, calendar.next_workday(start)
        return "workdays", period.workdays, calendar.add_workdays(start, period.workdays)
    assert period.calendar_days is not None
    if period.calendar_days == 0:
        return "calendar", 0, calendar.next_workday(start)
    return "calendar", period.calendar_days, calendar.add_calendar_days(start, period.calendar_days)


def recompute(calendar: WorkCalendar, start: date, rule: str, amount: int) -> Due | None:
    """The due date of a stored deadline under the current calendar (None for fixed dates)."""
    if rule == "workdays":
        return calendar.add_workdays(start, amount) if amount else calendar.next_workday(start)
    if rule == "calendar":
        return calendar.add_calendar_days(start, amount) if amount else calendar.next_workday(start)
    return None


# --- legal bases ------------------------------------------------------------------------


def basis_fits(basis: Basis, penalty: str, facts: CaseFacts, lifelong: bool = False) -> bool:
    if penalty not in basis.allows or facts.org_kind not in basis.kinds:
        return False
    if basis.charity_only and not facts.org_charity:
        return False
    if penalty == "court_ban" and basis.ban is not None:
        return basis.ban.lifelong if lifelong else basis.ban.max_years > 0
    return True


def choose_basis(event: str, facts: CaseFacts, law: Law, params: Params) -> str | None:
    """The legal basis an event rests on; proposals choose it, decisions reuse it.

    Raises:
        GuardRefused: no basis (or the given one) fits this organization and penalty.
    """
    penalty = PENALTY_OF_EVENT.get(event)
    if penalty is None:
        return None
    if event in DECISIONS:
        return facts.proceeding_basis
    what = _describe_org(facts)
    if params.basis is not None:
        basis = law.bases.get(params.basis)
        if basis is None:
            known = ", ".join(law.bases)
            raise InvalidInput(f"unknown basis {params.basis!r}; configured bases: {known}")
        if not basis_fits(basis, penalty, facts, params.lifelong):
            raise GuardRefused(
                f"{event} refused: basis {params.basis} ({basis.citation}) does not allow "
                f"{penalty.replace('_', ' ')} for {what}",
                rule="basis",
            )
        return params.basis
    fitting = [k for k, b in law.bases.items() if basis_fits(b, penalty, facts, params.lifelong)]
    if len(fitting) == 1:
        return fitting[0]
    if not fitting:
        raise GuardRefused(
            f"{event} refused: no configured legal basis allows "
            f"{penalty.replace('_', ' ')} for {what} (行政处罚法 Art. 16: a penalty needs a "
            "law, regulation or rule); see `supervise config show` under bases",
            rule="basis",
        )
    raise InvalidInput(
        f"several legal bases fit {event} ({', '.join(fitting)}); choose one with --basis"
    )


def fitting_bases(event: str, facts: CaseFacts, law: Law) -> list[str]:
    penalty = PENALTY_OF_EVENT.get(event)
    if penalty is None:
        return []
    if event in DECISIONS:
        return [facts.proceeding_basis] if facts.proceeding_basis else []
    if penalty == "court_ban":
        return [
            k
            for k, b in law.bases.items()
            if basis_fits(b, penalty, facts) or basis_fits(b, penalty, facts, lifelong=True)
        ]
    return [k for k, b in law.bases.items() if basis_fits(b, penalty, facts)]


def _describe_org(facts: CaseFacts) -> str:
    kind = f"a {facts.org_kind} ({ORG_KINDS.get(facts.org_kind, facts.org_kind)})"
    return f"{kind}{' that is a charity' if facts.org_charity else ''}"


# --- guards -------------------------------------------------------------------------------


def time_guard(event: str, facts: CaseFacts, law: Law, at: datetime) -> Refusal | None:
    """Guards that depend only on the case and the time (what ``case next`` evaluates)."""
    today = at.astimezone(law.zone).date()
    periods = law.periods
    if event in ("issue_warning", "order_replacement") and not facts.statement_waived:
        window = facts.deadline("defence_window")
        if window is not None and window.waiting:
            return _unserved("statement-and-defence", periods.defence_window.basis)
        if window is not None and today <= window.due:
            return Refusal(
                f"the statement-and-defence window is open until {window.due.isoformat()}; "
                "wait for it to close or record the party's express waiver "
                "(record_statement --waiver)",
                periods.defence_window.basis,
                start_of_day(window.due + timedelta(days=1), law.zone),
            )
    if event == "impose_ban":
        if facts.state is S.BAN_PROPOSED:
            window = facts.deadline("hearing_request")
            if window is not None and window.waiting:
                return _unserved("hearing-request", periods.hearing_request.basis)
            if window is not None and today <= window.due:
                return Refusal(
                    f"the hearing-request window is open until {window.due.isoformat()}",
                    periods.hearing_request.basis,
                    start_of_day(window.due + timedelta(days=1), law.zone),
                )
        elif not facts.hearing_recorded:
            return Refusal(
                "the hearing has not been recorded; record_hearing first (or --absent)",
                "《行政处罚法》第六十五条：根据听证笔录作出决定",
            )
    if event == "request_hearing":
        window = facts.deadline("hearing_request")
        if window is not None and not window.waiting and today > window.due:
            return Refusal(
                f"the hearing-request window closed on {window.due.isoformat()}",
                periods.hearing_request.basis,
            )
    if event == "lift_ban":
        if not facts.ban_ends or any(end is None for end in facts.ban_ends):
            return Refusal(
                "a lifelong ban has no end; revoke_ban if it was set aside",
                "法发〔2022〕32号",
            )
        last = max(end for end in facts.ban_ends if end is not None)
        if today <= last:
            return Refusal(
                f"the ban runs until {last.isoformat()}",
                "从业禁止期限",
                start_of_day(last + timedelta(days=1), law.zone),
            )
    return None


def _unserved(window: str, basis: str) -> Refusal:
    return Refusal(
        f"the prior notice has not been served, so the {window} window has not started; "
        "serve it first (`supervise notice list --case N`, then `supervise notice serve`)",
        basis,
    )


def require_inputs(event: str, params: Params) -> None:
    """Refuse an event given without the options it always needs (before any reading).

    Raises:
        InvalidInput: naming the missing option.
    """
    needs = EVENTS[event].needs
    if "reason" in needs and not params.reason:
        raise InvalidInput(f"{event} needs --reason TEXT (why it happened)")
    if "reference" in needs and not params.reference:
        raise InvalidInput(
            f"{event} needs --reference TEXT (the review decision or judgment setting it aside)"
        )
    if "date" in needs and params.date is None:
        raise InvalidInput(f"{event} needs --date YYYY-MM-DD")
    if event == "record_statement" and not (params.reason or params.waiver):
        raise InvalidInput(
            "record_statement needs --reason TEXT (the party's statement) or --waiver"
        )
    if event == "record_hearing" and not (params.reason or params.absent):
        raise InvalidInput("record_hearing needs --reason TEXT (the hearing record) or --absent")


def check_params(event: str, facts: CaseFacts, law: Law, at: datetime, params: Params) -> None:
    """Refuse dates and terms the law does not allow for ``event``.

    Raises:
        InvalidInput: options that contradict each other.
        GuardRefused: a date or term the law does not allow.
    """
    require_inputs(event, params)
    today = at.astimezone(law.zone).date()
    if event in ("schedule_interview", "reschedule_interview"):
        assert params.date is not None
        _check_notice(event, today, params.date, law.periods.interview_notice, law, "interview")
    if event in ("request_hearing", "reschedule_hearing"):
        assert params.date is not None
        _check_notice(event, today, params.date, law.periods.hearing_notice, law, "hearing")
    if event in ("impose_ban", "record_court_ban"):
        _check_ban_term(event, facts, law, today, params)


def _check_notice(event: str, today: date, day: date, period: Period, law: Law, what: str) -> None:
    _, _, earliest = period_due(law.calendar, today, period)
    if day < earliest.day:
        count = period.workdays if period.workdays is not None else period.calendar_days
        unit = "working days" if period.workdays is not None else "days"
        raise Refusal(
            f"the {what} date {day.isoformat()} is less than {count} {unit} after "
            f"{today.isoformat()}; the earliest allowed date is {earliest.day.isoformat()}",
            period.basis,
            start_of_day(earliest.day, law.zone),
        ).error(event)


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _check_ban_term(event: str, facts: CaseFacts, law: Law, today: date, params: Params) -> None:
    if event == "record_court_ban":
        if not params.judgment:
            raise InvalidInput("record_court_ban needs --judgment REF (the court's judgment)")
        if params.start is None:
            raise InvalidInput("record_court_ban needs --from YYYY-MM-DD (when the ban starts)")
    if params.lifelong and params.until is not None:
        raise InvalidInput("give either --until DATE or --lifelong, not both")
    if not params.lifelong and params.until is None:
        raise InvalidInput(f"{event} needs --until YYYY-MM-DD (the last day of the ban)")
    key = params.basis if event == "record_court_ban" else facts.proceeding_basis
    if event == "record_court_ban":
        key = choose_basis(event, facts, law, params)
    basis = law.bases.get(key or "")
    if basis is None or basis.ban is None:
        raise GuardRefused(f"{event} refused: no ban term is configured for basis {key}")
    term = basis.ban
    if params.lifelong:
        if not term.lifelong:
            raise GuardRefused(
                f"{event} refused: basis {key} ({basis.citation}) allows no lifelong ban; "
                f"give --until within {term.min_years}-{term.max_years} years",
                rule="term",
            )
        return
    start = params.start if event == "record_court_ban" and params.start else today
    assert params.until is not None
    shortest = add_years(start, term.min_years) - timedelta(days=1)
    longest = add_years(start, term.max_years)
    if not shortest <= params.until <= longest:
        raise GuardRefused(
            f"{event} refused: a ban from {start.isoformat()} until {params.until.isoformat()} "
            f"is outside the {term.min_years}-{term.max_years} years that {key} "
            f"({basis.citation}) allows; give --until between {shortest.isoformat()} "
            f"and {longest.isoformat()}",
            rule="term",
        )


# --- deadlines ---------------------------------------------------------------------------


def deadlines_opened(
    event: str,
    before: CaseState,
    after: CaseState,
    law: Law,
    at: datetime,
    params: Params,
) -> list[NewDeadline]:
    """The deadlines an event opens. Returning events open none: they reopen old ones."""
    day0 = at.astimezone(law.zone).date()
    cal = law.calendar
    p = law.periods
    out: list[NewDeadline] = []

    def period(kind: str, owner: tuple[CaseState, ...], which: Period) -> None:
        rule, amount, due = period_due(cal, day0, which)
        out.append(NewDeadline(kind, owner, day0, rule, amount, due))

    def fixed(kind: str, owner: tuple[CaseState, ...], day: date) -> None:
        out.append(
            NewDeadline(kind, owner, day0, "fixed", 0, Due(day, not cal.is_official(day.year)))
        )

    if event in ("schedule_interview", "reschedule_interview") and params.date:
        fixed("interview", (S.INTERVIEW_SCHEDULED,), params.date)
    elif event in ("request_hearing", "reschedule_hearing") and params.date:
        fixed("hearing", (S.HEARING_SCHEDULED,), params.date)
    elif event == "record_interview":
        period("rectification", (S.RECTIFYING,), p.rectification)
    elif event == "issue_warning":
        period("rectification", (S.WARNED,), p.rectification)
    elif event in ("propose_warning", "propose_replacement"):
        period("defence_window", (after,), p.defence_window)
        period("decision", (after,), p.decision)
    elif event == "propose_ban":
        period("hearing_request", (S.BAN_PROPOSED,), p.hearing_request)
        period("decision", (S.BAN_PROPOSED, S.HEARING_SCHEDULED), p.decision)
    elif event in ("order_replacement", "ban_cascade") and before is not after:
        period("replacement", (S.REPLACEMENT_ORDERED,), p.replacement)
    elif event in ("impose_ban", "record_court_ban") and params.until is not None:
        fixed("ban_end", (S.BANNED,), params.until)
    return out
