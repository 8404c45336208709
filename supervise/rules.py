"""The law as rules: guards on events, legal bases, and the deadlines each state opens.

Domain layer: imports the legal vocabulary (``law``), the state table and the working-day
calendar; no database, CLI or mail code. Every function is pure: it takes what it needs
(the case's facts, the time, the settings) and answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from supervise.clock import start_of_day
from supervise.deadlines import period_due
from supervise.errors import GuardRefused, InvalidInput
from supervise.law import (
    DECISION_EVENTS,
    LAW_IN_FORCE_RULE,
    LONGEST_LIMITATION_YEARS,
    MEASURE_RULE,
    ORG_KINDS,
    PENALTY_MEASURES,
    PENALTY_OF_EVENT,
    PROPOSAL_EVENTS,
    Basis,
    Period,
    Periods,
)
from supervise.states import EVENTS, CaseState
from supervise.workdays import WorkCalendar

S = CaseState
_Date = date  # Params has fields named `date` and `time`
_Time = time


@dataclass(frozen=True)
class Params:
    """What the user gave with an event."""

    date: _Date | None = None
    time: _Time | None = None  # the hour of an interview or hearing
    until: _Date | None = None
    years: int | None = None  # a ban's term: proposed (propose_ban) or decided (impose_ban)
    conduct_date: _Date | None = None  # when the conduct a proposal is about happened
    lifelong: bool = False
    judgment: str | None = None
    court: str | None = None  # the court of a judgment (record_court_ban)
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
    org_kind: str | None  # None: a person who holds no post (no kind restricts the basis)
    org_charity: bool
    proceeding_basis: str | None
    statement_waived: bool
    hearing_recorded: bool
    deadlines: Sequence[OpenDeadline] = ()
    ban_ends: Sequence[date | None] = ()  # active bans of this case; None = lifelong
    proposed_measure: int | None = None  # what the open proceeding's prior notice proposed

    def waiting(self, kind: str) -> bool:
        found = self.deadline(kind)
        return found is not None and found.waiting

    def deadline(self, kind: str) -> OpenDeadline | None:
        for d in self.deadlines:
            if d.kind == kind:
                return d
        return None


class CaseRecord(Protocol):
    """What the rules read of a case, whether a loaded row or a query row."""

    @property
    def state(self) -> CaseState: ...
    @property
    def proceeding_basis(self) -> str | None: ...
    @property
    def statement_waived(self) -> bool: ...
    @property
    def hearing_recorded(self) -> bool: ...
    @property
    def proposed_measure(self) -> int | None: ...


class DeadlineRecord(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def due(self) -> date: ...
    @property
    def provisional(self) -> bool: ...
    @property
    def status(self) -> str: ...


class BanRecord(Protocol):
    @property
    def lifelong(self) -> bool: ...
    @property
    def until(self) -> date | None: ...


def case_facts(
    case: CaseRecord,
    org_kind: str,
    org_charity: bool,
    deadlines: Iterable[DeadlineRecord],
    bans: Iterable[BanRecord] = (),
) -> CaseFacts:
    """The one way :class:`CaseFacts` are built, from whatever the caller has read.

    ``deadlines``: the case's deadlines (those not running are ignored); ``bans``: its
    active bans, which matter only to a banned case.
    """
    return CaseFacts(
        state=case.state,
        org_kind=org_kind,
        org_charity=org_charity,
        proceeding_basis=case.proceeding_basis,
        statement_waived=case.statement_waived,
        hearing_recorded=case.hearing_recorded,
        deadlines=[
            OpenDeadline(d.kind, d.due, d.provisional, d.status == "waiting")
            for d in deadlines
            if d.status in ("open", "waiting")
        ],
        ban_ends=(
            [None if b.lifelong else b.until for b in bans] if case.state is S.BANNED else []
        ),
        proposed_measure=case.proposed_measure,
    )


@dataclass(frozen=True)
class Rulebook:
    """The settings the rules read, with the calendar: the law as this office applies it."""

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


# --- legal bases ------------------------------------------------------------------------


def basis_fits(basis: Basis, penalty: str, facts: CaseFacts, lifelong: bool = False) -> bool:
    if penalty not in basis.allows:
        return False
    # A person who holds no post is in no organization: neither its kind nor charity status
    # restricts the basis (a court's ban is recorded before any appointment it would bar).
    if facts.org_kind is not None:
        if facts.org_kind not in basis.kinds:
            return False
        if basis.charity_only and not facts.org_charity:
            return False
    if penalty == "court_ban" and basis.ban is not None:
        return basis.ban.lifelong if lifelong else basis.ban.max_years > 0
    return True


def choose_basis(event: str, facts: CaseFacts, law: Rulebook, params: Params) -> str | None:
    """The legal basis an event rests on; proposals choose it, decisions reuse it.

    Raises:
        GuardRefused: no basis (or the given one) fits this organization and penalty.
    """
    penalty = PENALTY_OF_EVENT.get(event)
    if penalty is None:
        return None
    if event in DECISION_EVENTS:
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


def fitting_bases(event: str, facts: CaseFacts, law: Rulebook) -> list[str]:
    penalty = PENALTY_OF_EVENT.get(event)
    if penalty is None:
        return []
    if event in DECISION_EVENTS:
        return [facts.proceeding_basis] if facts.proceeding_basis else []
    if penalty == "court_ban":
        return [
            k
            for k, b in law.bases.items()
            if basis_fits(b, penalty, facts) or basis_fits(b, penalty, facts, lifelong=True)
        ]
    return [k for k, b in law.bases.items() if basis_fits(b, penalty, facts)]


def _describe_org(facts: CaseFacts) -> str:
    if facts.org_kind is None:
        return "a person who holds no post"
    kind = f"a {facts.org_kind} ({ORG_KINDS.get(facts.org_kind, facts.org_kind)})"
    return f"{kind}{' that is a charity' if facts.org_charity else ''}"


# --- guards -------------------------------------------------------------------------------


def time_guard(event: str, facts: CaseFacts, law: Rulebook, at: datetime) -> Refusal | None:
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
    if event == "order_replacement":
        refusal = _replacement_hearing(facts, law, today)
        if refusal is not None:
            return refusal
    if event in ("reschedule_hearing", "record_hearing") and facts.state is S.REPLACEMENT_PROPOSED:
        if facts.deadline("hearing") is None:
            return Refusal("no hearing was requested; request_hearing first", HEARING_RULE)
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
        if facts.state is S.REPLACEMENT_PROPOSED:
            if facts.deadline("hearing") is not None:
                return Refusal(
                    "a hearing is scheduled already; reschedule_hearing moves it", HEARING_RULE
                )
            if facts.deadline("hearing_request") is None:
                return Refusal(
                    "the prior notice offered no hearing: basis "
                    f"{facts.proceeding_basis} grants none for replacement (add replacement to "
                    f"bases.{facts.proceeding_basis}.hearing in the configuration for later "
                    "proposals)",
                    HEARING_RULE,
                )
        window = facts.deadline("hearing_request")
        if window is not None and not window.waiting and today > window.due:
            return Refusal(
                f"the hearing-request window closed on {window.due.isoformat()}",
                periods.hearing_request.basis,
            )
    if event == "lift_ban":
        if facts.waiting("ban_end"):
            return _unserved_decision()
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


#: Who may ask for a hearing, and that the decision rests on its record.
HEARING_RULE = "《行政处罚法》第六十三条、第六十四条、第六十五条"


def _replacement_hearing(facts: CaseFacts, law: Rulebook, today: date) -> Refusal | None:
    """A 责令撤换 whose prior notice offered a hearing (``bases.*.hearing``) is decided after
    the hearing's record, or once the request window closed unheard, or on the party's
    express waiver of its statement, defence and hearing."""
    if facts.deadline("hearing") is not None:
        if not facts.hearing_recorded:
            return Refusal(
                "the hearing has not been recorded; record_hearing first (or --absent)",
                "《行政处罚法》第六十五条：根据听证笔录作出决定",
            )
        return None
    window = facts.deadline("hearing_request")
    if window is None or facts.statement_waived:
        return None
    basis = law.periods.hearing_request.basis
    if window.waiting:
        return _unserved("hearing-request", basis)
    if today <= window.due:
        return Refusal(
            f"the hearing-request window is open until {window.due.isoformat()}; wait for it "
            "to close or record the party's express waiver (record_statement --waiver)",
            basis,
            start_of_day(window.due + timedelta(days=1), law.zone),
        )
    return None


def _unserved_decision() -> Refusal:
    return Refusal(
        "the ban decision has not been served, so its term has not started (it runs from "
        "service); serve it first (`supervise notice list --case N`, then `supervise notice "
        "serve`)",
        "《行政处罚法》第六十一条",
    )


def _unserved(window: str, basis: str) -> Refusal:
    return Refusal(
        f"the prior notice has not been served, so the {window} window has not started; "
        "serve it first (`supervise notice list --case N`, then `supervise notice serve`)",
        basis,
    )


def court_ban_without_post(law: Rulebook, at: datetime, params: Params) -> str:
    """Check a court's ban on someone who holds no post (``bans add``): the judgment, the
    dates and the term, under the same rules as ``record_court_ban``.

    Returns:
        The key of the basis the ban rests on.
    """
    facts = CaseFacts(
        state=S.APPOINTED,  # unused: a court ban is recorded whatever the state
        org_kind=None,
        org_charity=False,
        proceeding_basis=None,
        statement_waived=False,
        hearing_recorded=False,
    )
    check_params("record_court_ban", facts, law, at, params)
    key = choose_basis("record_court_ban", facts, law, params)
    assert key is not None
    return key


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


def check_params(event: str, facts: CaseFacts, law: Rulebook, at: datetime, params: Params) -> None:
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


def _check_notice(
    event: str, today: date, day: date, period: Period, law: Rulebook, what: str
) -> None:
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


def _check_ban_term(
    event: str, facts: CaseFacts, law: Rulebook, today: date, params: Params
) -> None:
    if event == "record_court_ban":
        if not params.judgment:
            raise InvalidInput("record_court_ban needs --judgment REF (the court's judgment)")
        if not params.court:
            raise InvalidInput(
                "record_court_ban needs --court NAME (the court that gave the judgment; the "
                "documents about the ban cite it)"
            )
        if params.start is None:
            raise InvalidInput("record_court_ban needs --from YYYY-MM-DD (when the ban starts)")
    if params.lifelong and params.until is not None:
        raise InvalidInput("give either --until DATE or --lifelong, not both")
    if not params.lifelong and params.until is None:
        if event == "impose_ban":
            raise InvalidInput(
                f"{event} needs --years N (the term, at most the one proposed; it runs from the "
                "day the decision is served) or --lifelong"
            )
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
                f"give {'--years N' if event == 'impose_ban' else '--until'} within "
                f"{term.min_years}-{term.max_years} years",
                rule="term",
            )
        return
    start = params.start if event == "record_court_ban" and params.start else today
    assert params.until is not None
    shortest = add_years(start, term.min_years) - timedelta(days=1)
    longest = add_years(start, term.max_years)
    if not shortest <= params.until <= longest:
        if event == "impose_ban":
            raise GuardRefused(
                f"{event} refused: a ban of more than {term.max_years} or fewer than "
                f"{term.min_years} years is outside what {key} ({basis.citation}) allows; "
                f"give --years N within {term.min_years}-{term.max_years}",
                rule="term",
            )
        raise GuardRefused(
            f"{event} refused: a ban from {start.isoformat()} until {params.until.isoformat()} "
            f"is outside the {term.min_years}-{term.max_years} years that {key} "
            f"({basis.citation}) allows; give --until between {shortest.isoformat()} "
            f"and {longest.isoformat()}",
            rule="term",
        )


# --- the measure proposed is the measure decided, or less ----------------------------------


def check_measure(
    event: str,
    facts: CaseFacts,
    law: Rulebook,
    basis_key: str | None,
    params: Params,
    today: date,
) -> int | None:
    """The measure (a ban's years) an event proposes or decides, checked against the law.

    A proposal must state it, within what its basis allows (行政处罚法 Art. 44: the party is
    told the specific penalty proposed). A decision may impose it or less, never more
    (Arts. 45, 62): a heavier penalty needs a new prior notice. Holds for every penalty in
    ``law.PENALTY_MEASURES``.

    Returns:
        The proposed measure (to store on the case), or None for other events.
    Raises:
        InvalidInput: the measure is missing; GuardRefused: out of range or above the proposal.
    """
    penalty = PENALTY_OF_EVENT.get(event)
    measure = PENALTY_MEASURES.get(penalty or "")
    if measure is None:
        return None
    basis = law.bases.get(basis_key or "")
    term = basis.ban if basis is not None else None
    option = f"--{measure.option}"
    if event in PROPOSAL_EVENTS:
        if params.years is None:
            range_ = f" ({term.min_years}-{term.max_years} {measure.unit})" if term else ""
            raise InvalidInput(
                f"{event} needs {option} N, the term proposed{range_}: the prior notice must "
                "state the specific penalty (行政处罚法 Art. 44)"
            )
        if term is not None and not term.min_years <= params.years <= term.max_years:
            assert basis is not None
            raise GuardRefused(
                f"{event} refused: {option} {params.years} is outside the "
                f"{term.min_years}-{term.max_years} {measure.unit} that {basis_key} "
                f"({basis.citation}) allows",
                rule="term",
            )
        return params.years
    if event not in DECISION_EVENTS:
        return None
    proposed = facts.proposed_measure
    if proposed is None:
        raise GuardRefused(
            f"{event} refused: the prior notice stated no {measure.unit}; a decision may not "
            f"impose a penalty the party was not told of: drop the proposal and propose again "
            f"with {option} N ({MEASURE_RULE})",
            rule="measure",
            basis=MEASURE_RULE,
        )
    decided = params.years
    if decided is None and params.until is not None:
        # The last day of a term of N years from today is add_years(today, N) - 1 day.
        if params.until > add_years(today, proposed) - timedelta(days=1):
            raise GuardRefused(
                f"{event} refused: --until {params.until.isoformat()} makes a term longer than "
                f"the {proposed} {measure.unit} the prior notice proposed (at most until "
                f"{(add_years(today, proposed) - timedelta(days=1)).isoformat()}); a heavier "
                "penalty needs a new prior notice: drop_ban, then propose_ban with "
                f"{option} N ({MEASURE_RULE})",
                rule="measure",
                basis=MEASURE_RULE,
            )
        return None
    if decided is not None and decided > proposed:
        raise GuardRefused(
            f"{event} refused: {option} {decided} is more than the {proposed} {measure.unit} "
            "the prior notice proposed; a heavier penalty needs a new prior notice: drop_ban, "
            f"then propose_ban with {option} {decided} ({MEASURE_RULE})",
            rule="measure",
            basis=MEASURE_RULE,
        )
    return None


# --- the hearing is notified seven working days ahead, counted from service ---------------


def hearing_notice_refusal(
    law: Rulebook, served: date, hearing_day: date
) -> tuple[date, date] | None:
    """Whether a hearing notice served on ``served`` comes too late for ``hearing_day``.

    行政处罚法 Art. 64(二): the party is notified of the hearing's time and place at least
    seven days before it; Art. 85: working days. They run from the day the party is
    notified (served), not from the day the notice was written.

    Returns:
        None if in time; else (the earliest day the hearing could then be held, the latest
        day this notice could have been served for the hearing as fixed).
    """
    _, _, earliest = period_due(law.calendar, served, law.periods.hearing_notice)
    if hearing_day >= earliest.day:
        return None
    latest = served
    while latest > hearing_day - timedelta(days=400):
        latest -= timedelta(days=1)
        _, _, due = period_due(law.calendar, latest, law.periods.hearing_notice)
        if due.day <= hearing_day:
            break
    return earliest.day, latest


# --- the law in force when the conduct happened (Art. 37) -------------------------------------


def check_law_in_force(
    event: str, law: Rulebook, basis_key: str | None, params: Params, today: date
) -> None:
    """Refuse a proposal whose basis was not in force when the conduct happened, unless the
    configuration marks it lighter than the law before it (行政处罚法 Art. 37, 从旧兼从轻).

    ``--conduct-date`` is needed where it can matter: when the basis took effect within the
    longest limitation period (Art. 36: five years) before today; for older bases any
    punishable conduct falls under them.

    Raises:
        InvalidInput: the conduct date is missing where it matters, or in the future.
        GuardRefused: the basis was not in force on the conduct date and is not lighter.
    """
    if event not in PROPOSAL_EVENTS:
        return
    conduct = params.conduct_date
    if conduct is not None and conduct > today:
        raise InvalidInput(
            f"--conduct-date {conduct.isoformat()} is in the future; give the day the conduct "
            "happened"
        )
    basis = law.bases.get(basis_key or "")
    if basis is None or basis.effective is None:
        return
    effective = date.fromisoformat(basis.effective)
    if conduct is None:
        if effective > add_years(today, -LONGEST_LIMITATION_YEARS):
            raise InvalidInput(
                f"{event} needs --conduct-date YYYY-MM-DD: basis {basis_key} "
                f"({basis.citation}) took effect on {effective.isoformat()}, so which law "
                "applies depends on when the conduct happened (行政处罚法 Art. 37)"
            )
        return
    if conduct < effective and not basis.lighter:
        raise GuardRefused(
            f"{event} refused: basis {basis_key} ({basis.citation}) took effect on "
            f"{effective.isoformat()}, after the conduct of {conduct.isoformat()}; the law in "
            "force then applies (从旧兼从轻), unless the configuration marks the new provision "
            f"lighter (bases.{basis_key}.lighter) ({LAW_IN_FORCE_RULE})",
            rule="law_in_force",
            basis=LAW_IN_FORCE_RULE,
        )
