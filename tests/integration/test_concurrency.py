"""Two supervisors advance the same case at once, as two real processes: exactly one wins.

The test holds the database's write lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: the case
row locked FOR UPDATE) while both processes start, read the case and queue their writes;
then it lets go. One commits; the other finds the case's version changed and must report
a conflict, without writing anything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import yaml
from sqlalchemy import create_engine, text

from supervise.story import DETAILS
from tests.conftest import MakeOffice, open_case
from tests.integration.helpers import advance, write_lock

NOW = "2026-11-27T10:00:00+08:00"


def wait_until_blocked(db_url: str, count: int, timeout: float = 60.0) -> None:
    """Until ``count`` sessions wait on a lock (PostgreSQL says so; a fixed sleep failed on a
    loaded machine). SQLite shows no waiters: there, wait long enough for two starts."""
    if db_url.startswith("sqlite"):
        time.sleep(6)
        return
    engine = create_engine(db_url)
    deadline = time.monotonic() + timeout
    query = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    try:
        with engine.connect() as conn:
            while time.monotonic() < deadline:
                if conn.execute(query).scalar_one() >= count:
                    return
                conn.rollback()
                time.sleep(0.1)
    finally:
        engine.dispose()
    raise AssertionError(f"{count} sessions were not waiting on the lock after {timeout} s")


def test_two_processes_same_case_exactly_one_wins(
    make_office: MakeOffice, db_url: str, tmp_path: Path
) -> None:
    office = make_office()
    case_id = open_case(office)
    advance(office, case_id, "schedule_interview", date=date(2026, 12, 10))
    env = {**os.environ, "SUPERVISE_NOW": NOW, "SUPERVISE_DB": db_url}
    env.pop("SUPERVISE_CONFIG", None)
    details = tmp_path / "record.yaml"
    details.write_text(yaml.safe_dump(DETAILS["record_interview"], allow_unicode=True), "utf-8")
    command = [
        sys.executable,
        "-m",
        "supervise",
        "case",
        "advance",
        str(case_id),
        "record_interview",
        "--reason",
        "约谈记录",
        "--details",
        str(details),
        "--json",
    ]
    with write_lock(db_url, "cases", case_id):
        procs = [
            subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(2)
        ]
        # Both must have read the case and be waiting on the lock before it is released.
        wait_until_blocked(db_url, len(procs))
        assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
    results = [p.communicate(timeout=60) + (p.returncode,) for p in procs]
    codes = sorted(r[2] for r in results)
    assert codes == [0, 1], results
    loser = next(r for r in results if r[2] == 1)
    error = json.loads(loser[1])
    assert error == {
        "error": "conflict",
        "message": f"case {case_id} was changed by someone else; reload and retry",
    }
    shown = office.case(case_id)
    assert [h.event for h in shown.history].count("record_interview") == 1
    assert sorted(d.kind for d in shown.deadlines) == ["rectification", "service"]
    # The loser's notices were rolled back with it: their numbers were not used up.
    numbers = [n.number for n in office.notices(case=case_id)]
    assert numbers == ["渝民社约〔2026〕1号", "渝民社约记〔2026〕1号", "渝民社整改〔2026〕1号"]
