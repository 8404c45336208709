"""Areas, organization attributes and institution links on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from supervise.errors import Conflict, InvalidInput, NotAllowed
from supervise.office import Office
from tests.bureau.helpers import AREAS, load_areas, org
from tests.fuzz import contract


def _dump(office: Office) -> contract.Dump:
    engine = create_engine(office.runtime.db_url)
    try:
        return contract.dump(engine)
    finally:
        engine.dispose()


def test_area_import_loads_lists_and_is_idempotent(office: Office, tmp_path: Path) -> None:
    path = load_areas(office, tmp_path)
    again = office.import_areas(path)
    assert (again.rows, again.added, again.updated, again.unchanged) == (6, 0, 0, 6)
    assert [a.township for a in office.areas("渝中区")] == [
        "解放碑街道",
        "七星岗街道",
        "大溪沟街道",
    ]
    districts = {d.name: d for d in office.districts()}
    assert len(districts) == 38
    assert districts["渝中区"].townships == 3 and districts["忠县"].kind == "县"
    assert districts["万州区"].townships == 0


def test_area_import_updates_a_changed_kind_or_code(office: Office, tmp_path: Path) -> None:
    load_areas(office, tmp_path)
    changed = AREAS.replace("统景镇,乡镇,500112101", "统景镇,乡镇,500112109")
    (tmp_path / "b.csv").write_text(changed, encoding="utf-8-sig")  # with a BOM
    result = office.import_areas(tmp_path / "b.csv")
    assert (result.added, result.updated, result.unchanged) == (0, 1, 5)
    assert [a.code for a in office.areas("渝北区")][-1] == "500112109"


def test_area_import_is_all_or_nothing(office: Office, tmp_path: Path) -> None:
    before = _dump(office)
    bad = AREAS + "渝中区,朝天门街道,街道,5001\n"
    (tmp_path / "bad.csv").write_text(bad, encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"1 bad row\(s\), nothing was loaded: line 8: code"):
        office.import_areas(tmp_path / "bad.csv")
    assert _dump(office) == before


def test_a_code_held_by_another_township_in_the_database_is_refused(
    office: Office, tmp_path: Path
) -> None:
    load_areas(office, tmp_path)
    before = _dump(office)
    (tmp_path / "c.csv").write_text(
        "district,township,kind,code\n渝中区,朝天门街道,街道,500103001\n", encoding="utf-8"
    )
    with pytest.raises(InvalidInput, match="line 2: code 500103001 is already 渝中区 解放碑街道"):
        office.import_areas(tmp_path / "c.csv")
    assert _dump(office) == before


def test_gb18030_area_files_are_read(office: Office, tmp_path: Path) -> None:
    (tmp_path / "gb.csv").write_bytes(AREAS.encode("gb18030"))
    assert office.import_areas(tmp_path / "gb.csv").added == 6


def test_an_organizations_district_and_townships_are_checked(
    office: Office, tmp_path: Path
) -> None:
    load_areas(office, tmp_path)
    with pytest.raises(InvalidInput, match="--district '重庆区' is not a 区县"):
        org(office, district="重庆区")
    with pytest.raises(InvalidInput, match="--township '龙溪街道' is not a 乡镇/街道 of 渝中区"):
        org(office, township="龙溪街道")
    with pytest.raises(InvalidInput, match="--serves '观音桥街道': no 乡镇/街道 of 江北区"):
        org(office, serves=["江北区/观音桥街道"])
    with pytest.raises(InvalidInput, match="--service '唱歌' is not a configured service"):
        org(office, services=["唱歌"])
    # A district without loaded townships takes its seat's township as given.
    assert (
        office.org(org(office, district="江北区", township="观音桥街道")).township == "观音桥街道"
    )
    assert office.orgs() and len(office.orgs()) == 1


def test_professional_services_and_townships_served(office: Office, tmp_path: Path) -> None:
    load_areas(office, tmp_path)
    org_id = org(
        office,
        professional=True,
        services=["关爱保护", "心理辅导", "关爱保护"],
        serves=["七星岗街道", "渝北区/统景镇"],
        township="解放碑街道",
    )
    view = office.org(org_id)
    assert view.professional and view.services == ("关爱保护", "心理辅导")
    assert view.serves == ("渝中区/七星岗街道", "渝北区/统景镇")
    assert view.status == "active"
    assert [e["event"] for e in view.lifecycle] == ["add"]
    edited = office.edit_org(
        org_id, professional=False, services=["法律援助"], serves=["大溪沟街道"]
    )
    assert not edited.professional and edited.services == ("法律援助",)
    assert edited.serves == ("渝中区/大溪沟街道",)
    changes = office.org(org_id).history[-1]["changes"]
    assert changes["professional"] == {"old": True, "new": False}
    assert changes["services"] == {"old": ["关爱保护", "心理辅导"], "new": ["法律援助"]}
    assert changes["serves"] == {
        "old": ["渝中区/七星岗街道", "渝北区/统景镇"],
        "new": ["渝中区/大溪沟街道"],
    }
    assert office.edit_org(org_id, serves=[]).serves == ()


def test_an_organization_may_start_incubating(office: Office) -> None:
    org_id = org(office, state="incubating")
    assert office.org(org_id).status == "incubating"
    assert [o.id for o in office.orgs(status="incubating")] == [org_id]
    assert office.orgs(status="active") == []
    with pytest.raises(InvalidInput, match="starts as one of incubating, registered, active"):
        org(office, state="exited")


def test_link_and_unlink_keep_the_history(office: Office) -> None:
    org_id = org(office)
    linked = office.link_org(
        org_id, institution="渝中区未成年人救助保护中心", since=date(2026, 3, 1)
    )
    assert linked.link is not None and linked.link.since == date(2026, 3, 1)
    assert linked.link.district == "渝中区" and linked.link.linked_by == "zhang"
    with pytest.raises(
        Conflict, match="is linked with 渝中区未成年人救助保护中心 since 2026-03-01"
    ):
        office.link_org(org_id, institution="别的机构")
    with pytest.raises(InvalidInput, match="before the link began"):
        office.unlink_org(org_id, on=date(2026, 2, 1))
    ended = office.unlink_org(org_id, on=date(2026, 10, 1))
    assert ended.link is None and ended.links[0].until == date(2026, 10, 1)
    with pytest.raises(NotAllowed, match="is not linked"):
        office.unlink_org(org_id)
    relinked = office.link_org(org_id, institution="渝中区儿童福利院")  # today by default
    assert relinked.link is not None and relinked.link.since == date(2026, 11, 27)
    assert [k.institution for k in office.org(org_id).links] == [
        "渝中区儿童福利院",
        "渝中区未成年人救助保护中心",
    ]
    listed = office.orgs()[0]
    assert listed.link is not None and listed.link.institution == "渝中区儿童福利院"


def test_a_link_in_the_future_or_to_a_blank_name_is_refused(office: Office) -> None:
    org_id = org(office)
    with pytest.raises(InvalidInput, match="in the future"):
        office.link_org(org_id, institution="某机构", since=date(2026, 12, 1))
    with pytest.raises(InvalidInput, match="--institution must not be empty"):
        office.link_org(org_id, institution="  ")
    assert office.org(org_id).links == ()
