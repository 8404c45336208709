"""``report contracts`` on a data set counted by hand (SQLite and PostgreSQL), through the
library, the command line and a real Chromium."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from supervise.office import Office
from tests.bureau.helpers import add_director, load_areas, org
from tests.bureau.test_contracts import FAIL, GOOD, PASS, contract, scores_file
from tests.reports.browser import CHROMIUM, open_page


@pytest.fixture
def bought(office: Office, tmp_path: Path) -> Office:
    """甲 (渝中区): 100,000 (2026, 优秀 95.80) and 50,000.50 (2025, 合格 75.80, corrected
    from 不合格). 乙 (渝中区): 80,000 (2026, 不合格 48.80), then exited. 丙 (渝北区):
    30,000 (2026, not evaluated). 丁 (渝北区): no contract, under an exit review."""
    load_areas(office, tmp_path)
    add_director(office)
    a = org(office, name="甲组织")
    b = org(office, name="乙组织")
    c = org(office, name="丙组织", district="渝北区")
    d = org(office, name="丁组织", district="渝北区")
    c1 = contract(office, a, amount="100000")
    c2 = contract(office, a, amount="50000.50", start=date(2025, 1, 1), end=date(2025, 12, 31))
    c3 = contract(office, b, amount="80000")
    contract(office, c, amount="30000")
    office.evaluate(c1, scores_file(tmp_path, GOOD))
    office.evaluate(c3, scores_file(tmp_path, FAIL))
    office.advance_org(b, "exit", reason="整改无效", actor="wang")
    office.evaluate(c2, scores_file(tmp_path, FAIL, evaluated_on="2026-01-10"))
    office.evaluate(c2, scores_file(tmp_path, PASS), reason="评分有误")
    office.advance_org(d, "open_review", reason="群众举报", actor="wang")
    return office


def test_the_contracts_report_gives_the_figures_counted_by_hand(bought: Office) -> None:
    data = bought.contracts_report().as_json()
    assert data["period"] is None
    assert data["total"] == {
        "contracts": 4,
        "open": 3,
        "amount_fen": 26000050,
        "amount_yuan": "260,000.50",
        "evaluated": 3,
        "mean_score": "73.47",  # (95.80 + 75.80 + 48.80) / 3
        "grades": {"excellent": 1, "good": 0, "pass": 1, "fail": 1},
    }
    assert [(d["district"], d["contracts"], d["amount_fen"], d["mean_score"]) for d in data[
        "by_district"
    ]] == [("渝中区", 3, 23000050, "73.47"), ("渝北区", 1, 3000000, None)]  # fmt: skip
    assert [
        (o["name"], o["status"], o["contracts"], o["open"], o["mean_score"], o["grades"]["fail"])
        for o in data["by_organization"]
    ] == [
        ("甲组织", "active", 2, 2, "85.80", 0),
        ("乙组织", "exited", 1, 0, "48.80", 1),
        ("丙组织", "active", 1, 1, None, 0),
    ]
    assert [(e["name"], e["on"], e["reason"]) for e in data["exits"]] == [
        ("乙组织", "2026-11-27", "整改无效")
    ]
    assert [(e["name"], e["reason"]) for e in data["under_review"]] == [("丁组织", "群众举报")]


def test_a_period_counts_the_contracts_in_force_during_it(bought: Office) -> None:
    report = bought.contracts_report(start=date(2026, 1, 1), end=date(2026, 12, 31))
    total = report.total
    assert (total.contracts, total.amount_fen, total.evaluated, str(total.mean)) == (
        3,
        21000000,
        2,
        "72.30",  # (95.80 + 48.80) / 2
    )
    earlier = bought.contracts_report(start=date(2025, 1, 1), end=date(2025, 6, 30))
    assert [(r.name, r.figures.amount_fen) for r in earlier.organizations] == [("甲组织", 5000050)]
    assert earlier.exits == []  # 乙 exited in November 2026
    assert [e.name for e in earlier.reviews] == ["丁组织"]  # reviews are as of today


def test_a_district_user_sees_their_districts_only(bought: Office) -> None:
    bought.add_user("yb", role="director", districts=["渝北区"], actor="root")
    data = bought.contracts_report(actor="yb").as_json()
    assert data["scope"] == ["渝北区"]
    assert [o["name"] for o in data["by_organization"]] == ["丙组织"]
    assert data["exits"] == [] and [e["name"] for e in data["under_review"]] == ["丁组织"]


def run(db_url: str, *args: str) -> Result:
    from supervise.cli import cli

    return CliRunner().invoke(
        cli,
        ["--db", db_url, "--as", "wang", *args],
        env={"SUPERVISE_NOW": "2026-11-27T10:00:00+08:00", "SUPERVISE_CONFIG": None,
             "SUPERVISE_DB": None},
        catch_exceptions=False,
    )  # fmt: skip


def test_report_contracts_prints_tables_and_json(bought: Office, db_url: str) -> None:
    result = run(db_url, "report", "contracts")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "contracts: 4; amount: 260,000.50 元; evaluated: 3; mean score: 73.47" in lines
    header = lines.index("各区县 by district") + 1
    assert lines[header + 2].split() == [
        "渝中区", "3", "2", "230,000.50", "3", "73.47", "1", "0", "1", "1",
    ]  # fmt: skip
    assert "  ▲ org 4 丁组织 (渝北区) since 2026-11-27: 群众举报" in lines
    data = json.loads(run(db_url, "report", "contracts", "--json").stdout)
    assert data["report"] == "contracts" and data["total"]["contracts"] == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-02-30"], "Error: --from '2026-02-30' is not a real calendar date"),
        (["--from", "2026-12-01", "--to", "2026-11-01"], "Error: --from 2026-12-01 is after"),
        (["--html", "/nonexistent/dir/r.html"], "Error: cannot write /nonexistent/dir/r.html"),
    ],
)
def test_report_contracts_refuses_in_one_line(db_url: str, args: list[str], message: str) -> None:
    result = run(db_url, "report", "contracts", *args)
    assert result.exit_code == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(message), result.stderr


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_the_contracts_page_is_self_contained_and_shows_its_shortfalls(
    bought: Office, db_url: str, tmp_path: Path
) -> None:
    page = tmp_path / "购买服务.html"
    result = run(db_url, "report", "contracts", "--html", str(page))
    assert result.exit_code == 0, result.stderr
    visit = open_page(page, ".shortfall, tr.short, .card.bad")
    assert visit.requests == [page.resolve().as_uri()]
    assert visit.console == [] and visit.errors == []
    assert "▲ 以下机构的退出评估尚未结束，需由主任决定恢复或退出：" in visit.visible
    assert any(text.startswith("不合格") for text in visit.visible)
    assert any("丁组织" in text for text in visit.visible)
    assert visit.screenshot.startswith(b"\x89PNG")
