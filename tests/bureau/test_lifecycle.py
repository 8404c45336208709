"""The organization lifecycle through the library, on SQLite and PostgreSQL: history rows,
refusals that change nothing, directors only for restore and exit, what exit does."""

from __future__ import annotations

import pytest

from supervise.errors import InvalidInput, NotAllowed
from supervise.office import Office
from tests.bureau.helpers import add_director, org
from tests.conftest import MakeOffice, new_person


def test_the_whole_path_is_in_the_history(office: Office, make_office: MakeOffice) -> None:
    director = make_office(user=add_director(office))
    org_id = org(office, state="incubating")
    office.advance_org(org_id, "register")
    office.advance_org(org_id, "activate")
    office.advance_org(org_id, "open_review", reason="年度检查发现问题")
    result = director.advance_org(org_id, "restore", reason="整改到位")
    assert (result.from_state, result.to_state) == ("under_review", "active")
    lifecycle = office.org(org_id).lifecycle
    assert [(e["event"], e["from"], e["to"], e["by"]) for e in lifecycle] == [
        ("add", None, "incubating", "zhang"),
        ("register", "incubating", "registered", "zhang"),
        ("activate", "registered", "active", "zhang"),
        ("open_review", "active", "under_review", "zhang"),
        ("restore", "under_review", "active", "wang"),
    ]
    assert lifecycle[3]["reason"] == "年度检查发现问题"
    assert lifecycle[-1]["at"] == "2026-11-27T10:00:00+08:00"


@pytest.mark.parametrize(
    ("start", "event"),
    [
        ("active", "register"),
        ("active", "activate"),
        ("active", "restore"),
        ("active", "exit"),
        ("registered", "register"),
        ("registered", "exit"),
        ("incubating", "activate"),
        ("incubating", "open_review"),
    ],
)
def test_an_illegal_move_is_refused_and_changes_nothing(
    office: Office, make_office: MakeOffice, start: str, event: str
) -> None:
    director = make_office(user=add_director(office))
    org_id = org(office, state=start)
    with pytest.raises(NotAllowed, match=f"event {event} is not allowed .* state {start}"):
        director.advance_org(org_id, event, reason="试一试")
    view = office.org(org_id)
    assert view.status == start and len(view.lifecycle) == 1


def test_an_exited_organization_moves_no_more(office: Office, make_office: MakeOffice) -> None:
    director = make_office(user=add_director(office))
    org_id = org(office, state="incubating")
    director.advance_org(org_id, "exit", reason="培育期满未登记")
    for event in ("register", "activate", "open_review", "restore", "exit"):
        with pytest.raises(NotAllowed, match="allowed: none"):
            director.advance_org(org_id, event, reason="x")
    with pytest.raises(NotAllowed, match="has exited"):
        office.link_org(org_id, institution="某机构")


def test_only_a_director_restores_or_exits(office: Office, make_office: MakeOffice) -> None:
    add_director(office, "zhao")
    office.add_user("li", email="li@mzj.example.gov.cn", actor="root")  # a supervisor
    org_id = org(office)
    office.advance_org(org_id, "open_review", reason="评估不合格")
    for who in ("zhang", "li"):
        for event in ("restore", "exit"):
            with pytest.raises(NotAllowed, match=f"only a director may {event}"):
                make_office(user=who).advance_org(org_id, event, reason="x")
    assert office.org(org_id).status == "under_review"


def test_a_reason_is_required_where_the_event_needs_one(office: Office) -> None:
    org_id = org(office)
    with pytest.raises(InvalidInput, match="open_review needs --reason"):
        office.advance_org(org_id, "open_review")
    with pytest.raises(InvalidInput, match="--reason must not be empty"):
        office.advance_org(org_id, "open_review", reason=" ")
    assert office.org(org_id).status == "active"


def test_exit_ends_the_link_and_lists_the_open_cases(
    office: Office, make_office: MakeOffice
) -> None:
    director = make_office(user=add_director(office))
    org_id = org(office, kind="social-group")
    case = office.appoint(org=org_id, person=new_person(office), role="秘书长").id
    office.link_org(org_id, institution="渝中区未成年人救助保护中心")
    office.advance_org(org_id, "open_review", reason="评估不合格")
    result = director.advance_org(org_id, "exit", reason="整改后评估仍不合格")
    assert result.to_state == "exited" and result.open_cases == (case,)
    view = office.org(org_id)
    assert view.link is None and view.links[0].until is not None
    assert result.ended_link == view.links[0].id
    assert view.lifecycle[-1]["data"] == {
        "terminated_contracts": [],
        "open_cases": [case],
        "ended_link": view.links[0].id,
    }
    assert office.case(case).state.value == "appointed"  # supervision of the leader goes on
