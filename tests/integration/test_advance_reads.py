"""What one advance sends to the database (issue 13, target 2), and that the result it
builds without reading its deadlines back equals what a fresh read shows."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from supervise.office import Office
from supervise.states import CaseState
from supervise.story import PATHS, Played, Step, drive_to, play
from tests.conftest import new_org, new_person

BAN_STATES = {
    CaseState.BAN_PROPOSED,
    CaseState.HEARING_SCHEDULED,
    CaseState.BANNED,
    CaseState.BAN_ENDED,
    CaseState.BAN_REVOKED,
}


def appointed(office: Office, state: CaseState = CaseState.APPOINTED) -> int:
    # A ban needs a charity (慈善法 Art. 112); an ordered replacement a social group.
    org = (
        new_org(office, kind="foundation", charity=True) if state in BAN_STATES else new_org(office)
    )
    return office.appoint(org=org, person=new_person(office), role="秘书长").id


def statements(fn: Any) -> list[str]:
    seen: list[str] = []

    def listen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(Engine, "before_cursor_execute", listen)
    try:
        fn()
    finally:
        event.remove(Engine, "before_cursor_execute", listen)
    return seen


def test_an_advance_without_a_notice_reads_once_and_writes_twice(office: Office) -> None:
    case = appointed(office)
    drive_to(office, case, CaseState.WARNING_PROPOSED)
    sent = statements(lambda: office.advance(case, "record_statement", reason="陈述申辩"))
    # The acting user's read (the permission table's check, issue 11) is the one statement
    # beyond the three: the case with its running deadlines, the version-checked
    # UPDATE (which also carries the history chain's head), the history INSERT.
    kinds = [s.split()[0] for s in sent]
    assert kinds == ["SELECT", "SELECT", "UPDATE", "INSERT"], sent
    assert "FROM users" in sent[0] and "LEFT OUTER JOIN deadlines" in sent[1], sent


RETURNS = (
    (
        Step("schedule_interview", {"date": date(2026, 12, 4)}),
        Step("cancel_interview", {"reason": "改期"}),
    ),
    (Step("propose_warning"), Step("drop_warning", {"reason": "证据不足"})),
)


@pytest.mark.parametrize("state", list(PATHS), ids=lambda s: s.value)
def test_the_result_shows_what_a_fresh_read_shows(office: Office, state: CaseState) -> None:
    case = appointed(office, state)

    def compare(done: Played) -> None:
        if done.result is not None:
            shown = office.case(done.case_id)
            assert done.result.case.deadlines == shown.deadlines, done.step.event

    play(office, PATHS[state], {"main": case}, on_step=compare)


@pytest.mark.parametrize("steps", RETURNS, ids=lambda s: s[-1].event)
def test_a_return_shows_the_deadlines_it_reopened(office: Office, steps: tuple[Step, ...]) -> None:
    case = appointed(office)
    drive_to(office, case, CaseState.RECTIFYING)
    opened: list[Played] = []

    def compare(done: Played) -> None:
        assert done.result is not None
        opened.append(done)
        assert done.result.case.deadlines == office.case(done.case_id).deadlines

    play(office, steps, {"main": case}, on_step=compare)
    assert opened[-1].result is not None and opened[-1].result.case.deadlines
