"""The organization machine without a database: every state × event, allowed or refused.

The expectations are written out from the issue (incubating → registered → active →
under_review → restore|exit; exit also ends an incubation), independently of the table in
``supervise.states``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from supervise.errors import NotAllowed
from supervise.state_diagram import mermaid
from supervise.states import (
    ORG_EVENTS,
    ORG_MACHINE,
    ORG_STATE_NAMES,
    OrgState,
    fire_org,
    org_triggers_from,
)

O = OrgState  # noqa: E741

ALLOWED: dict[tuple[OrgState, str], OrgState] = {
    (O.INCUBATING, "register"): O.REGISTERED,
    (O.INCUBATING, "exit"): O.EXITED,
    (O.REGISTERED, "activate"): O.ACTIVE,
    (O.REGISTERED, "open_review"): O.UNDER_REVIEW,
    (O.ACTIVE, "open_review"): O.UNDER_REVIEW,
    (O.UNDER_REVIEW, "restore"): O.ACTIVE,
    (O.UNDER_REVIEW, "exit"): O.EXITED,
}
EVENTS = ["register", "activate", "open_review", "restore", "exit"]
CELLS = [(state, event) for state in OrgState for event in EVENTS]


@dataclass
class StandIn:
    status: OrgState


def test_the_events_are_the_issues() -> None:
    assert list(ORG_EVENTS) == EVENTS
    assert {s.value for s in OrgState} == {
        "incubating", "registered", "active", "under_review", "exited",
    }  # fmt: skip
    assert ORG_STATE_NAMES[O.INCUBATING][0] == "培育孵化中"
    assert ORG_STATE_NAMES[O.UNDER_REVIEW][0] == "整改评估中"


@pytest.mark.parametrize(("state", "event"), CELLS, ids=[f"{s.value}-{e}" for s, e in CELLS])
def test_every_move_is_allowed_or_refused(state: OrgState, event: str) -> None:
    org = StandIn(state)
    expected = ALLOWED.get((state, event))
    if expected is None:
        with pytest.raises(NotAllowed) as info:
            fire_org(org, event)
        assert f"state {state.value}" in info.value.message
        assert org.status is state  # a refused move changes nothing
    else:
        assert fire_org(org, event) == (state, expected)
        assert org.status is expected


def test_an_unknown_event_is_refused_naming_the_allowed_ones() -> None:
    org = StandIn(O.ACTIVE)
    with pytest.raises(NotAllowed, match="unknown event fly .* allowed: open_review"):
        fire_org(org, "fly")


def test_exited_is_final_and_every_state_is_reachable() -> None:
    assert org_triggers_from(O.EXITED) == []
    reached = {O.INCUBATING}
    frontier = [O.INCUBATING]
    while frontier:
        state = frontier.pop()
        for event in org_triggers_from(state):
            org = StandIn(state)
            fire_org(org, event)
            if org.status not in reached:
                reached.add(org.status)
                frontier.append(org.status)
    assert reached == set(OrgState)


def test_one_shared_machine_keeps_no_organization() -> None:
    org = StandIn(O.INCUBATING)
    fire_org(org, "register")
    assert ORG_MACHINE.models == []


def test_the_diagram_is_drawn_from_the_table() -> None:
    text = mermaid("org")
    assert 'state "整改评估中 under_review" as under_review' in text
    for (state, event), dest in ALLOWED.items():
        assert f"{state.value} --> {dest.value}: {event}" in text
