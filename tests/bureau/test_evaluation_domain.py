"""The indicator system without a database: the weights check, scoring, grading and the
exit review trigger."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from supervise.config import load_settings
from supervise.errors import ConfigError, InvalidInput
from supervise.evaluation import (
    EvaluationSettings,
    IndicatorGroup,
    exit_review_due,
    grade_of,
    score,
)

SETTINGS = load_settings(environ={}).evaluation

FULL: dict[str, Any] = {
    "服务产出": {
        "服务人次": {"actual": 1200, "target": 1000},
        "活动场次": {"actual": 12, "target": 12},
        "个案服务数": {"actual": 30, "target": 30},
    },
    "服务质量": {"服务规范": 10, "个案记录": 8, "服务成效": 7},
    "服务对象满意度": {"服务对象满意率": 100},
    "内部管理": {"制度健全": True, "档案规范": True, "人员稳定": True},
    "资金使用": {"专款专用": True, "票据合规": True, "按预算执行": True},
}


def _with(group: str, item: str, value: Any) -> dict[str, Any]:
    data = {g: dict(items) for g, items in FULL.items()}
    data[group][item] = value
    return data


def test_the_packaged_groups_weigh_100() -> None:
    assert [g.name for g in SETTINGS.groups] == [
        "服务产出", "服务质量", "服务对象满意度", "内部管理", "资金使用",
    ]  # fmt: skip
    assert sum(g.weight for g in SETTINGS.groups) == 100


def test_weights_not_adding_up_to_100_are_refused_naming_the_groups(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(
        "evaluation:\n  groups:\n"
        "    - {name: 服务产出, weight: 60, rule: points, items: {a: 1}}\n"
        "    - {name: 服务质量, weight: 30, rule: check, items: {b: 1}}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"add up to 90, not 100 \(服务产出 60, 服务质量 30\)"):
        load_settings(config, environ={})


@pytest.mark.parametrize(
    ("group", "message"),
    [
        ("{name: 内部管理, weight: 0, rule: check, items: {a: 1}}", r"\(内部管理\): weight must"),
        ("{name: 内部管理, weight: 10, rule: check, items: {}}", r"\(内部管理\): list at least"),
        ("{name: 内部管理, weight: 10, rule: check, items: {a: 0}}", r"item a needs more"),
        ("{name: 内部管理, weight: 10, rule: vote, items: {a: 1}}", "'vote' is not one of"),
    ],
)
def test_a_bad_group_is_refused_by_name(tmp_path: Path, group: str, message: str) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(
        "evaluation:\n  groups:\n"
        "    - {name: 服务产出, weight: 90, rule: points, items: {a: 1}}\n"
        f"    - {group}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=message):
        load_settings(config, environ={})


def test_cutoffs_must_descend(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("evaluation:\n  grades: {优秀: 80, 良好: 85, 合格: 60}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="100 >= 优秀 > 良好 > 合格 > 0"):
        load_settings(config, environ={})
    config.write_text("evaluation:\n  grades: {优秀: 90, 良好: 80}\n", encoding="utf-8")
    assert load_settings(config, environ={}).evaluation.grades["合格"] == 60  # merged


def test_full_marks_score_100() -> None:
    result = score(SETTINGS, FULL, "f")
    assert result.score == Decimal("100.00") and result.grade == "优秀"
    assert result.groups == {
        "服务产出": "30.00", "服务质量": "25.00", "服务对象满意度": "20.00",
        "内部管理": "10.00", "资金使用": "15.00",
    }  # fmt: skip


def test_each_rule_counts_as_documented() -> None:
    # ratio: 服务人次 500/1000 loses half of its 4 points of 10: 30 × 8/10 = 24 (−6).
    assert score(
        SETTINGS, _with("服务产出", "服务人次", {"actual": 500, "target": 1000}), "f"
    ).score == Decimal("94.00")  # noqa: E501
    # points: 服务成效 0 of 7 (of 25): 25 × 18/25 = 18 (−7).
    assert score(SETTINGS, _with("服务质量", "服务成效", 0), "f").score == Decimal("93.00")
    # percent: 85% of 20 = 17 (−3).
    assert score(SETTINGS, _with("服务对象满意度", "服务对象满意率", 85), "f").score == Decimal(
        "97.00"
    )  # noqa: E501
    # check: 专款专用 no: 15 × 9/15 = 9 (−6).
    assert score(SETTINGS, _with("资金使用", "专款专用", False), "f").score == Decimal("94.00")
    # thirds are rounded half up to two places: 档案规范 no → 10 × 7/10 = 7 (−3); 1/3 case:
    odd = EvaluationSettings(
        groups=(IndicatorGroup("g", 100, "points", {"a": 3}),), grades=SETTINGS.grades
    )
    assert score(odd, {"g": {"a": 1}}, "f").score == Decimal("33.33")
    assert score(odd, {"g": {"a": 2}}, "f").score == Decimal("66.67")


@pytest.mark.parametrize(
    ("value", "grade"),
    [("100", "优秀"), ("90", "优秀"), ("89.99", "良好"), ("80", "良好"), ("79.99", "合格"),
     ("60", "合格"), ("59.99", "不合格"), ("0", "不合格")],
)  # fmt: skip
def test_grades_follow_the_cutoffs(value: str, grade: str) -> None:
    assert grade_of(Decimal(value), SETTINGS.grades) == grade


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ({k: v for k, v in FULL.items() if k != "资金使用"}, "group 资金使用 is missing"),
        ({**FULL, "其他": {}}, "unknown indicator group '其他'"),
        (_with("服务质量", "额外", 1), "unknown item '额外' in 服务质量"),
        ({**FULL, "服务质量": {"服务规范": 10, "个案记录": 8}}, "服务质量: no value for 服务成效"),
        (_with("服务质量", "服务规范", 11), "more than the item's 10 points"),
        (_with("服务质量", "服务规范", -1), "a number of 0 or more"),
        (_with("服务质量", "服务规范", "ten"), "'ten' is not a number"),
        (_with("服务质量", "服务规范", True), "give a number"),
        (_with("服务对象满意度", "服务对象满意率", 101), "a rate is 0 to 100"),
        (_with("内部管理", "制度健全", 1), "give yes or no"),
        (_with("服务产出", "服务人次", 1200), r"give \{actual: N, target: M\}"),
        (_with("服务产出", "服务人次", {"actual": 1, "target": 0}), "target: must be more than 0"),
        (_with("服务质量", "服务规范", "nan"), "a number of 0 or more"),
        ([1, 2], "scores must map"),
    ],
)
def test_a_bad_scores_mapping_is_refused_by_name(scores: Any, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        score(SETTINGS, scores, "scores file f")


def test_the_exit_review_trigger() -> None:
    assert exit_review_due("one_fail", ["不合格"])
    assert not exit_review_due("one_fail", ["合格", "合格"])
    assert not exit_review_due("one_fail", ["良好", "不合格"])  # newest first
    assert exit_review_due("two_low_in_a_row", ["合格", "不合格"])
    assert exit_review_due("two_low_in_a_row", ["合格", "合格", "优秀"])
    assert not exit_review_due("two_low_in_a_row", ["不合格"])
    assert not exit_review_due("two_low_in_a_row", ["合格", "良好", "合格"])
    assert not exit_review_due("one_fail", [])
    assert dataclasses.is_dataclass(SETTINGS)
