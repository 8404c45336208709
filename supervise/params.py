"""The options of an event, checked before anything is read (domain layer).

An option an event does not use is refused rather than silently ignored (``--basis`` on
``schedule_interview`` chose nothing), text options pass :func:`supervise.inputs.text`
(length, control characters, blank), and dates must be plausible: in the configured range,
and an interview or hearing at most ``dates.ahead_days`` ahead.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from supervise.errors import InvalidInput
from supervise.inputs import BASIS_KEY, COURT, JUDGMENT, REASON, REFERENCE, DateRange, text
from supervise.law import BAN_EVENTS, PROPOSAL_EVENTS
from supervise.rules import Params, add_years

#: A term in years is a small whole number: nothing a typo could make overflow a date.
MAX_YEARS = 100

_SCHEDULED = frozenset(
    {"schedule_interview", "reschedule_interview", "request_hearing", "reschedule_hearing"}
)

#: Which events use each option (``reason`` is taken by every event: it goes to the history).
OPTION_EVENTS: dict[str, frozenset[str]] = {
    "date": _SCHEDULED,
    "time": _SCHEDULED,
    # A decided ban runs from the service of its decision: its last day is not known when it
    # is decided, so impose_ban takes the term in years (item 12); a court's ban has dates.
    "until": frozenset({"record_court_ban"}),
    "years": frozenset({"propose_ban", "impose_ban"}),
    "court": frozenset({"record_court_ban"}),
    "conduct_date": PROPOSAL_EVENTS,
    "lifelong": BAN_EVENTS,
    "judgment": frozenset({"record_court_ban"}),
    "start": frozenset({"record_court_ban"}),
    "waiver": frozenset({"record_statement"}),
    "absent": frozenset({"record_hearing"}),
    "reference": frozenset({"revoke_warning", "revoke_ban"}),
    "basis": PROPOSAL_EVENTS | {"record_court_ban"},
    "breach": PROPOSAL_EVENTS,
}
_FLAGS = {"start": "--from", "conduct_date": "--conduct-date"}


def flag(option: str) -> str:
    return _FLAGS.get(option, f"--{option}")


def clean_params(event: str, params: Params, dates: DateRange, today: date) -> Params:
    """``params`` with its text stripped, or ``InvalidInput`` naming the option.

    Raises:
        InvalidInput: an option the event does not use, a blank or overlong text, control
            characters, or an implausible date.
    """
    if event == "impose_ban" and params.until is not None:
        raise InvalidInput(
            "impose_ban takes --years N (or --lifelong), not --until: the ban runs from the day "
            "its decision is served (行政处罚法 Art. 61), so its last day is known only then"
        )
    unused = [
        flag(name)
        for name, events in OPTION_EVENTS.items()
        if getattr(params, name) not in (None, False) and event not in events
    ]
    if unused:
        raise InvalidInput(
            f"{event} takes no {', '.join(unused)}; `supervise case next CASE` lists what "
            "each event needs"
        )

    def clean(value: str | None, what: str, limit: int) -> str | None:
        return None if value is None else text(value, what, limit)

    day = dates.optional_day(params.date, "--date")
    if day is not None:
        dates.not_too_far(day, today, "--date")
    if params.time is not None and day is None:
        raise InvalidInput(f"{event} takes --time only with --date (the day it is on)")
    if (
        event in ("request_hearing", "reschedule_hearing")
        and day is not None
        and (params.time is None)
    ):
        raise InvalidInput(
            f"{event} needs the hearing's hour too (行政处罚法 Art. 64: its time and place are "
            "notified): --date 2026-05-06T09:30, or --date 2026-05-06 --time 09:30"
        )
    start = dates.optional_day(params.start, "--from")
    until = dates.optional_day(params.until, "--until")
    conduct = dates.optional_day(params.conduct_date, "--conduct-date")
    years = params.years
    if years is not None:
        if isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= MAX_YEARS:
            raise InvalidInput(f"--years must be a whole number of years from 1 to {MAX_YEARS}")
        if event == "impose_ban":
            if params.lifelong:
                raise InvalidInput("give either --years N or --lifelong, not both")
            # Provisional until the decision is served: N years from today end the day before
            # the same date N years on; service moves the term to start on its day.
            until = add_years(today, years) - timedelta(days=1)

    return dataclasses.replace(
        params,
        date=day,
        start=start,
        until=until,
        conduct_date=conduct,
        reason=clean(params.reason, "--reason", REASON),
        judgment=clean(params.judgment, "--judgment", JUDGMENT),
        court=clean(params.court, "--court", COURT),
        reference=clean(params.reference, "--reference", REFERENCE),
        basis=clean(params.basis, "--basis", BASIS_KEY),
        breach=clean(params.breach, "--breach", BASIS_KEY),
    )
