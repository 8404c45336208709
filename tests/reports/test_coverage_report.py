"""``report coverage`` on a made-up city whose figures are counted by hand (SQLite and
PostgreSQL), through the library, the command line and a real Chromium."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from supervise.office import Office
from tests.bureau.helpers import add_director, load_areas, org
from tests.conftest import MakeOffice
from tests.reports.browser import CHROMIUM, open_page

CITY = """areas:
  city: 某市
  districts: [甲区, 乙区, 丙县]
reports:
  coverage: {professional_orgs: 5, linked_per_district: 2, orgs_per_township: 1}
"""

AREAS = """district,township,kind,code
甲区,一街道,街道,500901001
甲区,二街道,街道,500901002
甲区,三镇,乡镇,500901101
乙区,四街道,街道,500902001
乙区,五镇,乡镇,500902101
丙县,六镇,乡镇,500903101
"""


@pytest.fixture
def city(make_office: MakeOffice, tmp_path: Path) -> Office:
    """The made-up city (see each organization's comment for what it counts towards).

    甲区: three professional organizations in the programme (two linked), and an incubated
    professional one that serves 一街道 and is linked (neither counts). 一街道 and 二街道 served.
    乙区: one professional (linked), one linked non-professional; 四街道 served by an
    exited organization only. 丙县: nothing.
    """
    config = tmp_path / "city.yaml"
    config.write_text(CITY, encoding="utf-8")
    office = make_office(config=config)
    load_areas(office, tmp_path, AREAS)
    add_director(office)
    a1 = org(office, district="甲区", professional=True, serves=["一街道", "二街道"])
    a2 = org(office, district="甲区", professional=True, serves=["一街道"])
    org(office, district="甲区", professional=True, state="registered")
    a4 = org(office, district="甲区", professional=True, state="incubating", serves=["三镇"])
    b1 = org(office, district="乙区", professional=True, serves=["五镇"])
    b2 = org(office, district="乙区", professional=False)
    b3 = org(office, district="乙区", professional=True, serves=["四街道"])
    for org_id in (a1, a2, a4):
        office.link_org(org_id, institution="甲区未成年人救助保护中心")
    for org_id in (b1, b2, b3):
        office.link_org(org_id, institution="乙区未成年人救助保护中心")
    office.advance_org(b3, "open_review", reason="评估不合格", actor="wang")
    office.advance_org(b3, "exit", reason="整改无效", actor="wang")
    return office


def test_the_coverage_report_counts_the_made_up_city_by_hand(city: Office) -> None:
    data = city.coverage_report().as_json()
    assert data["targets"] == {
        "professional_orgs": 5,
        "linked_per_district": 2,
        "orgs_per_township": 1,
    }
    # a1, a2, a3 (registered) and b1; a4 is incubated and b3 has exited.
    assert data["professional_orgs"] == {"count": 4, "target": 5, "short": 1}
    assert [
        (d["district"], d["professional_orgs"], d["linked"], d["linked_short"], d["linked_other"])
        for d in data["districts"]
    ] == [("甲区", 3, 2, 0, 0), ("乙区", 1, 1, 1, 1), ("丙县", 0, 0, 2, 0)]
    assert [
        (d["townships"], d["townships_covered"], d["townships_uncovered"])
        for d in data["districts"]
    ] == [(3, 2, 1), (2, 1, 1), (1, 0, 1)]
    assert data["districts_short"] == ["乙区", "丙县"]
    assert data["townships"]["total"] == 6 and data["townships"]["covered"] == 3
    assert [(t["district"], t["township"], t["organizations"]) for t in data["townships"][
        "uncovered"
    ]] == [("甲区", "三镇", 0), ("乙区", "四街道", 0), ("丙县", "六镇", 0)]  # fmt: skip
    # The city's target, two districts and three townships.
    assert data["shortfalls"] == 6


def test_raising_a_target_is_a_configuration_change(
    make_office: MakeOffice, tmp_path: Path
) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(
        CITY.replace("orgs_per_township: 1", "orgs_per_township: 2"), encoding="utf-8"
    )
    office = make_office(config=config)
    load_areas(office, tmp_path, AREAS)
    org(office, district="甲区", professional=True, serves=["一街道", "二街道"])
    org(office, district="甲区", serves=["一街道"])
    report = office.coverage_report()
    assert [(t.township, t.organizations) for t in report.uncovered] == [
        ("二街道", 1), ("三镇", 0), ("四街道", 0), ("五镇", 0), ("六镇", 0),
    ]  # fmt: skip
    assert report.townships_covered == 1


def test_the_notice_targets_are_the_default(office: Office) -> None:
    report = office.coverage_report()
    assert (report.targets.professional_orgs, report.targets.linked_per_district) == (34, 2)
    assert report.targets.orgs_per_township == 1
    assert len(report.districts) == 38 and report.professional_short == 34
    assert report.uncovered == [] and report.townships == 0


def test_a_district_user_sees_their_districts_only(city: Office) -> None:
    city.add_user("jia", role="director", districts=["甲区"], actor="root")
    data = city.coverage_report(actor="jia").as_json()
    assert data["scope"] == ["甲区"]
    assert data["professional_orgs"] == {"count": 3, "target": 5, "short": 2}
    assert [d["district"] for d in data["districts"]] == ["甲区"]
    assert [t["township"] for t in data["townships"]["uncovered"]] == ["三镇"]


def test_a_negative_target_is_refused(make_office: MakeOffice, tmp_path: Path) -> None:
    from supervise.errors import ConfigError

    config = tmp_path / "c.yaml"
    config.write_text("reports: {coverage: {linked_per_district: -1}}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"reports\.coverage\.linked_per_district: give a count"):
        make_office(config=config)


def run(db_url: str, config: Path, *args: str) -> Result:
    from supervise.cli import cli

    return CliRunner().invoke(
        cli,
        ["--db", db_url, "--as", "wang", "--config", str(config), *args],
        env={"SUPERVISE_NOW": "2026-11-27T10:00:00+08:00", "SUPERVISE_DB": None},
        catch_exceptions=False,
    )


def test_report_coverage_prints_tables_and_json(city: Office, db_url: str, tmp_path: Path) -> None:
    config = tmp_path / "city.yaml"
    result = run(db_url, config, "report", "coverage")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert (
        "专业未成年人保护社会组织 professional child-protection organizations: 4 / 5"
        "  ▲ short by 1" in lines
    )
    header = next(i for i, line in enumerate(lines) if line.startswith("区县"))
    assert lines[header + 2].split() == ["甲区", "3", "2", "0", "0", "3", "2", "ok"]
    assert lines[header + 3].split() == ["乙区", "1", "1", "1", "1", "2", "1", "▲", "short"]
    assert "  ▲ 甲区 (1): 三镇" in lines
    data = json.loads(run(db_url, config, "report", "coverage", "--json").stdout)
    assert data["report"] == "coverage" and data["shortfalls"] == 6


def test_report_coverage_refuses_in_one_line(city: Office, db_url: str, tmp_path: Path) -> None:
    result = run(db_url, tmp_path / "city.yaml", "report", "coverage", "--html", "/nonexistent/x")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("Error: cannot write /nonexistent/x")
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_the_coverage_page_is_self_contained_and_shows_its_shortfalls(
    city: Office, db_url: str, tmp_path: Path
) -> None:
    page = tmp_path / "培育目标.html"
    result = run(db_url, tmp_path / "city.yaml", "report", "coverage", "--html", str(page))
    assert result.exit_code == 0, result.stderr
    visit = open_page(page, ".shortfall, tr.short, li.short, .card.bad")
    assert visit.requests == [page.resolve().as_uri()]
    assert visit.console == [] and visit.errors == []
    assert "▲ 距目标 5 家还差 1 家。" in visit.visible
    assert "▲ 结对不足的区县：乙区、丙县" in visit.visible
    assert "甲区（1 个）：三镇" in visit.visible
    assert visit.screenshot.startswith(b"\x89PNG")
