"""Syntactic checks for identifiers that supervisors type in by hand.

Covers the 18-character 居民身份证号码 (GB 11643-1999), the 统一社会信用代码 of an
organization (GB 32100-2015, whose characters 9-17 are a GB 11714 organization code with its
own check character) and e-mail addresses. Each validator returns the normalized value or
raises ``InvalidInput`` with a one-line message that says what was wrong and what to do.
Nothing here looks anything up: a well-formed number may still belong to nobody.
"""

from __future__ import annotations

import unicodedata
from datetime import date

from supervise import inputs
from supervise.errors import InvalidInput
from supervise.redact import id_check_char, quoted

__all__ = [
    "mask_id_number",
    "validate_credit_code",
    "validate_email",
    "validate_id_number",
]

_DIGITS = "0123456789"
_ID_CHECK_CHARS = "0123456789X"

_EARLIEST_BIRTH = date(1900, 1, 1)
_LATEST_BIRTH = date(2100, 12, 31)

# GB 32100-2015 alphabet: digits and capitals without I, O, Z, S, V (too easily misread).
_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_VALUES = {char: index for index, char in enumerate(_CREDIT_ALPHABET)}
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _compact(text: str) -> str:
    # NFKC turns full-width digits and letters (common with Chinese input methods) into ASCII,
    # and people often group long numbers with spaces when copying them from paper.
    return "".join(unicodedata.normalize("NFKC", text).split())


def _shown(number: str) -> str:
    # Error messages reach terminals and logs: never echo a whole ID number.
    return number[:6] + "*" * 8 + number[-4:]


def validate_id_number(text: str) -> str:
    """Return the normalized 18-character 居民身份证号码, or raise ``InvalidInput``."""
    number = _compact(text)
    if number.endswith("x"):
        number = number[:-1] + "X"
    if len(number) != 18:
        raise InvalidInput(
            f"id number: has {len(number)} characters, "
            "a 居民身份证号码 has 18 (GB 11643-1999); check the number"
        )
    if any(char not in _DIGITS for char in number[:17]) or number[17] not in _ID_CHECK_CHARS:
        raise InvalidInput(
            f"id number {_shown(number)}: must be 17 digits followed by a digit or X "
            "(GB 11643-1999); check the number"
        )
    birth_text = number[6:14]
    birth: date | None
    try:
        birth = date(int(birth_text[:4]), int(birth_text[4:6]), int(birth_text[6:]))
    except ValueError:
        birth = None
    if birth is None or not _EARLIEST_BIRTH <= birth <= _LATEST_BIRTH:
        raise InvalidInput(
            f"id number {_shown(number)}: characters 7-14 are not a birth date between "
            "1900-01-01 and 2100-12-31 (GB 11643-1999); check the number"
        )
    expected = id_check_char(number[:17])
    if number[17] != expected:
        raise InvalidInput(
            f"id number {_shown(number)}: check character should be {expected} (GB 11643-1999); "
            "check the number"
        )
    return number


def mask_id_number(number: str) -> str:
    """Show an id number as its first 6 and last 4 characters, e.g. ``110105********002X``."""
    compact = _compact(number)
    if len(compact) != 18:
        # Refuse rather than guess: masking a malformed value could leak most of it.
        raise InvalidInput(
            f"id number to mask has {len(compact)} characters, expected 18; "
            "validate the number first"
        )
    return compact[:6] + "*" * 8 + compact[-4:]


def _org_code_check_char(first8: str) -> str:
    """Return the GB 11714 organization-code check character for its first 8 characters."""
    total = sum(int(char, 36) * weight for char, weight in zip(first8, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    if value == 10:
        return "X"
    if value == 11:
        return "0"
    return str(value)


def _credit_check_char(first17: str) -> str:
    """Return the GB 32100-2015 check character for the first 17 characters of a code."""
    total = sum(
        _CREDIT_VALUES[char] * weight for char, weight in zip(first17, _CREDIT_WEIGHTS, strict=True)
    )
    return _CREDIT_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(text: str) -> str:
    """Return the normalized 统一社会信用代码, or raise ``InvalidInput``."""
    code = _compact(text).upper()
    if len(code) != 18:
        raise InvalidInput(
            f"credit code {code or repr(text)}: has {len(code)} characters, "
            "a 统一社会信用代码 has 18 (GB 32100-2015); check the code"
        )
    bad = sorted({char for char in code if char not in _CREDIT_VALUES})
    if bad:
        raise InvalidInput(
            f"credit code {code}: character(s) {' '.join(bad)} not allowed; only digits and "
            "capitals other than I, O, S, V, Z may appear (GB 32100-2015); check the code"
        )
    org_expected = _org_code_check_char(code[8:16])
    if code[16] != org_expected:
        raise InvalidInput(
            f"credit code {code}: character 17 (organization code check) should be "
            f"{org_expected} (GB 11714); check the code"
        )
    expected = _credit_check_char(code[:17])
    if code[17] != expected:
        raise InvalidInput(
            f"credit code {code}: check character 18 should be {expected} (GB 32100-2015); "
            "check the code"
        )
    return code


def validate_email(text: str) -> str:
    """Return the normalized e-mail address, or raise ``InvalidInput`` saying what is wrong.

    The syntax is checked by ``email-validator`` (RFC 5322/6531 as mail servers accept it:
    no display names, no lists, no quoting tricks, no control characters) without looking
    the domain up; the stored form is its normalization (the domain in lower case, Unicode
    in NFC).
    """
    from email_validator import EmailNotValidError
    from email_validator import validate_email as check_email

    address = inputs.text(text, "email", inputs.EMAIL)
    try:
        checked = check_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidInput(
            f"email {quoted(address, 80)}: {str(exc).rstrip('.')}; check the address"
        ) from None
    return str(checked.normalized)
