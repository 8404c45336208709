"""Tests for supervise.validation: id numbers, credit codes and e-mail addresses."""

from __future__ import annotations

import pytest

from supervise.errors import InvalidInput
from supervise.validation import (
    mask_id_number,
    validate_credit_code,
    validate_email,
    validate_id_number,
)

# Written out again here, independently of the module, so a slip in the module's tables
# cannot make the tests agree with it.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def id_check(first17: str) -> str:
    total = sum(int(c) * (2 ** (17 - i) % 11) for i, c in enumerate(first17))
    return "0123456789X"[(12 - total % 11) % 11]


def org_check(first8: str) -> str:
    weights = [3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c, 36) * w for c, w in zip(first8, weights, strict=True))
    return {10: "X", 11: "0"}.get(11 - total % 11, str(11 - total % 11))


def credit_check(first17: str) -> str:
    total = sum(ALPHABET.index(c) * (3**i % 31) for i, c in enumerate(first17))
    return ALPHABET[(31 - total % 31) % 31]


def make_credit_code(prefix8: str, org8: str) -> str:
    """A valid code from the first 8 characters and the 8-character organization code body."""
    first17 = prefix8 + org8 + org_check(org8)
    return first17 + credit_check(first17)


def make_id(first17: str) -> str:
    return first17 + id_check(first17)


# --- 居民身份证号码 -----------------------------------------------------------------------


def test_weight_tables_match_the_standards() -> None:
    # GB 11643 and GB 32100 print these weight rows; the helpers derive them from 2^i and 3^i.
    # fmt: off
    assert [2 ** (17 - i) % 11 for i in range(17)] == [
        7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2,
    ]
    assert [3**i % 31 for i in range(17)] == [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ]
    # fmt: on


def test_id_number_standard_example_is_valid() -> None:
    # The worked example of GB 11643-1999.
    assert validate_id_number("11010519491231002X") == "11010519491231002X"


def test_id_number_normalizes_spaces_and_lowercase_x() -> None:
    assert validate_id_number(" 110105 19491231 002x ") == "11010519491231002X"


def test_id_number_accepts_full_width_digits() -> None:
    assert validate_id_number("１１０１０５１９４９１２３１００２Ｘ") == "11010519491231002X"


@pytest.mark.parametrize(
    "first17",
    ["44030420000229123", "50010319991231456", "21010219000101000", "11010121001231999"],
)
def test_generated_id_numbers_are_valid(first17: str) -> None:
    number = make_id(first17)
    assert validate_id_number(number) == number


def test_id_number_with_check_digit_zero_and_ten() -> None:
    zero = next(
        make_id(f"110105199001010{n:02d}")
        for n in range(100)
        if id_check(f"110105199001010{n:02d}") == "0"
    )
    ten = next(
        make_id(f"110105199001010{n:02d}")
        for n in range(100)
        if id_check(f"110105199001010{n:02d}") == "X"
    )
    assert validate_id_number(zero) == zero
    assert validate_id_number(ten.lower()) == ten


@pytest.mark.parametrize("wrong", ["0", "1", "9"])
def test_id_number_wrong_check_character(wrong: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_id_number("11010519491231002" + wrong)
    assert str(caught.value) == (
        f"id number 110105********002{wrong}: check character should be X (GB 11643-1999); "
        "check the number"
    )


@pytest.mark.parametrize("text", ["11010519491231002", "11010519491231002X1", "", "110105"])
def test_id_number_wrong_length(text: str) -> None:
    with pytest.raises(InvalidInput, match="has 18"):
        validate_id_number(text)


@pytest.mark.parametrize(
    "text", ["1101051949123100AX", "A1010519491231002X", "11010519491231002Y", "110105-9491231002X"]
)
def test_id_number_bad_characters(text: str) -> None:
    with pytest.raises(InvalidInput, match="17 digits followed by a digit or X"):
        validate_id_number(text)


@pytest.mark.parametrize(
    "first17",
    [
        "11010519490230002",  # 30 February
        "11010519491301002",  # month 13
        "11010518991231002",  # before 1900
        "11010521010101002",  # after 2100
        "11010520230229002",  # 2023 is not a leap year
    ],
)
def test_id_number_bad_birth_date(first17: str) -> None:
    with pytest.raises(InvalidInput, match="not a birth date"):
        validate_id_number(make_id(first17))


def test_id_number_leap_day_birth_is_valid() -> None:
    number = make_id("11010520000229002")
    assert validate_id_number(number) == number


def test_mask_id_number() -> None:
    assert mask_id_number("11010519491231002X") == "110105********002X"


def test_mask_id_number_refuses_wrong_length() -> None:
    with pytest.raises(InvalidInput, match="expected 18"):
        mask_id_number("1101051949123100")


# --- 统一社会信用代码 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "914403001922038216",  # 华为技术有限公司, widely published
        "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
        "53100000500019795A",  # 中国社会福利基金会 (foundation registered with 民政部)
    ],
)
def test_published_credit_codes_are_valid(code: str) -> None:
    assert validate_credit_code(code) == code


@pytest.mark.parametrize(
    ("prefix8", "org8"),
    [
        ("51500103", "MJ123456"),  # 社会团体 registered in Chongqing (民政 assigned MJ codes)
        ("52500000", "MJ0A1B2C"),
        ("53500000", "50001234"),
        ("91110000", "HJKLMNPQ"),
        ("Y1500000", "00000000"),
    ],
)
def test_generated_credit_codes_are_valid(prefix8: str, org8: str) -> None:
    code = make_credit_code(prefix8, org8)
    assert validate_credit_code(code) == code
    assert validate_credit_code(" " + code.lower() + " ") == code


def test_credit_code_helper_produces_both_special_org_check_values() -> None:
    # Covers the 10 -> X and 11 -> 0 branches of GB 11714 through the module.
    found = {"X": "", "0": ""}
    for n in range(10000):
        body = f"MJ{n:06d}"
        check = org_check(body)
        if check in found and not found[check]:
            found[check] = make_credit_code("51500000", body)
    assert all(found.values())
    for code in found.values():
        assert validate_credit_code(code) == code
    assert found["X"][16] == "X"
    assert found["0"][16] == "0"


def test_credit_code_wrong_organization_check_character() -> None:
    good = make_credit_code("51500103", "MJ123456")
    org = good[16]
    wrong_org = "1" if org != "1" else "2"
    # Recompute the 18th character so only the GB 11714 check is wrong.
    first17 = good[:16] + wrong_org
    code = first17 + credit_check(first17)
    with pytest.raises(InvalidInput) as caught:
        validate_credit_code(code)
    assert str(caught.value) == (
        f"credit code {code}: character 17 (organization code check) should be {org} "
        "(GB 11714); check the code"
    )


def test_credit_code_wrong_final_check_character() -> None:
    good = "914403001922038216"
    code = good[:17] + "7"
    with pytest.raises(InvalidInput) as caught:
        validate_credit_code(code)
    assert str(caught.value) == (
        f"credit code {code}: check character 18 should be 6 (GB 32100-2015); check the code"
    )


@pytest.mark.parametrize("text", ["91440300192203821", "9144030019220382166", ""])
def test_credit_code_wrong_length(text: str) -> None:
    with pytest.raises(InvalidInput, match="has 18"):
        validate_credit_code(text)


@pytest.mark.parametrize("bad", ["I", "O", "Z", "S", "V", "-", "中"])
def test_credit_code_bad_characters(bad: str) -> None:
    code = "9144030019220382" + bad + "6"
    with pytest.raises(InvalidInput, match="not allowed") as caught:
        validate_credit_code(code)
    assert bad in str(caught.value)


# --- e-mail ---------------------------------------------------------------------------------


def test_email_valid_is_stripped_and_normalized() -> None:
    assert validate_email("  zhang.san@MZJ.cq.gov.cn ") == "zhang.san@mzj.cq.gov.cn"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "must not be empty"),
        ("zhang san@mzj.gov.cn", "invalid characters before the @-sign"),
        ("zhang.mzj.gov.cn", "must have an @-sign"),
        ("a@b@mzj.gov.cn", "invalid characters: .@."),
        ("@mzj.gov.cn", "something before the @-sign"),
        ("zhang@localhost", "not valid. It should have a period"),
        ("zhang@.cn", "period"),
        ("zhang@mzj.", "period"),
        # Issue 9: accepted before email-validator was used.
        ("a,b@x.cn", "invalid characters before the @-sign"),
        ("p;evil@x.cn", "invalid characters before the @-sign"),
        ("zhang<evil@attacker.cn>", "display name and angle brackets"),
        ("zh\x1bang@x.cn", "control character"),
        ("zh\x7fang@x.cn", "control character"),
        ("zhang@x.cn\r\nBcc: evil@attacker.cn", "control character"),
    ],
)
def test_email_refusals(text: str, problem: str) -> None:
    with pytest.raises(InvalidInput, match=problem):
        validate_email(text)
