"""The state diagrams of ``supervise graph``: each machine's table drawn as Mermaid by
transitions' own diagram support (domain layer, like ``states``; imported only by that
command)."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any

from supervise.states import (
    ORG_STATE_NAMES,
    ORG_TRANSITIONS,
    OS,
    STATE_NAMES,
    TRANSITIONS,
    CaseState,
    OrgState,
)


def mermaid(machine: str = "case") -> str:
    """A state diagram as Mermaid, drawn by transitions' own Mermaid support."""
    from transitions.extensions.diagrams import GraphMachine

    class _Drawing:
        state: Any = None

    states: Iterable[enum.Enum]
    names: dict[Any, tuple[str, str]]
    if machine == "org":
        states, table, names = OrgState, ORG_TRANSITIONS, dict(ORG_STATE_NAMES)
        initial, title = OS.INCUBATING.value, "supervise: organization"
    else:
        states, table, names = CaseState, TRANSITIONS, dict(STATE_NAMES)
        initial, title = CaseState.APPOINTED.value, "supervise: leadership case"
    drawing = _Drawing()
    graph_machine = GraphMachine(
        model=drawing,
        states=[s.value for s in states],
        transitions=[
            {
                "trigger": t["trigger"],
                "source": [s.value for s in t["source"]],
                "dest": t["dest"].value,
            }
            for t in table
        ],
        initial=initial,
        auto_transitions=False,
        graph_engine="mermaid",
        show_state_attributes=False,
        title=title,
    )
    text = str(graph_machine.get_graph().draw(None))
    for state in states:
        text = text.replace(
            f'state "{state.value}" as', f'state "{names[state][0]} {state.value}" as'
        )
    return text
