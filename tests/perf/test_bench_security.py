"""Target 8's baseline is what it says (bench/bench_security.py): ``features(False)`` takes
away exactly the hash chain and the permission decision, and the two sides send the same
three statements, so the benchmark's ratio is what the chain and the check cost."""

from __future__ import annotations

import re

import pytest

from bench.bench_security import features
from supervise.chain import GENESIS
from supervise.errors import NotAllowed
from supervise.office import Office
from supervise.states import CaseState
from supervise.story import drive_to
from tests.conftest import get_case, open_case
from tests.integration.test_advance_reads import statements


def _proposed(office: Office) -> int:
    case_id = open_case(office)
    drive_to(office, case_id, CaseState.WARNING_PROPOSED)
    return case_id


def _shape(sent: list[str]) -> list[str]:
    """What each statement does, and to which table (the UPDATE of the chained side also
    sets the head)."""
    return [" ".join(re.findall(r"^(SELECT|UPDATE \w+|INSERT INTO \w+)", s)) for s in sent]


def test_the_baseline_drops_the_chain_and_the_check_and_nothing_else(office: Office) -> None:
    office.add_user("bench-admin", role="admin")
    office.add_user("zhang", role="director", actor="bench-admin")
    office.add_user("eve", role="viewer", actor="bench-admin")
    chained, plain = _proposed(office), _proposed(office)
    with pytest.raises(NotAllowed):
        office.advance(chained, "record_statement", reason="陈述", actor="eve")
    with_both = statements(lambda: office.advance(chained, "record_statement", reason="陈述"))
    head = get_case(office, chained).chain_head
    assert head not in (None, GENESIS)

    before = get_case(office, plain).chain_head
    features(False)
    try:
        without = statements(lambda: office.advance(plain, "record_statement", reason="陈述"))
        # No permission decision: a viewer is not refused.
        viewer = statements(
            lambda: office.advance(plain, "record_statement", reason="再陈述", actor="eve")
        )
    finally:
        features(True)
    # No chain: the head stays what it was.
    assert get_case(office, plain).chain_head == before
    assert len(with_both) == len(without) == len(viewer) == 3
    assert _shape(with_both) == _shape(without) == ["SELECT", "UPDATE cases", "INSERT INTO history"]
    # Back on: the check refuses again, and the chain moves again.
    with pytest.raises(NotAllowed):
        office.advance(plain, "record_statement", reason="陈述", actor="eve")
    office.advance(plain, "record_statement", reason="又一次")
    assert get_case(office, plain).chain_head != before
    assert office.verify_chains().ok is False  # rows the baseline wrote carry no real hash
