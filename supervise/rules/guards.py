"""Guards on events: time windows, required inputs, notices served, a ban's term."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from supervise.clock import start_of_day
from supervise.deadlines import period_due
from supervise.errors import GuardRefused, InvalidInput
from supervise.law import (
    Period,
)
from supervise.rules.bases import choose_basis
from supervise.rules.facts import (
    CaseFacts,
    Params,
    Refusal,
    Rulebook,
    S,
)
from supervise.states import EVENTS

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
