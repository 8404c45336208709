"""Two people evaluate the same contract at once, as two real processes: exactly one wins.

The test holds the database's write lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: the
organization's row FOR UPDATE, which every evaluation takes first) while both processes
start and read; then it lets go. One evaluation is recorded; the other process is refused
with ``conflict`` and writes nothing: no second current evaluation, no second exit review.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from tests.bureau.helpers import org
from tests.bureau.test_cli_bureau import SCORES
from tests.conftest import MakeOffice
from tests.integration.helpers import write_lock

NOW = "2026-11-27T10:00:00+08:00"


def test_two_evaluations_of_one_contract_at_once_exactly_one_wins(
    make_office: MakeOffice, db_url: str, tmp_path: Path
) -> None:
    office = make_office()
    org_id = org(office)
    contract = office.add_contract(
        org=org_id, title="关爱项目", amount="1000", start=date(2026, 1, 1), end=date(2026, 12, 31)
    ).id
    scores = tmp_path / "s.yaml"
    scores.write_text(SCORES, encoding="utf-8")
    env = {**os.environ, "SUPERVISE_NOW": NOW, "SUPERVISE_DB": db_url, "SUPERVISE_USER": "zhang"}
    env.pop("SUPERVISE_CONFIG", None)
    command = [
        sys.executable, "-m", "supervise", "evaluate", str(contract), "--scores", str(scores),
        "--json",
    ]  # fmt: skip
    with write_lock(db_url, "organizations", org_id):
        procs = [
            subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(2)
        ]
        time.sleep(4)  # both started and waiting on the lock
        assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
    results = [p.communicate(timeout=60) + (p.returncode,) for p in procs]
    assert sorted(r[2] for r in results) == [0, 1], results
    loser = next(r for r in results if r[2] == 1)
    assert json.loads(loser[1])["error"] == "conflict"
    winner = json.loads(next(r for r in results if r[2] == 0)[0])
    assert winner["review_opened"] is True
    shown = office.contract(contract)
    assert [e.status for e in shown.evaluations] == ["current"]
    lifecycle = office.org(org_id).lifecycle
    assert [e["event"] for e in lifecycle] == ["add", "open_review"]
