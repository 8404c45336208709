"""What one advance sends to the database (issue 13, target 2), and that the result it
builds without reading its deadlines back equals what a fresh read shows."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from supervise.errors import NotAllowed, NotFound
from supervise.office import Office
from supervise.states import CaseState
from supervise.story import PATHS, Played, Step, drive_to, play
from tests.conftest import new_org, new_person
from tests.integration.helpers import audit_rows

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
    # The three: the case with its running deadlines and the acting user (the
    # permission table's check, issue 11), the version-checked UPDATE (which also carries the
    # history chain's head), the history INSERT.
    kinds = [s.split()[0] for s in sent]
    assert kinds == ["SELECT", "UPDATE", "INSERT"], sent
    assert "LEFT OUTER JOIN deadlines" in sent[0] and "LEFT OUTER JOIN users" in sent[0], sent


def test_an_advance_with_a_notice_reads_once(office: Office) -> None:
    case = appointed(office)
    interview = {
        "date": date(2026, 12, 10),
        "details": {"facts": "未报送年报", "place": "301室", "interviewers": ["张三", "王五"]},
    }
    first = office.advance(case, "schedule_interview", **interview)
    office.advance(case, "cancel_interview", reason="改期")
    again: list[Any] = []
    sent = statements(lambda: again.append(office.advance(case, "schedule_interview", **interview)))
    # The case's one read; its UPDATE and history row; the earlier notice superseded and the
    # number drawn, one statement each (also when there is none); the notice; the interview
    # and service deadlines, written together after the notice (the same eight statements
    # as bench/bench_advance.py's Core baseline, which supersedes nothing).
    kinds = [s.split()[0] + " " + s.split()[2 if s.startswith(("INSERT", "DELETE")) else 1]
             for s in sent]  # fmt: skip
    assert kinds[:7] == [
        "SELECT cases.id,",
        "UPDATE cases",
        "INSERT history",
        "UPDATE notices",
        "INSERT number_sequences",
        "INSERT notices",
        "INSERT deadlines",
    ], sent
    assert len(sent) <= 8 and set(kinds[6:]) == {"INSERT deadlines"}, sent
    assert "ON CONFLICT" in sent[4] and "RETURNING" in sent[4], sent
    # What those statements left: the earlier notice superseded, the next number drawn, the
    # service duty of the new notice open beside the interview.
    (old_id, _, old_number), (new_id, _, new_number) = first.notices[0], again[0].notices[0]
    shown = {n.id: n for n in office.notices(case=case)}
    assert (shown[old_id].status, shown[new_id].status) == ("superseded", "active")
    assert int(re.findall(r"\d+", new_number)[-1]) == int(re.findall(r"\d+", old_number)[-1]) + 1
    kinds = sorted(d.kind for d in office.case(case).deadlines)
    assert kinds == sorted(d.kind for d in again[0].case.deadlines) == ["interview", "service"]


def test_the_one_read_checks_the_acting_user_as_the_permission_table_does(
    office: Office,
) -> None:
    case = appointed(office)
    drive_to(office, case, CaseState.WARNING_PROPOSED)
    office.add_user("boss", role="admin")
    office.add_user("li", role="supervisor", districts=["江北区"], actor="boss")
    office.add_user("wang", role="viewer", actor="boss")
    # A viewer may not advance: refused, and the refusal audited; a supervisor limited to
    # another district does not see the case (audited as outside); an unknown user is refused.
    with pytest.raises(NotAllowed, match="event:record_statement"):
        office.advance(case, "record_statement", reason="陈述申辩", actor="wang")
    with pytest.raises(NotFound, match=f"no case with id {case}"):
        office.advance(case, "record_statement", reason="陈述申辩", actor="li")
    with pytest.raises(NotAllowed, match="not a user of this office"):
        office.advance(case, "record_statement", reason="陈述申辩", actor="nobody")
    # Asked for a case that does not exist, who may not act is refused first.
    with pytest.raises(NotAllowed, match="event:record_statement"):
        office.advance(99_999, "record_statement", reason="陈述申辩", actor="wang")
    refused = [r for r in audit_rows(office) if r["outcome"] == "refused"]
    assert [(r["by"], r["case_id"]) for r in refused] == [
        ("wang", case),
        ("li", case),
        ("nobody", case),
        ("wang", 99_999),
    ]
    assert "outside li's districts (江北区)" in refused[1]["reason"]
    assert office.case(case, actor="boss").state is CaseState.WARNING_PROPOSED


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
