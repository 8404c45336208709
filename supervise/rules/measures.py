"""Proportion and procedure: the measure proposed caps the measure decided; hearings noticed seven
working days ahead; the law in force at the conduct (Art. 37).
"""

from __future__ import annotations

from datetime import date, timedelta

from supervise.deadlines import period_due
from supervise.errors import GuardRefused, InvalidInput
from supervise.law import (
    DECISION_EVENTS,
    LAW_IN_FORCE_RULE,
    LONGEST_LIMITATION_YEARS,
    MEASURE_RULE,
    PENALTY_MEASURES,
    PENALTY_OF_EVENT,
    PROPOSAL_EVENTS,
)
from supervise.rules.facts import (
    CaseFacts,
    Params,
    Rulebook,
)
from supervise.rules.guards import (
    add_years,
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
