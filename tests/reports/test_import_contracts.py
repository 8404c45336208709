"""``import contracts`` (all or nothing, --skip-bad, idempotence, encodings) and ``export
contracts|evaluations`` on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from supervise.office import Office
from supervise.story import credit_code
from tests.bureau.helpers import load_areas, org
from tests.bureau.test_contracts import FAIL, GOOD, contract, scores_file
from tests.reports.test_import import ENCODINGS, run, tables, write_csv

A, B, C = credit_code(801), credit_code(802), credit_code(803)

ROWS = [
    ["统一社会信用代码", "项目名称", "金额", "开始日期", "结束日期", "服务乡镇"],
    [A, "关爱项目", "120,000.50", "2026-01-01", "2026-12-31", "解放碑街道、渝北区/统景镇"],  # 2
    [A, "心理辅导项目", "8000", "2026-03-01", "2026-08-31", ""],  # 3: good
    [A, "关爱项目", "1", "2026-01-01", "2026-12-31", ""],  # 4: twice in the file
    [B, "孵化项目", "1000", "2026-01-01", "2026-12-31", ""],  # 5: incubating
    [C, "无主项目", "1000", "2026-01-01", "2026-12-31", ""],  # 6: no such organization
    [A, "倒序项目", "1000", "2026-06-01", "2026-01-01", ""],  # 7: end before start
    [A, "越区项目", "1000", "2026-01-01", "2026-12-31", "龙溪街道"],  # 8: not 渝中区's
    [A, "坏金额", "12.345", "2026-13-01", "2026-12-31", ""],  # 9: two reasons
    [A, "已有项目", "5000", "2026-01-01", "2026-12-31", ""],  # 10: stored, other amount
    [A, "同样项目", "5000", "2026-01-01", "2026-12-31", "七星岗街道"],  # 11: stored the same
]  # fmt: skip


@pytest.fixture
def stored(office: Office, tmp_path: Path) -> Office:
    load_areas(office, tmp_path)
    a = org(office, credit_code=A)
    org(office, credit_code=B, state="incubating")
    contract(office, a, title="已有项目", amount="4000")
    contract(office, a, title="同样项目", amount="5000", townships=["七星岗街道"])
    return office


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_one_bad_row_and_no_contract_is_written(
    stored: Office, db_url: str, tmp_path: Path, encoding: str
) -> None:
    path = write_csv(tmp_path / "contracts.csv", ROWS, encoding)
    before = tables(db_url)
    result = run(db_url, "import", "contracts", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: 7 of 10 rows are bad (listed on stdout)")
    lines = result.stdout.splitlines()
    assert lines == [
        f"line 4: the contract 关爱项目 of {A} from 2026-01-01 appears already on line 2",
        "line 5: organization 2 is incubating; contracts go to registered or active organizations",
        f"line 6: no organization with credit code {C}; import or add it first",
        "line 7: end 2026-01-01 is before start 2026-06-01; check the dates",
        lines[4],
        lines[5],
        "line 10: contract 1 (已有项目 from 2026-01-01) exists already with a different "
        "amount; a stored contract is not changed by an import: check the file",
    ]
    assert lines[4].startswith("line 8: --township '龙溪街道' is not a 乡镇/街道 of 渝中区")
    assert lines[5].startswith("line 9: amount '12.345' is not an amount in yuan")
    assert "start '2026-13-01' is not a real calendar date" in lines[5]
    assert tables(db_url) == before


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_skip_bad_writes_the_good_contracts_and_a_second_run_changes_nothing(
    stored: Office, db_url: str, tmp_path: Path, encoding: str
) -> None:
    path = write_csv(tmp_path / "contracts.csv", ROWS, encoding)
    result = run(db_url, "import", "contracts", str(path), "--skip-bad", "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["rows"], report["inserted"], report["unchanged"]) == (10, 2, 1)
    assert [b["line"] for b in report["bad"]] == [4, 5, 6, 7, 8, 9, 10]
    with open(tmp_path / "contracts.rejects.csv", encoding="utf-8-sig", newline="") as handle:
        rejected = list(csv.reader(handle))
    assert [r[2:] for r in rejected[1:]] == [ROWS[i - 1] for i in (4, 5, 6, 7, 8, 9, 10)]
    made = {c.title: c for c in stored.contracts()}
    assert made["关爱项目"].amount_fen == 12000050
    assert made["关爱项目"].townships == ("渝中区/解放碑街道", "渝北区/统景镇")
    assert (made["心理辅导项目"].start, made["心理辅导项目"].status) == (date(2026, 3, 1), "open")
    assert made["已有项目"].amount_fen == 400000  # not changed by the import
    before = tables(db_url)
    again = json.loads(run(db_url, "import", "contracts", str(path), "--skip-bad", "--json").stdout)
    assert (again["inserted"], again["unchanged"]) == (0, 3)
    assert tables(db_url) == before


def test_an_export_of_contracts_imports_again_unchanged(
    stored: Office, db_url: str, tmp_path: Path
) -> None:
    stored.evaluate(1, scores_file(tmp_path, GOOD))
    out = tmp_path / "contracts.csv"
    result = run(db_url, "export", "contracts", "--csv", "-o", str(out))
    assert result.stdout == f"contracts: 2 rows written to {out}\n"
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["title"], r["amount"], r["townships"], r["grade"], r["score"]) for r in rows] == [
        ("已有项目", "4000.00", "", "优秀", "95.80"),
        ("同样项目", "5000.00", "渝中区/七星岗街道", "", ""),
    ]
    before = tables(db_url)
    again = run(db_url, "import", "contracts", str(out))
    assert again.stdout == "contracts: 0 imported, 2 unchanged, 0 bad of 2 rows (utf-8-sig)\n"
    assert tables(db_url) == before


def test_evaluations_export_with_their_corrections(
    stored: Office, db_url: str, tmp_path: Path
) -> None:
    first = stored.evaluate(2, scores_file(tmp_path, FAIL))
    second = stored.evaluate(2, scores_file(tmp_path, GOOD), reason="评分有误")
    result = run(db_url, "export", "evaluations", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [(e["id"], e["status"], e["supersedes_id"], e["grade"]) for e in data] == [
        (first.id, "superseded", None, "不合格"),
        (second.id, "current", first.id, "优秀"),
    ]
    assert data[1]["reason"] == "评分有误" and data[1]["contract"] == "同样项目"
    assert json.loads(data[1]["groups"])["服务产出"] == "28.80"


def test_an_unknown_column_is_refused_in_one_line(
    stored: Office, db_url: str, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "c.csv", [[*ROWS[0], "备注"], [*ROWS[2], "x"]], "utf-8")
    result = run(db_url, "import", "contracts", str(path))
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1
    assert "unknown column(s) '备注'; an import of contracts takes credit_code" in result.stderr


def test_a_director_limited_to_districts_exports_theirs_only(stored: Office) -> None:
    from tests.bureau.helpers import add_director

    add_director(stored)
    stored.add_user("yb", role="director", districts=["渝北区"], actor="root")
    theirs = contract(stored, org(stored, district="渝北区"), title="渝北项目")
    assert [r[0] for r in stored.export("contracts", actor="yb").rows] == [theirs]
    assert [r[6] for r in stored.export("orgs", actor="yb").rows] == ["渝北区"]
    assert list(stored.export("evaluations", actor="yb").rows) == []
    assert len(list(stored.export("contracts", actor="wang").rows)) == 3


def test_a_director_limited_to_districts_imports_theirs_only(
    stored: Office, db_url: str, tmp_path: Path
) -> None:
    """Organizations of another district are bad rows; contracts of an organization in
    another district read as contracts of no organization (its existence is not theirs)."""
    from tests.bureau.helpers import add_director

    add_director(stored)
    stored.add_user("yb", role="director", districts=["渝北区"], actor="root")
    orgs = write_csv(tmp_path / "orgs.csv", [
        ["名称", "统一社会信用代码", "区县", "类型"],
        ["渝北区某中心", credit_code(811), "渝北区", "service-org"],  # line 2: theirs
        ["渝中区某中心", credit_code(812), "渝中区", "service-org"],  # line 3: not theirs
    ], "utf-8")  # fmt: skip
    before = tables(db_url)
    report = stored.import_file("orgs", orgs, actor="yb")
    assert report.inserted == 0 and [(b.line, b.reason) for b in report.bad] == [
        (3, "district 渝中区 is not one of yb's (渝北区); a user of that district imports it")
    ]
    assert tables(db_url) == before
    assert stored.import_file("orgs", orgs, actor="wang").inserted == 2  # the whole city's
    ours = org(stored, district="渝北区")
    code = next(o.credit_code for o in stored.orgs() if o.id == ours)
    contracts = write_csv(tmp_path / "contracts.csv", [
        ROWS[0],
        [code, "渝北项目", "1000", "2026-01-01", "2026-12-31", "龙溪街道"],  # line 2: theirs
        [A, "渝中项目", "1000", "2026-01-01", "2026-12-31", ""],  # line 3: 渝中区's
    ], "gb18030")  # fmt: skip
    before = tables(db_url)
    report = stored.import_file("contracts", contracts, actor="yb")
    assert [(b.line, b.reason) for b in report.bad] == [
        (3, f"no organization with credit code {A}; import or add it first")
    ]
    assert tables(db_url) == before
    report = stored.import_file("contracts", contracts, skip_bad=True, actor="yb")
    assert report.inserted == 1
    assert [r[5] for r in stored.export("contracts", actor="yb").rows] == ["渝北项目"]
