"""``supervise import``: all or nothing, --skip-bad, idempotence, encodings (SQLite and PG)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine

from supervise.office import Office
from supervise.story import credit_code, id_number
from tests.fuzz.contract import dump

ENCODINGS = ["utf-8", "utf-8-sig", "gb18030"]
BAD_CODE = credit_code(703)[:-1] + ("0" if credit_code(703)[-1] != "0" else "1")


def run(db_url: str, *args: str) -> Result:
    from supervise.cli import cli

    return CliRunner().invoke(
        cli,
        ["--db", db_url, "--as", "wang", *args],
        env={"SUPERVISE_NOW": "2026-11-27T10:00:00+08:00", "SUPERVISE_CONFIG": None},
        catch_exceptions=False,
    )


def write_csv(path: Path, rows: list[list[str]], encoding: str) -> Path:
    text = io.StringIO(newline="")
    csv.writer(text).writerows(rows)
    path.write_bytes(text.getvalue().encode(encoding))
    return path


ORG_ROWS = [
    ["名称", "统一社会信用代码", "区县", "类型", "慈善组织"],
    ["重庆市甲儿童服务中心", credit_code(701), "渝中区", "社会团体", "是"],  # line 2: good
    ["乙社工服务中心", credit_code(702), "渝北区", "service-org", "否"],  # line 3: good
    ["丙", BAD_CODE, "渝中区", "social-group", ""],  # line 4: check character
    ["丁", credit_code(704), "渝中区", "公司", ""],  # line 5: kind
    ["戊", credit_code(701), "渝中区", "social-group", ""],  # line 6: twice in the file
    ["己（改名）", credit_code(705), "渝中区", "social-group", "否"],  # line 7: differs from DB
    ["庚", credit_code(706), "江北区", "social-group", "否"],  # line 8: stored the same
    ["", credit_code(707), "渝中区", "social-group", "否"],  # line 9: no name
]


@pytest.fixture
def stored(office: Office) -> Office:
    office.add_org(name="己", credit_code=credit_code(705), district="渝中区", kind="social-group")
    office.add_org(name="庚", credit_code=credit_code(706), district="江北区", kind="social-group")
    return office


def tables(db_url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = create_engine(db_url)
    try:
        return dump(engine)
    finally:
        engine.dispose()


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_one_bad_row_and_nothing_is_written_every_bad_row_listed(
    stored: Office, db_url: str, tmp_path: Path, encoding: str
) -> None:
    path = write_csv(tmp_path / "orgs.csv", ORG_ROWS, encoding)
    before = tables(db_url)
    result = run(db_url, "import", "orgs", str(path))
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: 5 of 8 rows are bad (listed on stdout); nothing was imported: fix them, or "
        "use --skip-bad to import the good rows\n"
    )
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == [f"line {n}" for n in (4, 5, 6, 7, 9)]
    assert lines[0].startswith(f"line 4: credit code {BAD_CODE}: check character 18 should be")
    assert lines[1].startswith("line 5: kind '公司' is not one of social-group (社会团体)")
    assert lines[2] == f"line 6: credit_code {credit_code(701)} appears already on line 2"
    assert lines[3].startswith(f"line 7: credit_code {credit_code(705)} exists already (id 1)")
    assert "with a different name" in lines[3]
    assert lines[4] == "line 9: name is empty"
    assert tables(db_url) == before
    assert not (tmp_path / "orgs.rejects.csv").exists()


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_skip_bad_writes_the_good_rows_and_rejects_the_others_beside_the_input(
    stored: Office, db_url: str, tmp_path: Path, encoding: str
) -> None:
    path = write_csv(tmp_path / "orgs.csv", ORG_ROWS, encoding)
    result = run(db_url, "import", "orgs", str(path), "--skip-bad", "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["rows"], report["inserted"], report["unchanged"]) == (8, 2, 1)
    assert [b["line"] for b in report["bad"]] == [4, 5, 6, 7, 9]
    assert report["encoding"] == encoding
    rejects = tmp_path / "orgs.rejects.csv"
    assert report["reject_file"] == str(rejects)
    with open(rejects, encoding="utf-8-sig", newline="") as handle:
        rejected = list(csv.reader(handle))
    assert rejected[0] == ["line", "reason", *ORG_ROWS[0]]
    assert [r[0] for r in rejected[1:]] == ["4", "5", "6", "7", "9"]
    assert [r[2:] for r in rejected[1:]] == [ORG_ROWS[i - 1] for i in (4, 5, 6, 7, 9)]
    orgs = {o.credit_code: o for o in stored.orgs()}
    assert orgs[credit_code(701)].name == "重庆市甲儿童服务中心"
    assert orgs[credit_code(701)].charity is True
    assert orgs[credit_code(702)].kind == "service-org"
    assert orgs[credit_code(705)].name == "己"  # not changed by the import
    assert len(orgs) == 4

    # The same file again changes nothing.
    before = tables(db_url)
    again = json.loads(run(db_url, "import", "orgs", str(path), "--skip-bad", "--json").stdout)
    assert (again["inserted"], again["unchanged"]) == (0, 3)
    assert tables(db_url) == before


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_good_file_imported_twice_changes_nothing_the_second_time(
    office: Office, db_url: str, tmp_path: Path, encoding: str
) -> None:
    rows = [ORG_ROWS[0], ORG_ROWS[1], ORG_ROWS[2]]
    path = write_csv(tmp_path / "orgs.csv", rows, encoding)
    first = run(db_url, "import", "orgs", str(path))
    assert first.exit_code == 0, first.stderr
    assert first.stdout == f"orgs: 2 imported, 0 unchanged, 0 bad of 2 rows ({encoding})\n"
    before = tables(db_url)
    second = run(db_url, "import", "orgs", str(path))
    assert second.stdout == f"orgs: 0 imported, 2 unchanged, 0 bad of 2 rows ({encoding})\n"
    assert tables(db_url) == before


def test_imported_organizations_start_their_lifecycle_as_added_ones_do(
    office: Office, db_url: str, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "orgs.csv", [ORG_ROWS[0], ORG_ROWS[1], ORG_ROWS[2]], "utf-8")
    assert run(db_url, "import", "orgs", str(path)).exit_code == 0
    imported = [o for o in office.orgs() if o.credit_code in (credit_code(701), credit_code(702))]
    assert len(imported) == 2
    for org in imported:
        lifecycle = office.org(org.id).lifecycle
        assert [(e["event"], e["from"], e["to"], e["by"]) for e in lifecycle] == [
            ("add", None, "active", "wang")
        ]
        assert lifecycle[0]["at"] == "2026-11-27T10:00:00+08:00"
    # The next step follows the imported first one.
    office.advance_org(imported[0].id, "open_review", reason="年度检查发现问题")
    steps = office.org(imported[0].id).lifecycle
    assert [e["event"] for e in steps] == ["add", "open_review"]


def test_an_export_of_organizations_imports_again(
    stored: Office, db_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "export.csv"
    assert run(db_url, "export", "orgs", "--csv", "-o", str(out)).exit_code == 0
    result = run(db_url, "import", "orgs", str(out))
    assert result.stdout == "orgs: 0 imported, 2 unchanged, 0 bad of 2 rows (utf-8-sig)\n"


def test_persons_are_checked_by_id_number_and_never_shown_in_full(
    office: Office, db_url: str, tmp_path: Path
) -> None:
    good, other = id_number(711), id_number(712)
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    rows = [
        ["姓名", "身份证号码", "邮箱"],
        ["李四", good, "li@example.cn"],
        ["王五", wrong, ""],
        ["赵六", good, ""],
        ["钱七", other, "not an address"],
    ]
    path = write_csv(tmp_path / "persons.csv", rows, "gb18030")
    result = run(db_url, "import", "persons", str(path))
    assert result.exit_code == 2
    for number in (good, wrong, other):
        assert number not in result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"line 3: id number {wrong[:6]}********{wrong[-4:]}: check")
    assert lines[1] == f"line 4: id_number {good[:6]}********{good[-4:]} appears already on line 2"
    assert lines[2].startswith("line 5: email 'not an address'")
    result = run(db_url, "import", "persons", str(path), "--skip-bad")
    assert result.exit_code == 0
    assert [p.name for p in office.persons()] == ["李四"]


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (b"", [], "is empty: the first line must name the columns"),
        ("名称,信用代码,区县,类型,电话\n".encode(), [], "unknown column(s) '电话'"),
        ("名称,区县\n".encode(), [], "column(s) credit_code, kind missing"),
        ("名称,名称\n".encode(), [], "column '名称' appears twice"),
        ("名称,区县\n甲,渝中区\n".encode("gb18030"), ["--encoding", "utf-8"], "is not utf-8 text"),
        (b"a,b\n\x00\n", [], "holds NUL bytes"),
        (b'name,credit_code\n"unterminated\n', [], "not valid CSV"),
    ],
)
def test_a_file_that_is_not_a_register_is_refused_in_one_line(
    db_url: str, tmp_path: Path, content: bytes, args: list[str], message: str
) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    before = tables(db_url)
    result = run(db_url, "import", "orgs", str(path), *args)
    assert result.exit_code == 2, result.stdout
    assert len(result.stderr.splitlines()) == 1
    assert message in result.stderr, result.stderr
    assert tables(db_url) == before


def test_a_reject_file_that_cannot_be_written_means_nothing_is_imported(
    db_url: str, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "orgs.csv", ORG_ROWS[:4], "utf-8")
    (tmp_path / "orgs.rejects.csv").mkdir()  # in the way
    before = tables(db_url)
    result = run(db_url, "import", "orgs", str(path), "--skip-bad")
    assert result.exit_code == 2
    assert "cannot write the reject file" in result.stderr
    assert tables(db_url) == before


def test_an_export_to_a_device_writes_into_it_and_leaves_it_a_device(
    stored: Office, db_url: str
) -> None:
    """Writing beside and renaming over /dev/null would replace the device (as root)."""
    result = run(db_url, "export", "orgs", "--csv", "-o", "/dev/null")
    assert result.exit_code == 0, result.stderr
    assert Path("/dev/null").is_char_device()


def test_an_interrupted_export_leaves_no_file(db_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    result = run(db_url, "export", "orgs", "--csv", "--json", "-o", str(folder / "orgs.csv"))
    assert result.exit_code == 2
    assert list(folder.iterdir()) == []


def test_districts_and_townships_are_checked_against_the_areas(
    office: Office, db_url: str, tmp_path: Path
) -> None:
    areas = tmp_path / "areas.csv"
    areas.write_text(
        "district,township,kind,code\n渝中区,解放碑街道,街道,500103001\n", encoding="utf-8"
    )
    office.import_areas(areas)
    rows = [
        ["名称", "统一社会信用代码", "区县", "类型", "乡镇街道"],
        ["甲", credit_code(721), "渝中区", "social-group", "解放碑街道"],  # line 2: good
        ["乙", credit_code(722), "火星区", "social-group", ""],  # line 3: no such 区县
        ["丙", credit_code(723), "渝中区", "social-group", "龙溪街道"],  # line 4: not 渝中区's
        ["丁", credit_code(724), "渝北区", "social-group", "龙溪街道"],  # 5: none loaded there
    ]
    path = write_csv(tmp_path / "orgs.csv", rows, "utf-8")
    before = tables(db_url)
    result = run(db_url, "import", "orgs", str(path))
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == ["line 3", "line 4"]
    assert lines[0].startswith("line 3: --district '火星区' is not a 区县 of this office")
    assert lines[1].startswith("line 4: --township '龙溪街道' is not a 乡镇/街道 of 渝中区")
    assert tables(db_url) == before
    result = run(db_url, "import", "orgs", str(path), "--skip-bad")
    assert result.exit_code == 0, result.stderr
    assert sorted(o.name for o in office.orgs()) == ["丁", "甲"]


# Issue 12's columns: whether professional, the services, the townships served; the same
# vocabulary and checks as `org add --professional --service --serves`.
ISSUE12_ROWS = [
    ["名称", "统一社会信用代码", "区县", "类型", "专业儿童保护组织", "服务内容", "服务乡镇街道"],
    ["甲中心", credit_code(731), "渝中区", "service-org", "是", "关爱保护、心理辅导",
     "解放碑街道、渝北区/龙溪街道"],  # line 2: good
    ["乙中心", credit_code(732), "渝北区", "service-org", "否", "", ""],  # line 3: good
    ["丙中心", credit_code(733), "渝中区", "service-org", "也许", "", ""],  # line 4: flag
    ["丁中心", credit_code(734), "渝中区", "service-org", "是", "关爱保护；算命", ""],  # 5
    ["戊中心", credit_code(735), "渝中区", "service-org", "", "", "龙溪街道"],  # 6: not 渝中区's
    ["己中心", credit_code(736), "渝中区", "service-org", "是", "法律援助", "渝中区/七星岗街道"],
]  # fmt: skip


@pytest.fixture
def areas(office: Office, tmp_path: Path) -> Office:
    from tests.bureau.helpers import load_areas

    load_areas(office, tmp_path)
    # line 7 differs from what is stored: it is not professional there and serves nothing.
    office.add_org(
        name="己中心", credit_code=credit_code(736), district="渝中区", kind="service-org"
    )
    return office


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_professional_services_and_townships_served_are_imported_and_checked(
    areas: Office, db_url: str, tmp_path: Path, encoding: str
) -> None:
    path = write_csv(tmp_path / "orgs.csv", ISSUE12_ROWS, encoding)
    before = tables(db_url)
    result = run(db_url, "import", "orgs", str(path))
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == [f"line {n}" for n in (4, 5, 6, 7)]
    assert lines[0] == "line 4: professional '也许' is not yes/no (是/否, true/false, 1/0)"
    assert lines[1].startswith(
        "line 5: --service '算命' is not a configured service; use one of 关爱保护, 心理辅导"
    )
    assert lines[2].startswith("line 6: --serves '龙溪街道' is not a 乡镇/街道 of 渝中区")
    assert lines[3].startswith(f"line 7: credit_code {credit_code(736)} exists already (id 1)")
    assert "with a different professional, services, serves;" in lines[3]
    assert tables(db_url) == before

    skip = run(db_url, "import", "orgs", str(path), "--skip-bad", "--json")
    assert skip.exit_code == 0, skip.stderr
    skipped = json.loads(skip.stdout)
    assert (skipped["inserted"], skipped["unchanged"]) == (2, 0)
    assert [b["line"] for b in skipped["bad"]] == [4, 5, 6, 7]
    orgs = {o.credit_code: o for o in areas.orgs()}
    first, second = orgs[credit_code(731)], orgs[credit_code(732)]
    assert (first.professional, first.services) == (True, ("关爱保护", "心理辅导"))
    assert sorted(first.serves) == ["渝中区/解放碑街道", "渝北区/龙溪街道"]
    assert (second.professional, second.services, second.serves) == (False, (), ())
    assert areas.org(first.id).serves == first.serves  # stored, not only listed

    # Idempotent: the same file again changes nothing; so does another order of the values.
    before = tables(db_url)
    again = json.loads(run(db_url, "import", "orgs", str(path), "--skip-bad", "--json").stdout)
    assert (again["inserted"], again["unchanged"]) == (0, 2)
    reordered = [ISSUE12_ROWS[0], [*ISSUE12_ROWS[1][:5], "心理辅导、关爱保护",
                                   "渝北区/龙溪街道；渝中区/解放碑街道"]]  # fmt: skip
    path2 = write_csv(tmp_path / "again.csv", reordered, encoding)
    assert run(db_url, "import", "orgs", str(path2)).stdout.startswith("orgs: 0 imported, 1 ")
    assert tables(db_url) == before
    changed = [ISSUE12_ROWS[0], [*ISSUE12_ROWS[1][:5], "关爱保护", ISSUE12_ROWS[1][6]]]
    path3 = write_csv(tmp_path / "changed.csv", changed, encoding)
    refused = run(db_url, "import", "orgs", str(path3))
    assert refused.exit_code == 2 and "with a different services;" in refused.stdout
    assert tables(db_url) == before


def test_an_export_with_services_and_townships_served_imports_again(
    areas: Office, db_url: str, tmp_path: Path
) -> None:
    areas.edit_org(
        1, professional=True, services=["法律援助", "关爱保护"],
        serves=["七星岗街道", "解放碑街道", "忠县/忠州街道"],
    )  # fmt: skip
    out = tmp_path / "export.csv"
    assert run(db_url, "export", "orgs", "--csv", "-o", str(out)).exit_code == 0
    with open(out, encoding="utf-8-sig", newline="") as handle:
        exported = list(csv.DictReader(handle))
    assert exported[0]["professional"] == "True"
    assert exported[0]["services"] == "法律援助、关爱保护"
    assert exported[0]["serves"] == "忠县/忠州街道、渝中区/七星岗街道、渝中区/解放碑街道"
    before = tables(db_url)
    result = run(db_url, "import", "orgs", str(out))
    assert result.stdout == "orgs: 0 imported, 1 unchanged, 0 bad of 1 rows (utf-8-sig)\n"
    assert tables(db_url) == before


def test_the_sample_file_in_the_docs_imports(areas: Office, db_url: str) -> None:
    sample = Path(__file__).resolve().parents[2] / "docs" / "examples" / "orgs.csv"
    result = run(db_url, "import", "orgs", str(sample))
    assert result.stdout == "orgs: 3 imported, 0 unchanged, 0 bad of 3 rows (utf-8)\n"
    orgs = {o.name: o for o in areas.orgs()}
    first = orgs["重庆市渝中区童心儿童服务中心"]
    assert (first.professional, first.services) == (True, ("关爱保护", "心理辅导"))
    assert sorted(first.serves) == ["渝中区/七星岗街道", "渝中区/解放碑街道"]
    assert orgs["重庆市渝中区志愿者协会"].kind == "social-group"
