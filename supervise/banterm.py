"""When a ban runs (domain layer).

A court's ban runs from the date its judgment gives. The bureau's ban is a decision that
takes effect when it is served (行政处罚法 Art. 61; the 从业禁止决定书 says so): decided but
not yet served, it is *pending*. A pending ban already bars appointments (the person was
found unfit; waiting for the post to be taken before the paper arrives would defeat the
ban), but its term has not started: service sets its first and last day.

While pending, the row keeps the decision's day as ``start`` and the end of a term counted
from that day as ``until``, so that the term in years is kept with the row (a decided ban is
always whole years or lifelong); :func:`served_term` moves both to the day of service.
"""

from __future__ import annotations

from datetime import date, timedelta

from supervise import model
from supervise.rules import add_years

PENDING = "pending"
#: Registry statuses that bar appointments (a pending ban bars from its decision on).
IN_FORCE: tuple[str, ...] = ("active", PENDING)


def bars(ban: model.Ban, day: date) -> bool:
    """Whether ``ban`` bars the person on ``day``: a pending ban from its decision on."""
    if ban.status == PENDING:
        return day >= ban.start
    return ban.active_on(day)


def term_years(start: date, until: date | None) -> int | None:
    """The term in whole years from ``start`` to ``until`` (N years end the day before the
    same date N years on), or None when the dates make no whole number of years."""
    if until is None:
        return None
    for years in range(1, 101):
        if add_years(start, years) - timedelta(days=1) == until:
            return years
    return None


def served_term(ban: model.Ban, served: date) -> tuple[date, date | None]:
    """The first and last day of a decided ban whose decision was served on ``served``."""
    if ban.lifelong:
        return served, None
    years = term_years(ban.start, ban.until)
    assert years is not None, f"ban {ban.id}: a decided term is whole years"
    return served, add_years(served, years) - timedelta(days=1)
