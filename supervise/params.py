"""The options of an event, checked before anything is read (domain layer).

An option an event does not use is refused rather than silently ignored (``--basis`` on
``schedule_interview`` chose nothing), text options pass :func:`supervise.inputs.text`
(length, control characters, blank), and dates must be plausible: in the configured range,
and an interview or hearing at most ``dates.ahead_days`` ahead.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from supervise.errors import InvalidInput
from supervise.inputs import BASIS_KEY, JUDGMENT, REASON, REFERENCE, DateRange, text
from supervise.law import BAN_EVENTS, PROPOSAL_EVENTS
from supervise.rules import Params

_SCHEDULED = frozenset(
    {"schedule_interview", "reschedule_interview", "request_hearing", "reschedule_hearing"}
)

#: Which events use each option (``reason`` is taken by every event: it goes to the history).
OPTION_EVENTS: dict[str, frozenset[str]] = {
    "date": _SCHEDULED,
    "until": BAN_EVENTS,
    "lifelong": BAN_EVENTS,
    "judgment": frozenset({"record_court_ban"}),
    "start": frozenset({"record_court_ban"}),
    "waiver": frozenset({"record_statement"}),
    "absent": frozenset({"record_hearing"}),
    "reference": frozenset({"revoke_warning", "revoke_ban"}),
    "basis": PROPOSAL_EVENTS | {"record_court_ban"},
}
_FLAGS = {"start": "--from"}


def flag(option: str) -> str:
    return _FLAGS.get(option, f"--{option}")


def clean_params(event: str, params: Params, dates: DateRange, today: date) -> Params:
    """``params`` with its text stripped, or ``InvalidInput`` naming the option.

    Raises:
        InvalidInput: an option the event does not use, a blank or overlong text, control
            characters, or an implausible date.
    """
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
    start = dates.optional_day(params.start, "--from")
    return dataclasses.replace(
        params,
        date=day,
        start=start,
        until=dates.optional_day(params.until, "--until"),
        reason=clean(params.reason, "--reason", REASON),
        judgment=clean(params.judgment, "--judgment", JUDGMENT),
        reference=clean(params.reference, "--reference", REFERENCE),
        basis=clean(params.basis, "--basis", BASIS_KEY),
    )
