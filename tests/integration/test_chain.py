"""A history that proves itself (issue 11): the hash chains, the four kinds of tampering
(a row changed by hand, a row deleted, rows moved or inserted, a whole chain recomputed),
anchors, the export and the README's checker, and PostgreSQL's append-only triggers."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError

from supervise.cli import cli
from supervise.office import Office
from supervise.story import DETAILS
from tests.conftest import open_case
from tests.integration.helpers import rewrite_chain

README = Path(__file__).resolve().parents[2] / "README.md"


def _step(office: Office, case_id: int, event: str, **inputs: object) -> None:
    office.advance(case_id, event, details=DETAILS.get(event), **inputs)


@pytest.fixture
def engines() -> Iterator[list[Engine]]:
    made: list[Engine] = []
    yield made
    for engine in made:
        engine.dispose()


@pytest.fixture
def record(office: Office, engines: list[Engine]) -> tuple[Office, list[int]]:
    """Three cases with a few steps each, and a refusal in the audit chain."""
    cases = [open_case(office) for _ in range(3)]
    for case_id in cases:
        _step(office, case_id, "schedule_interview", date=date(2026, 12, 2))
    _step(office, cases[0], "cancel_interview", reason="改期")
    _step(office, cases[0], "schedule_interview", date=date(2026, 12, 3))
    office.add_user("admin", role="admin")  # the first user: an empty directory checks nobody
    office.add_user("zhang", role="director", actor="admin")
    with pytest.raises(Exception, match="not a user"):
        office.case(cases[0], actor="stranger")
    ENGINES.clear()
    ENGINES.append(engines)
    return office, cases


ENGINES: list[list[Engine]] = []


def _engine(office: Office) -> Engine:
    engine = create_engine(office.runtime.db_url)
    ENGINES[-1].append(engine)
    return engine


def _sql(engine: Engine, statement: str, **params: object) -> None:
    """Tamper as someone with write access would (PostgreSQL: with the trigger disabled,
    as the tables' owner can)."""
    with engine.begin() as conn:
        pg = engine.dialect.name == "postgresql"
        if pg:
            conn.execute(text("ALTER TABLE history DISABLE TRIGGER history_append_only"))
            conn.execute(text("ALTER TABLE audit DISABLE TRIGGER audit_append_only"))
        conn.execute(text(statement), params)
        if pg:
            conn.execute(text("ALTER TABLE history ENABLE TRIGGER history_append_only"))
            conn.execute(text("ALTER TABLE audit ENABLE TRIGGER audit_append_only"))


def _rows(engine: Engine, case_id: int) -> list[dict[str, object]]:
    with engine.connect() as conn:
        return [
            dict(r._mapping)
            for r in conn.execute(
                text("SELECT id, seq FROM history WHERE case_id = :c ORDER BY seq"), {"c": case_id}
            )
        ]


def test_an_intact_record_verifies(record: tuple[Office, list[int]]) -> None:
    office, cases = record
    report = office.verify_chains()
    assert report.ok and report.problem is None
    assert report.cases == 3 and report.history_rows == 3 * 2 + 2 and report.audit_rows == 1


def test_a_row_changed_by_hand_is_found(record: tuple[Office, list[int]]) -> None:
    office, cases = record
    engine = _engine(office)
    middle = _rows(engine, cases[0])[1]
    _sql(engine, "UPDATE history SET reason = '另有原因' WHERE id = :i", i=middle["id"])
    report = office.verify_chains()
    assert not report.ok
    assert report.problem is not None
    assert f"history row {middle['id']} (case {cases[0]}, step 2)" in report.problem
    assert "content does not match its hash" in report.problem


def test_an_audit_row_changed_by_hand_is_found(record: tuple[Office, list[int]]) -> None:
    office, _ = record
    engine = _engine(office)
    _sql(engine, "UPDATE audit SET by = 'someone_else'")
    report = office.verify_chains()
    assert not report.ok and report.problem is not None
    assert report.problem.startswith("audit row 1: its content does not match")


@pytest.mark.parametrize("which", ["middle", "last"])
def test_a_deleted_row_is_found(record: tuple[Office, list[int]], which: str) -> None:
    office, cases = record
    engine = _engine(office)
    rows = _rows(engine, cases[0])
    gone = rows[1] if which == "middle" else rows[-1]
    _sql(engine, "DELETE FROM history WHERE id = :i", i=gone["id"])
    report = office.verify_chains()
    assert not report.ok and report.problem is not None
    if which == "middle":
        assert f"history row {rows[2]['id']}" in report.problem
        assert "does not link to the row before it" in report.problem
    else:
        assert f"case {cases[0]}: its last history row (step 3)" in report.problem


def test_moved_and_inserted_rows_are_found(record: tuple[Office, list[int]]) -> None:
    office, cases = record
    engine = _engine(office)
    rows = _rows(engine, cases[1])
    # Swap two steps' places.
    _sql(engine, "UPDATE history SET seq = 99 WHERE id = :i", i=rows[0]["id"])
    _sql(engine, "UPDATE history SET seq = 1 WHERE id = :i", i=rows[1]["id"])
    _sql(engine, "UPDATE history SET seq = 2 WHERE id = :i", i=rows[0]["id"])
    report = office.verify_chains()
    assert not report.ok and report.problem is not None
    assert f"history row {rows[1]['id']} (case {cases[1]}, step 1)" in report.problem


def test_an_inserted_row_is_found(record: tuple[Office, list[int]]) -> None:
    office, cases = record
    engine = _engine(office)
    with engine.connect() as conn:
        first = dict(
            conn.execute(
                text("SELECT * FROM history WHERE case_id = :c AND seq = 2"), {"c": cases[2]}
            )
            .mappings()
            .one()
        )
    forged = {**first, "seq": 3, "event": "record_interview"}
    forged.pop("id")
    names = ", ".join(forged)
    values = ", ".join(f":{k}" for k in forged)
    if isinstance(forged["data"], dict):
        forged["data"] = json.dumps(forged["data"])
    _sql(engine, f"INSERT INTO history ({names}) VALUES ({values})", **forged)
    report = office.verify_chains()
    assert not report.ok and report.problem is not None
    assert f"case {cases[2]}, step 3" in report.problem


def test_a_whole_chain_recomputed_is_caught_by_an_anchor(
    record: tuple[Office, list[int]],
) -> None:
    office, cases = record
    anchor = office.anchor_chains()
    assert re.fullmatch(r"\d+\.\d+\.[0-9a-f]{64}", anchor)
    assert office.verify_chains(anchor=anchor).anchored is True
    # Someone with write access changes a step, then recomputes the case's whole chain and
    # its head, so that the chain agrees with itself.
    rewrite_chain(office, cases[0], 2, "伪造")
    assert office.verify_chains().ok  # consistent with itself: no internal check can tell
    report = office.verify_chains(anchor=anchor)
    assert not report.ok and report.anchored is False
    assert report.problem is not None and "rewritten after the anchor was taken" in report.problem


def test_an_anchor_stays_valid_as_the_record_grows(record: tuple[Office, list[int]]) -> None:
    office, cases = record
    anchor = office.anchor_chains()
    _step(office, cases[2], "cancel_interview", reason="改期")
    open_case(office)
    report = office.verify_chains(anchor=anchor)
    assert report.ok and report.anchored is True
    with pytest.raises(Exception, match="--anchor must be"):
        office.verify_chains(anchor="not-an-anchor")


def test_postgresql_refuses_update_and_delete_of_history_and_audit(
    record: tuple[Office, list[int]],
) -> None:
    office, _ = record
    engine = _engine(office)
    if engine.dialect.name != "postgresql":
        pytest.skip("triggers are PostgreSQL's; SQLite's protection is in the README")
    for statement in (
        "UPDATE history SET reason = 'x'",
        "DELETE FROM history",
        "UPDATE audit SET reason = 'x'",
        "DELETE FROM audit",
    ):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    assert office.verify_chains().ok


def test_the_cli_verifies_anchors_and_exports(
    record: tuple[Office, list[int]], tmp_path: Path
) -> None:
    office, cases = record
    url = office.runtime.db_url
    runner = CliRunner()

    def run(*args: str, user: str = "admin") -> object:
        return runner.invoke(cli, ["--db", url, "--as", user, *args])

    ok = run("audit", "verify")
    assert ok.exit_code == 0 and ok.stdout.startswith("intact: 8 history rows in 3 case chains")
    anchor = run("audit", "anchor").stdout.strip()
    assert run("audit", "verify", "--anchor", anchor).exit_code == 0
    out = tmp_path / "record.jsonl"
    done = run("audit", "export", "--all", "-o", str(out))
    assert done.exit_code == 0 and done.stdout == f"9 rows written to {out}\n"
    checker = _readme_checker(tmp_path)
    checked = subprocess.run(
        [sys.executable, str(checker), str(out)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0 and checked.stdout == "9 rows in 4 chains: intact\n"
    one = tmp_path / "case.jsonl"
    assert run("audit", "export", "--case", str(cases[0]), "-o", str(one)).exit_code == 0
    lines = one.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4 and {json.loads(x)["chain"] for x in lines} == {f"case:{cases[0]}"}
    # A changed line is found by the outsider's script.
    changed = out.read_text(encoding="utf-8").replace("改期", "改动", 1)
    out.write_text(changed, encoding="utf-8")
    bad = subprocess.run(
        [sys.executable, str(checker), str(out)], capture_output=True, text=True, check=False
    )
    assert bad.returncode == 1 and "does not match its hash" in bad.stderr
    usage = run("audit", "export", "-o", str(out))
    assert usage.exit_code == 2 and "--case N or --all" in usage.stderr
    _sql(_engine(office), "DELETE FROM history WHERE id = 1")
    broken = run("audit", "verify", "--json")
    assert broken.exit_code == 1
    error = json.loads(broken.stderr)
    assert error["error"] == "tampered" and "history row" in error["message"]


def _readme_checker(tmp_path: Path) -> Path:
    readme = README.read_text(encoding="utf-8")
    block = readme.split("<!-- chain-checker -->", 1)[1].split("```python", 1)[1]
    code = block.split("```", 1)[0]
    assert len(code.strip().splitlines()) <= 16
    path = tmp_path / "check_chain.py"
    path.write_text(code, encoding="utf-8")
    return path
