"""The bureau's commands through click's runner: output, JSON, refusals and exit statuses."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, select

from supervise.adapters.orm import audit
from supervise.cli import cli
from supervise.story import credit_code
from tests.bureau.helpers import AREAS

Run = Callable[..., Result]
NOW = "2026-11-27T10:00:00+08:00"


@pytest.fixture
def run(db_url: str) -> Run:
    runner = CliRunner()

    def invoke(*args: str, user: str = "zhang") -> Result:
        return runner.invoke(
            cli,
            ["--db", db_url, "--as", user, *args],
            env={"SUPERVISE_NOW": NOW, "SUPERVISE_CONFIG": None, "SUPERVISE_DB": None},
            catch_exceptions=False,
        )

    return invoke


def ok(result: Result) -> object:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_area_import_and_list(run: Run, tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(AREAS, encoding="utf-8")
    result = run("area", "import", str(tmp_path / "a.csv"))
    assert result.exit_code == 0
    assert "6 townships and streets" in result.stdout and "6 added" in result.stdout
    listed = ok(run("area", "list", "--district", "渝北区", "--json"))
    assert listed == [
        {"district": "渝北区", "township": "龙溪街道", "kind": "街道", "code": "500112001"},
        {"district": "渝北区", "township": "统景镇", "kind": "乡镇", "code": "500112101"},
    ]
    districts = run("area", "list").stdout.splitlines()
    assert len(districts) == 38 and "渝中区  区  3 乡镇/街道" in districts


def test_a_bad_area_file_is_one_line_exit_2(run: Run, tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text(AREAS + "渝中区,x,社区,500103099\n", encoding="utf-8")
    result = run("area", "import", str(tmp_path / "bad.csv"), "--json")
    assert result.exit_code == 2 and result.stdout == ""
    error = json.loads(result.stderr)
    assert (
        error["error"] == "invalid"
        and "line 8: kind '社区' must be 乡镇 or 街道" in error["message"]
    )
    assert run("area", "list", "--district", "渝中区").stdout == ""
    unknown = run("area", "list", "--district", "上海区")
    assert unknown.exit_code == 2 and unknown.stderr.startswith("Error: --district '上海区'")


def test_org_attributes_link_and_advance(run: Run, tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(AREAS, encoding="utf-8")
    run("area", "import", str(tmp_path / "a.csv"))
    for name, role in (("root", "admin"), ("zhang", "supervisor"), ("wang", "director")):
        ok(run("user", "add", name, "--email", f"{name}@mzj.example.gov.cn", "--role", role,
               "--json", user="root"))  # fmt: skip
    org = ok(
        run(
            "org", "add", "--name", "某某儿童服务中心", "--credit-code", credit_code(),
            "--district", "渝中区", "--kind", "service-org", "--professional",
            "--service", "关爱保护", "--serves", "解放碑街道", "--state", "registered", "--json",
        )
    )  # fmt: skip
    assert isinstance(org, dict)
    assert org["professional"] is True and org["serves"] == ["渝中区/解放碑街道"]
    assert org["status"] == "registered" and org["status_zh"] == "已登记"
    oid = str(org["id"])
    linked = ok(run("org", "link", oid, "--institution", "渝中区未成年人救助保护中心",
                    "--since", "2026-01-05", "--json"))  # fmt: skip
    assert isinstance(linked, dict) and linked["link"]["since"] == "2026-01-05"
    again = run("org", "link", oid, "--institution", "x", "--json")
    assert again.exit_code == 1 and json.loads(again.stderr)["error"] == "conflict"
    moved = run("org", "advance", oid, "activate")
    assert moved.exit_code == 0 and "registered -> active" in moved.stdout
    refused = run("org", "advance", oid, "exit", "--reason", "x", "--json")
    assert refused.exit_code == 1 and json.loads(refused.stderr)["error"] == "not_allowed"
    ok(run("org", "advance", oid, "open_review", "--reason", "评估不合格", "--json"))
    not_director = run("org", "advance", oid, "exit", "--reason", "x")
    assert not_director.exit_code == 1 and "only a director" in not_director.stderr
    exited = ok(
        run("org", "advance", oid, "exit", "--reason", "评估仍不合格", "--json", user="wang")
    )
    assert isinstance(exited, dict) and exited["to"] == "exited" and exited["ended_link"] == 1
    shown = run("org", "show", oid)
    assert (
        "linked with 渝中区未成年人救助保护中心 since 2026-01-05 until 2026-11-27" in shown.stdout
    )
    assert "open_review  active -> under_review  by zhang: 评估不合格" in shown.stdout
    assert "exit  under_review -> exited  by wang" in shown.stdout
    listed = ok(run("org", "list", "--status", "exited", "--json"))
    assert isinstance(listed, list) and [o["id"] for o in listed] == [org["id"]]


def test_unlink_and_edit_from_the_command_line(run: Run, tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(AREAS, encoding="utf-8")
    run("area", "import", str(tmp_path / "a.csv"))
    oid = str(ok(run("org", "add", "--name", "某中心", "--credit-code", credit_code(),
                     "--district", "渝中区", "--kind", "service-org", "--json"))["id"])  # type: ignore[index]  # fmt: skip
    edited = ok(run("org", "edit", oid, "--professional", "--service", "法律援助",
                    "--serves", "七星岗街道", "--json"))  # fmt: skip
    assert isinstance(edited, dict) and edited["services"] == ["法律援助"]
    both = run("org", "edit", oid, "--serves", "七星岗街道", "--no-serves")
    assert both.exit_code == 2 and "not both" in both.stderr
    cleared = ok(run("org", "edit", oid, "--no-serves", "--not-professional", "--json"))
    assert isinstance(cleared, dict) and cleared["serves"] == [] and not cleared["professional"]
    unlinked = run("org", "unlink", oid)
    assert unlinked.exit_code == 1 and "is not linked" in unlinked.stderr
    bad_date = run("org", "link", oid, "--institution", "x", "--since", "2026-02-30")
    assert bad_date.exit_code == 2 and bad_date.stderr.startswith("Error: --since")


def _audit(db_url: str) -> list[tuple[str, str, str, dict[str, object]]]:
    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(audit.c.by, audit.c.action, audit.c.outcome, audit.c.data).order_by(audit.c.id)
        ).all()
    engine.dispose()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_org_link_unlink_and_advance_stay_in_the_users_districts(
    run: Run, db_url: str, tmp_path: Path
) -> None:
    """A user limited to 渝中区 acting on an organization in 江北区 is told it does not exist,
    exactly as for an id that does not; nothing changes, and the refusal is audited."""
    (tmp_path / "a.csv").write_text(AREAS, encoding="utf-8")
    run("area", "import", str(tmp_path / "a.csv"))
    ok(run("user", "add", "root", "--role", "admin", "--json", user="root"))
    ok(run("user", "add", "wang", "--role", "director", "--json", user="root"))
    for name, role in (("yz", "supervisor"), ("yzboss", "director")):
        ok(run("user", "add", name, "--role", role, "--district", "渝中区", "--json", user="root"))
    ids = {}
    for district in ("渝中区", "江北区"):
        added = ok(run("org", "add", "--name", f"{district}儿童服务中心", "--credit-code",
                       credit_code(), "--district", district, "--kind", "service-org",
                       "--json", user="wang"))  # fmt: skip
        assert isinstance(added, dict)
        ids[district] = str(added["id"])
    far = ids["江北区"]
    ok(run("org", "link", far, "--institution", "江北区未成年人救助保护中心", "--since",
           "2026-01-05", "--json", user="wang"))  # fmt: skip
    ok(run("org", "advance", far, "open_review", "--reason", "评估不合格", "--json", user="wang"))
    before = run("org", "show", far, "--json", user="wang").stdout
    attempts = [
        ("org.link", ("org", "link", far, "--institution", "某机构"), "yz"),
        ("org.unlink", ("org", "unlink", far), "yz"),
        ("org.advance", ("org", "advance", far, "restore", "--reason", "整改到位"), "yzboss"),
        ("org.advance", ("org", "advance", far, "exit", "--reason", "仍不合格"), "yzboss"),
    ]
    audited = len(_audit(db_url))
    for action, args, user in attempts:
        refused = run(*args, user=user)
        assert refused.exit_code == 1 and refused.stdout == "", (args, refused.stdout)
        assert refused.stderr == f"Error: no organization with id {far}; see `supervise org list`\n"
        as_json = run(*args, "--json", user=user)
        assert as_json.exit_code == 1 and json.loads(as_json.stderr)["error"] == "not_found"
        rows = _audit(db_url)[audited:]
        assert [r[:3] for r in rows] == [(user, action, "refused")] * 2, rows
        assert all(r[3] == {"organization": int(far)} for r in rows)
        audited += 2
    assert run("org", "show", far, "--json", user="wang").stdout == before
    # An id that does not exist reads the same to them (and is not anyone's refusal).
    missing = run("org", "unlink", "99", user="yz")
    assert missing.exit_code == 1 and "no organization with id 99" in missing.stderr
    assert len(_audit(db_url)) == audited
    # Nor may they add one there (and the directory still lists the two).
    added = run("org", "add", "--name", "某中心", "--credit-code", credit_code(), "--district",
                "江北区", "--kind", "service-org", user="yz")  # fmt: skip
    assert added.exit_code == 1 and added.stdout == ""
    assert added.stderr == (
        "Error: yz is limited to 渝中区; an organization in '江北区' is added by a user of "
        "that district\n"
    )
    assert _audit(db_url)[-1][:3] == ("yz", "org.add", "refused")
    listed = ok(run("org", "list", "--json", user="wang"))
    assert isinstance(listed, list) and len(listed) == 2
    # Their own district's organization: allowed.
    near = ids["渝中区"]
    ok(run("org", "link", near, "--institution", "渝中区未成年人救助保护中心", "--json", user="yz"))
    ok(run("org", "unlink", near, "--json", user="yz"))
    ok(run("org", "advance", near, "open_review", "--reason", "评估不合格", "--json", user="yz"))
    moved = ok(run("org", "advance", near, "restore", "--reason", "整改到位", "--json",
                   user="yzboss"))  # fmt: skip
    assert isinstance(moved, dict) and moved["to"] == "active"


def test_graph_of_the_organization_machine() -> None:
    result = CliRunner().invoke(cli, ["graph", "--machine", "org"])
    assert result.exit_code == 0
    assert "under_review --> exited: exit" in result.stdout
    assert "培育孵化中" in result.stdout
    docs = (Path(__file__).parents[2] / "docs" / "states.md").read_text(encoding="utf-8")
    assert result.stdout in docs, "docs/states.md is stale: add `supervise graph --machine org`"


SCORES = """\
scores:
  服务产出:
    服务人次: {actual: 500, target: 1000}
    活动场次: {actual: 6, target: 12}
    个案服务数: {actual: 10, target: 30}
  服务质量: {服务规范: 5, 个案记录: 4, 服务成效: 3}
  服务对象满意度: {服务对象满意率: 60}
  内部管理: {制度健全: yes, 档案规范: no, 人员稳定: no}
  资金使用: {专款专用: yes, 票据合规: no, 按预算执行: no}
"""


def test_contract_and_evaluate_from_the_command_line(run: Run, tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(AREAS, encoding="utf-8")
    run("area", "import", str(tmp_path / "a.csv"))
    oid = ok(run("org", "add", "--name", "某中心", "--credit-code", credit_code(),
                 "--district", "渝中区", "--kind", "service-org", "--json"))["id"]  # type: ignore[index]  # fmt: skip
    added = run("contract", "add", "--org", str(oid), "--title", "关爱项目", "--amount",
                "120000.5", "--start", "2026-01-01", "--end", "2026-12-31",
                "--township", "解放碑街道")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    assert "关爱项目  某中心 (1)  渝中区  ¥120,000.50  2026-01-01..2026-12-31  open  未评估" in (
        added.stdout
    )
    bad = run("contract", "add", "--org", str(oid), "--title", "x", "--amount", "1.234",
              "--start", "2026-01-01", "--end", "2026-12-31", "--json")  # fmt: skip
    assert bad.exit_code == 2 and json.loads(bad.stderr)["error"] == "invalid"
    (tmp_path / "s.yaml").write_text(SCORES, encoding="utf-8")
    done = run("evaluate", "1", "--scores", str(tmp_path / "s.yaml"))
    assert done.exit_code == 0, done.stderr
    assert "evaluation 1  47.50 不合格" in done.stdout
    assert "organization 1 is now under exit review" in done.stdout
    twice = run("evaluate", "1", "--scores", str(tmp_path / "s.yaml"), "--json")
    assert twice.exit_code == 1 and json.loads(twice.stderr)["error"] == "conflict"
    fixed = ok(run("evaluate", "1", "--scores", str(tmp_path / "s.yaml"), "--reason", "更正",
                   "--json"))  # fmt: skip
    assert isinstance(fixed, dict) and fixed["supersedes"] == 1 and fixed["grade_key"] == "fail"
    shown = ok(run("contract", "show", "1", "--json"))
    assert isinstance(shown, dict) and shown["amount"] == "120000.50"
    assert shown["amount_fen"] == 12000050 and len(shown["evaluations"]) == 2
    listed = ok(run("contract", "list", "--district", "渝中区", "--json"))
    assert isinstance(listed, list) and listed[0]["evaluation"]["id"] == 2
    (tmp_path / "bomb.yaml").write_text("a: &a [1]\nb: *a\n", encoding="utf-8")
    bomb = run("evaluate", "1", "--scores", str(tmp_path / "bomb.yaml"))
    assert bomb.exit_code == 2 and "aliases" in bomb.stderr
    missing = run("evaluate", "9", "--scores", str(tmp_path / "s.yaml"))
    assert missing.exit_code == 1 and "no contract with id 9" in missing.stderr
