"""Refused decision attempts leave a legal review and a discussion as they were (issue 11):
attempts at ``impose_ban`` refused for bad input — through the library and the command line
— change neither, and the decision then goes through. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine

from supervise.cli import cli
from supervise.errors import GuardRefused, InvalidInput, SuperviseError
from supervise.office import Office
from supervise.states import CaseState
from supervise.story import DETAILS, clear_ban
from tests.fuzz import contract
from tests.integration.helpers import advance
from tests.integration.test_scrutiny import heard, scrutiny

S = CaseState
PASSED = {"review": "passed", "discussion": "passed", "conclusion": "impose_ban", "years": 3}


def _status(office: Office, case_id: int) -> dict[str, Any]:
    got = scrutiny(office, case_id)
    return {k: got[k] for k in PASSED}


@pytest.mark.parametrize(
    ("inputs", "error"),
    [
        ({}, InvalidInput),  # no term
        ({"years": 5}, GuardRefused),  # heavier than proposed and discussed
        ({"years": 3, "details": {**DETAILS["impose_ban"], "colour": "红"}}, InvalidInput),
        ({"years": 3, "details": {"facts": "只有事实"}}, InvalidInput),  # required fields missing
        ({"years": 3, "until": "2027-01-01"}, InvalidInput),  # a term and an end date
    ],
    ids=["no-term", "heavier", "unknown-field", "missing-fields", "term-and-until"],
)
def test_refused_attempts_leave_the_review_and_discussion_passed(
    office: Office, inputs: dict[str, Any], error: type[SuperviseError]
) -> None:
    case_id = heard(office)
    clear_ban(office, case_id, years=3)  # passed review; a discussion concluding 3 years
    assert _status(office, case_id) == PASSED
    inputs = dict(inputs)  # the parameter is shared by the SQLite and PostgreSQL runs
    details = inputs.pop("details", DETAILS["impose_ban"])
    engine = create_engine(office.runtime.db_url)
    for _ in range(2):
        before = contract.dump(engine)
        with pytest.raises(error):
            office.advance(case_id, "impose_ban", details=details, **inputs)
        after = contract.dump(engine)
        # Nothing changed but the audit trail (a refusal by the rules is written there; an
        # input refused before the case is read is not).
        assert {t: r for t, r in before.items() if t != "audit"} == {
            t: r for t, r in after.items() if t != "audit"
        }
        assert len(after["audit"]) - len(before["audit"]) in (0, 1)
        assert _status(office, case_id) == PASSED
    engine.dispose()
    assert advance(office, case_id, "impose_ban", years=3).to_state is S.BANNED
    assert [h.event for h in office.case(case_id).history[-3:]] == [
        "review",
        "discuss",
        "impose_ban",
    ]
    assert office.verify_chains().ok


def test_refused_attempts_on_the_command_line_leave_the_review_passed(
    office: Office, db_url: str, tmp_path: Path
) -> None:
    case_id = heard(office)
    clear_ban(office, case_id, years=3)
    runner = CliRunner()
    env = {"SUPERVISE_NOW": "2026-11-27T10:00:00+08:00"}

    def run(*args: str) -> Any:
        return runner.invoke(cli, ["--db", db_url, "--as", "zhang", *args], env=env)

    good = tmp_path / "ban.yaml"
    good.write_text(json.dumps(DETAILS["impose_ban"], ensure_ascii=False), encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("facts: [unclosed", encoding="utf-8")
    attempts = [
        (["impose_ban", "--details", str(good)], 2),  # no --years
        (["impose_ban", "--years", "x", "--details", str(good)], 2),
        (["impose_ban", "--years", "3", "--details", str(bad)], 2),
        (["impose_ban", "--years", "3", "--details", str(tmp_path / "none.yaml")], 2),
        (["impose_ban", "--years", "7", "--details", str(good)], 1),
    ]
    for args, code in attempts:
        done = run("case", "advance", str(case_id), *args)
        assert done.exit_code == code, (args, done.stderr)
        assert done.stderr.count("\n") == 1 and done.stdout == ""
        shown = run("case", "show", str(case_id))
        assert "legal review (法制审核) of impose_ban: passed" in shown.stdout, args
        assert "collective discussion (集体讨论) of impose_ban: passed" in shown.stdout, args
    ok = run("case", "advance", str(case_id), "impose_ban", "--years", "3", "--details", str(good))
    assert ok.exit_code == 0, ok.stderr
    assert office.case(case_id).state is S.BANNED
    shown = run("case", "show", str(case_id)).stdout
    assert re.search(r"review +hearing_scheduled -> hearing_scheduled +by 法制审核员", shown)
    assert re.search(r"impose_ban +hearing_scheduled -> banned", shown)
    # What reads "pending" now is the ban (decided, not yet served: issue 10), not the review.
    [ban] = [b for b in office.bans() if b.case == case_id]
    assert ban.status == "pending"
