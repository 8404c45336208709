"""Areas without a database: the configured 区县, the CSV rules, the township checks."""

from __future__ import annotations

from collections import Counter

import pytest

from supervise.areas import (
    check_district,
    check_township,
    district_kind,
    parse_area_rows,
    split_place,
)
from supervise.config import load_settings
from supervise.errors import InvalidInput

DISTRICTS = load_settings(environ={}).areas.districts
HEADER = "district,township,kind,code\n"


def test_the_packaged_configuration_has_chongqings_38_districts() -> None:
    assert len(DISTRICTS) == 38 == len(set(DISTRICTS))
    kinds = Counter(district_kind(d) for d in DISTRICTS)
    assert kinds == {"区": 26, "县": 8, "自治县": 4}
    for name in ("渝中区", "万州区", "綦江区", "开州区", "梁平区", "武隆区", "城口县", "忠县"):
        assert name in DISTRICTS
    assert "石柱土家族自治县" in DISTRICTS and "彭水苗族土家族自治县" in DISTRICTS
    # Not 区县: functional areas and the old names of districts made from counties.
    for name in ("两江新区", "万盛经开区", "梁平县", "开县", "武隆县"):
        assert name not in DISTRICTS


def test_check_district() -> None:
    assert check_district("渝中区", DISTRICTS) == "渝中区"
    with pytest.raises(InvalidInput, match="'重庆区' is not a 区县 of this office"):
        check_district("重庆区", DISTRICTS)
    assert check_district("浦东新区", ()) == "浦东新区"  # no list configured: any name


def test_check_township() -> None:
    known = {"渝中区": {"解放碑街道"}}
    assert check_township("渝中区", "解放碑街道", known) == "解放碑街道"
    with pytest.raises(InvalidInput, match="not a 乡镇/街道 of 渝中区"):
        check_township("渝中区", "龙溪街道", known)
    # A district with nothing loaded accepts its seat's township, not a served one.
    assert check_township("江北区", "观音桥街道", known) == "观音桥街道"
    with pytest.raises(InvalidInput, match="no 乡镇/街道 of 江北区 are loaded"):
        check_township("江北区", "观音桥街道", known, required=True)


def test_split_place() -> None:
    assert split_place("解放碑街道", "渝中区") == ("渝中区", "解放碑街道")
    assert split_place("渝北区/龙溪街道", "渝中区") == ("渝北区", "龙溪街道")


def test_good_rows_with_chinese_header_and_blank_lines() -> None:
    text = (
        "区县,乡镇街道,类型,区划代码\n渝中区,解放碑街道,街道,500103001000\n\n"
        "忠县,忠州街道,街道,500233001\n"
    )
    rows = parse_area_rows(text, "f", DISTRICTS)
    assert [(r.line, r.district, r.township, r.kind, r.code) for r in rows] == [
        (2, "渝中区", "解放碑街道", "街道", "500103001000"),
        (4, "忠县", "忠州街道", "街道", "500233001"),
    ]


def test_every_bad_row_is_named_with_its_line() -> None:
    text = HEADER + "\n".join(
        [
            "渝中区,解放碑街道,街道,500103001",  # 2 good
            "重庆区,某街道,街道,500199001",  # 3 unknown district
            "渝中区,,街道,500103009",  # 4 empty township
            "渝中区,七星岗街道,社区,500103002",  # 5 bad kind
            "渝中区,两路口街道,街道,50010300X",  # 6 bad code
            "渝中区,解放碑街道,街道,500103003",  # 7 duplicate place
            "渝中区,大溪沟街道,街道,500103001",  # 8 duplicate code
            "渝中区,上清寺街道",  # 9 short row
            "渝中区,化龙桥街道\x1b[31m,街道,500103004",  # 10 control character
        ]
    )
    with pytest.raises(InvalidInput) as info:
        parse_area_rows(text, "area file f.csv", DISTRICTS)
    message = info.value.message
    assert message.startswith("area file f.csv: 8 bad row(s), nothing was loaded")
    for line, words in [
        (3, "not a 区县"),
        (4, "township is empty"),
        (5, "must be 乡镇 or 街道"),
        (6, "9 or 12 digits"),
        (7, "also on line 2"),
        (8, "code 500103001 is also on line 2"),
        (9, "expected 4 columns"),
        (10, "control character"),
    ]:
        assert f"line {line}: " in message and words in message, (line, message)
    assert "line 2:" not in message


def test_a_file_without_the_header_or_rows_is_refused() -> None:
    with pytest.raises(InvalidInput, match="column code is missing"):
        parse_area_rows("district,township,kind\n渝中区,a,街道\n", "f", DISTRICTS)
    with pytest.raises(InvalidInput, match="is empty"):
        parse_area_rows("\n\n", "f", DISTRICTS)
    with pytest.raises(InvalidInput, match="no rows"):
        parse_area_rows(HEADER, "f", DISTRICTS)
