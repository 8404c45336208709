"""Service contracts and evaluations on SQLite and PostgreSQL: money in fen, grading,
corrections by superseding, the exit review trigger, and what exit does to contracts."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from supervise.errors import Conflict, InvalidInput, NotAllowed
from supervise.office import Office
from tests.bureau.helpers import add_director, load_areas, org
from tests.conftest import MakeOffice

GOOD: dict[str, Any] = {
    "服务产出": {
        "服务人次": {"actual": 900, "target": 1000},
        "活动场次": {"actual": 12, "target": 12},
        "个案服务数": {"actual": 30, "target": 30},
    },
    "服务质量": {"服务规范": 9, "个案记录": 8, "服务成效": 6},
    "服务对象满意度": {"服务对象满意率": 95},
    "内部管理": {"制度健全": True, "档案规范": True, "人员稳定": True},
    "资金使用": {"专款专用": True, "票据合规": True, "按预算执行": True},
}  # 30 × 9.6/10 + 25 × 23/25 + 19 + 10 + 15 = 28.8 + 23 + 19 + 25 = 95.80, 优秀
# 95.80 − 资金使用 9 (票据合规, 按预算执行: 15 × 6/15 = 6) − 满意度 11 (20 × 40%) = 75.80: 合格
PASS = {**GOOD, "资金使用": {"专款专用": True, "票据合规": False, "按预算执行": False},
        "服务对象满意度": {"服务对象满意率": 40}}  # fmt: skip
FAIL = {**PASS, "内部管理": {"制度健全": False, "档案规范": False, "人员稳定": False},
        "服务质量": {"服务规范": 2, "个案记录": 2, "服务成效": 2}}  # fmt: skip


def scores_file(tmp_path: Path, scores: dict[str, Any], name: str = "s.yaml", **extra: Any) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"scores": scores, **extra}, allow_unicode=True), "utf-8")
    return path


def contract(office: Office, org_id: int, **extra: Any) -> int:
    return office.add_contract(
        org=org_id,
        title=extra.pop("title", "困境儿童关爱服务项目"),
        amount=extra.pop("amount", "120000.50"),
        start=extra.pop("start", date(2026, 1, 1)),
        end=extra.pop("end", date(2026, 12, 31)),
        **extra,
    ).id


def test_a_contract_keeps_its_amount_in_fen(office: Office, tmp_path: Path) -> None:
    load_areas(office, tmp_path)
    org_id = org(office)
    view = office.add_contract(
        org=org_id, title="关爱项目", amount="1,234,567.89", start=date(2026, 1, 1),
        end=date(2026, 6, 30), townships=["解放碑街道", "渝北区/统景镇"],
    )  # fmt: skip
    assert view.amount_fen == 123456789 and view.amount == "1234567.89"
    assert view.townships == ("渝中区/解放碑街道", "渝北区/统景镇")
    shown = office.contract(view.id)
    assert shown.amount_fen == 123456789 and shown.status == "open" and shown.evaluation is None
    assert [c.id for c in office.contracts(district="渝中区")] == [view.id]
    assert office.contracts(district="渝北区") == []
    assert [c.id for c in office.contracts(org=org_id, status="open")] == [view.id]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"amount": "12.345"}, "not an amount in yuan"),
        ({"amount": "-5"}, "not an amount in yuan"),
        ({"amount": "0"}, "more than 0 yuan"),
        ({"amount": "1e5"}, "not an amount in yuan"),
        ({"amount": "99999999999"}, "more than ten billion"),
        ({"end": date(2025, 12, 31)}, "--end 2025-12-31 is before --start 2026-01-01"),
        ({"start": date(1900, 1, 1)}, "outside the plausible range"),
        ({"title": "\x1b[31m"}, "control character"),
        ({"townships": ["龙溪街道"]}, "not a 乡镇/街道 of 渝中区"),
        ({"townships": ["江北区/观音桥街道"]}, "no 乡镇/街道 of 江北区 are loaded"),
    ],
)
def test_a_bad_contract_is_refused(
    office: Office, tmp_path: Path, extra: dict[str, Any], message: str
) -> None:
    load_areas(office, tmp_path)
    org_id = org(office)
    with pytest.raises(InvalidInput, match=message):
        contract(office, org_id, **extra)
    assert office.contracts() == []


@pytest.mark.parametrize("state", ["incubating"])
def test_contracts_go_to_registered_or_active_organizations(office: Office, state: str) -> None:
    with pytest.raises(NotAllowed, match="is incubating; contracts go to registered or active"):
        contract(office, org(office, state=state))
    contract(office, org(office, state="registered"))


def test_grading_and_who_when(office: Office, tmp_path: Path) -> None:
    cid = contract(office, org(office))
    view = office.evaluate(cid, scores_file(tmp_path, GOOD, note="年终评估"))
    assert (view.score, view.grade, view.by) == ("95.80", "优秀", "zhang")
    assert view.evaluated_on == date(2026, 11, 27) and view.note == "年终评估"
    assert view.groups == {
        "服务产出": "28.80", "服务质量": "23.00", "服务对象满意度": "19.00",
        "内部管理": "10.00", "资金使用": "15.00",
    }  # fmt: skip
    assert not view.review_opened
    current = office.contract(cid).evaluation
    assert current is not None and current.id == view.id


def test_a_correction_supersedes_with_history(office: Office, tmp_path: Path) -> None:
    cid = contract(office, org(office))
    first = office.evaluate(cid, scores_file(tmp_path, GOOD))
    with pytest.raises(Conflict, match=f"has evaluation {first.id} already .* --reason"):
        office.evaluate(cid, scores_file(tmp_path, PASS))
    second = office.evaluate(cid, scores_file(tmp_path, PASS), reason="满意度调查样本有误")
    assert second.supersedes == first.id and second.reason == "满意度调查样本有误"
    third = office.evaluate(cid, scores_file(tmp_path, GOOD), reason="复核后恢复")
    shown = office.contract(cid)
    assert [(e.id, e.status, e.supersedes) for e in shown.evaluations] == [
        (first.id, "superseded", None),
        (second.id, "superseded", first.id),
        (third.id, "current", second.id),
    ]
    assert shown.evaluation is not None and shown.evaluation.id == third.id


def test_a_reason_without_an_evaluation_to_correct_is_refused(
    office: Office, tmp_path: Path
) -> None:
    cid = contract(office, org(office))
    with pytest.raises(InvalidInput, match="no evaluation to correct"):
        office.evaluate(cid, scores_file(tmp_path, GOOD), reason="x")
    assert office.contract(cid).evaluations == ()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("scores: &a {x: 1}\nnote: *a\n", "aliases"),
        ("scores: {}\nscores: {}\n", "appears twice"),
        ("[1, 2]\n", "must hold a mapping"),
        ("note: x\n", "has no scores"),
        ("scores: {}\nextra: 1\n", "unknown key 'extra'"),
        ("scores: {}\ncontract: 99\n", "is for contract 99"),
        ("scores: {}\nevaluated_on: 2026-02-30\n", "evaluated_on"),
        ("scores: {}\n", "group 服务产出 is missing"),
    ],
)
def test_a_bad_scores_file_is_refused_and_changes_nothing(
    office: Office, tmp_path: Path, content: str, message: str
) -> None:
    cid = contract(office, org(office))
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidInput, match=message):
        office.evaluate(cid, path)
    assert office.contract(cid).evaluations == ()


def test_a_scores_file_dated_in_the_future_or_before_the_contract(
    office: Office, tmp_path: Path
) -> None:
    cid = contract(office, org(office), start=date(2026, 6, 1))
    with pytest.raises(InvalidInput, match="in the future"):
        office.evaluate(cid, scores_file(tmp_path, GOOD, evaluated_on="2026-12-01"))
    with pytest.raises(InvalidInput, match="before the contract began"):
        office.evaluate(cid, scores_file(tmp_path, GOOD, evaluated_on="2026-05-01"))
    done = office.evaluate(cid, scores_file(tmp_path, GOOD, evaluated_on="2026-11-20"))
    assert done.evaluated_on == date(2026, 11, 20)


def test_one_fail_opens_the_exit_review(office: Office, tmp_path: Path) -> None:
    org_id = org(office)
    view = office.evaluate(contract(office, org_id), scores_file(tmp_path, FAIL))
    assert view.grade == "不合格" and view.review_opened
    shown = office.org(org_id)
    assert shown.status == "under_review"
    last = shown.lifecycle[-1]
    assert (last["event"], last["from"], last["to"]) == ("open_review", "active", "under_review")
    assert last["data"]["evaluation"] == view.id and "一次评估不合格" in last["reason"]


def test_a_pass_does_not_open_it_under_one_fail(office: Office, tmp_path: Path) -> None:
    org_id = org(office)
    for _ in range(2):
        view = office.evaluate(contract(office, org_id), scores_file(tmp_path, PASS))
        assert (view.score, view.grade, view.review_opened) == ("75.80", "合格", False)
    assert office.org(org_id).status == "active"


def test_two_low_in_a_row(make_office: MakeOffice, tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("evaluation: {exit_review: two_low_in_a_row}\n", encoding="utf-8")
    office = make_office(config=config)
    org_id = org(office)
    first = office.evaluate(
        contract(office, org_id), scores_file(tmp_path, FAIL, evaluated_on="2026-03-01")
    )
    assert not first.review_opened  # one 不合格 is not two in a row
    good = office.evaluate(
        contract(office, org_id), scores_file(tmp_path, GOOD, evaluated_on="2026-06-01")
    )
    assert not good.review_opened  # the row is broken
    low = office.evaluate(
        contract(office, org_id), scores_file(tmp_path, PASS, evaluated_on="2026-09-01")
    )
    assert not low.review_opened
    again = office.evaluate(
        contract(office, org_id), scores_file(tmp_path, PASS, evaluated_on="2026-11-01")
    )
    assert again.review_opened and office.org(org_id).status == "under_review"
    assert "连续两次评估合格及以下" in office.org(org_id).lifecycle[-1]["reason"]


def test_a_failing_grade_under_review_moves_nothing(office: Office, tmp_path: Path) -> None:
    org_id = org(office)
    cid = contract(office, org_id)
    office.advance_org(org_id, "open_review", reason="投诉")
    view = office.evaluate(cid, scores_file(tmp_path, FAIL))
    assert view.grade == "不合格" and not view.review_opened
    assert [e["event"] for e in office.org(org_id).lifecycle] == ["add", "open_review"]


def test_exit_terminates_open_contracts(
    office: Office, make_office: MakeOffice, tmp_path: Path
) -> None:
    director = make_office(user=add_director(office))
    org_id = org(office)
    open_one, other = contract(office, org_id), contract(office, org_id, title="第二个项目")
    office.evaluate(open_one, scores_file(tmp_path, FAIL))
    result = director.advance_org(org_id, "exit", reason="评估不合格，整改无效")
    assert result.terminated_contracts == (open_one, other)
    for cid in (open_one, other):
        shown = office.contract(cid)
        assert shown.status == "terminated"
        assert shown.end_reason == "机构退出（2026-11-27）：评估不合格，整改无效"
        assert shown.end == date(2026, 12, 31)  # the contract's own term is kept
    assert office.contracts(status="open") == []
    with pytest.raises(NotAllowed, match="is exited"):
        contract(office, org_id)


def test_restore_after_review(office: Office, make_office: MakeOffice, tmp_path: Path) -> None:
    director = make_office(user=add_director(office))
    org_id = org(office)
    office.evaluate(contract(office, org_id), scores_file(tmp_path, FAIL))
    result = director.advance_org(org_id, "restore", reason="整改验收合格")
    assert result.to_state == "active" and result.terminated_contracts == ()
    assert office.contracts(status="open") != []


def test_contracts_and_evaluations_are_limited_to_a_users_districts(
    office: Office, tmp_path: Path
) -> None:
    from supervise.errors import NotFound

    add_director(office)
    office.add_user("yb", role="supervisor", districts=["渝北区"], actor="root")
    inside = contract(office, org(office, district="渝北区"))
    outside = contract(office, org(office, district="渝中区"))
    assert [c.id for c in office.contracts(actor="yb")] == [inside]
    assert [c.id for c in office.contracts()] == [inside, outside]
    assert office.contract(inside, actor="yb").id == inside
    with pytest.raises(NotFound, match=f"no contract with id {outside}"):
        office.contract(outside, actor="yb")
    with pytest.raises(NotFound, match=f"no contract with id {outside}"):
        office.evaluate(outside, scores_file(tmp_path, GOOD), actor="yb")
    with pytest.raises(NotFound, match="no organization with id 2"):
        contract(office, 2, actor="yb")
    assert office.contract(outside).evaluation is None  # nothing written
    assert office.evaluate(inside, scores_file(tmp_path, GOOD), actor="yb").grade == "优秀"
