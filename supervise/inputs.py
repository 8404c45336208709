"""What a person may type: one length limit per field, no control characters, plausible
dates and ids (domain layer, standard library only).

Every text a user gives (a name, a district, a reason, a judgment, a notice's content, who
is acting) passes :func:`text` before anything is read or written, so SQLite and
PostgreSQL refuse the same values with the same message: SQLite would store a 120 KB name
and PostgreSQL would fail on its VARCHAR, and control characters — ANSI and OSC escape
sequences, BEL, CR/LF, bidirectional overrides — could forge lines in a listing. Stored text
is printed through :func:`printable`, which shows any control character as an escape.

Ids are whole numbers that fit the ``integer`` columns of both databases; dates must lie in
the configured plausible range (``dates`` in the configuration).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from supervise.errors import InvalidInput
from supervise.redact import id_check_char, quoted

# -- one limit per field (characters; the ORM's column lengths are at least these) --------

PERSON_NAME = 100
ORG_NAME = 200
DISTRICT = 100
TOWNSHIP = 100
EMAIL = 254
USER_NAME = 100
ACTOR = 100
ROLE = 50
QUALIFICATION = 50
JUDGMENT = 200
COURT = 200
ADDRESS = 200
REFERENCE = 200
REASON = 2000
CONSENT = 500
BASIS_KEY = 50
EVENT_NAME = 40
SEARCH = 100
NOTICE_FIELD = 4000
CALENDAR_SOURCE = 500
INSTITUTION = 200
CONTRACT_TITLE = 200
SERVICE = 50

#: Which stored column each limit protects (tests/unit/test_inputs.py compares them with
#: the ORM, so a limit can never exceed its column).
COLUMN_LIMITS: dict[tuple[str, str], int] = {
    ("persons", "name"): PERSON_NAME,
    ("persons", "email"): EMAIL,
    ("organizations", "name"): ORG_NAME,
    ("organizations", "district"): DISTRICT,
    ("organizations", "township"): TOWNSHIP,
    ("organizations", "email"): EMAIL,
    ("users", "name"): USER_NAME,
    ("users", "email"): EMAIL,
    ("users", "qualification"): QUALIFICATION,
    ("audit", "by"): ACTOR,
    ("history", "by"): ACTOR,
    ("edits", "by"): ACTOR,
    ("cases", "role"): ROLE,
    ("cases", "supervisor"): USER_NAME,
    ("bans", "judgment"): JUDGMENT,
    ("bans", "court"): COURT,
    ("bans", "end_reference"): REFERENCE,
    ("organizations", "address"): ADDRESS,
    ("organizations", "legal_representative"): PERSON_NAME,
    ("persons", "address"): ADDRESS,
    ("bans", "basis"): BASIS_KEY,
    ("history", "basis"): BASIS_KEY,
    ("history", "event"): EVENT_NAME,
    ("notice_services", "by"): ACTOR,
    ("calendar_years", "loaded_by"): ACTOR,
    ("areas", "district"): DISTRICT,
    ("areas", "township"): TOWNSHIP,
    ("areas", "loaded_by"): ACTOR,
    ("institution_links", "institution"): INSTITUTION,
    ("institution_links", "district"): DISTRICT,
    ("institution_links", "linked_by"): ACTOR,
    ("institution_links", "unlinked_by"): ACTOR,
    ("org_history", "by"): ACTOR,
    ("org_history", "event"): EVENT_NAME,
    ("contracts", "title"): CONTRACT_TITLE,
    ("contracts", "created_by"): ACTOR,
    ("evaluations", "by"): ACTOR,
}

#: Ids are ``integer`` columns: 32 bits on PostgreSQL, so the same bound on SQLite.
MAX_ID = 2**31 - 1

#: The largest file each kind of input may be (bytes): /dev/zero must not fill memory.
FILE_LIMITS: dict[str, int] = {
    "--details": 64 * 1024,
    "calendar file": 64 * 1024,
    "config file": 1024 * 1024,
    "--receipt": 50 * 1024 * 1024,
    "notice file": 50 * 1024 * 1024,
    "area file": 10 * 1024 * 1024,
    "scores file": 256 * 1024,
    # `supervise import`: a register of tens of thousands of rows is a few MB.
    "import file": 64 * 1024 * 1024,
}

# Unicode categories refused in text: controls (C0, DEL, C1: ESC, BEL, CR, LF, TAB),
# format characters (bidirectional overrides and isolates, zero-width marks), surrogates
# (undecodable bytes smuggled through the command line) and line/paragraph separators.
_REFUSED = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def _refused(char: str, multiline: bool) -> bool:
    if multiline and char == "\n":
        return False
    return unicodedata.category(char) in _REFUSED


def control_characters(value: str, multiline: bool = False) -> list[str]:
    """The refused characters in ``value``, as escapes (``\\x1b``, ``\\u202e``)."""
    if value.isprintable():
        # The usual case, decided in C: printable text holds no character of the refused
        # categories (str.isprintable is False for every Cc, Cf, Cs, Zl and Zp character).
        return []
    found: list[str] = []
    for char in value:
        if _refused(char, multiline):
            shown = char.encode("unicode_escape").decode("ascii")
            if shown not in found:
                found.append(shown)
    return found


def text(
    value: str,
    what: str,
    limit: int,
    *,
    multiline: bool = False,
    blank_ok: bool = False,
) -> str:
    """``value`` stripped, or ``InvalidInput`` naming ``what`` and saying what to do.

    Refuses control characters (``multiline`` lets line feeds through, for a notice's
    paragraphs), more than ``limit`` characters, a blank value (unless ``blank_ok``) and
    a full 居民身份证号码 inside the text: ID numbers live only in a person's record,
    which shows them masked.
    """
    if not isinstance(value, str):
        raise InvalidInput(f"{what} must be text, got {type(value).__name__}")
    bad = control_characters(value, multiline)
    if bad:
        raise InvalidInput(
            f"{what} contains control character(s) {' '.join(bad[:5])} "
            "(escape sequences, line breaks or direction overrides); type it as plain text"
        )
    clean = value.strip()
    if len(clean) > limit:
        raise InvalidInput(
            f"{what} has {len(clean)} characters; at most {limit} are allowed, shorten it"
        )
    if not clean and not blank_ok:
        raise InvalidInput(f"{what} must not be empty or blank; give a value")
    if holds_id_number(clean):
        raise InvalidInput(
            f"{what} contains a full 居民身份证号码; ID numbers are kept only in the "
            "person's record: write it masked (e.g. 500103********0016)"
        )
    return clean


def optional_text(
    value: str | None, what: str, limit: int, *, multiline: bool = False
) -> str | None:
    """:func:`text` for an optional value: None stays None."""
    return None if value is None else text(value, what, limit, multiline=multiline)


_ID_RUN = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")


def holds_id_number(value: str) -> bool:
    """Whether ``value`` contains an 18-character run that is a valid ID number."""
    # NFKC: full-width digits typed with a Chinese input method are digits too.
    compact = unicodedata.normalize("NFKC", value)
    return any(_valid_id(m.group(0)) for m in _ID_RUN.finditer(compact))


def _valid_id(run: str) -> bool:
    if id_check_char(run[:17]) != run[17].upper():
        return False
    try:
        date(int(run[6:10]), int(run[10:12]), int(run[12:14]))
    except ValueError:
        return False
    return True


def printable(value: object) -> str:
    """Stored text as the terminal shows it: control characters as visible escapes."""
    shown = str(value)
    # Decided in C for the usual text (see control_characters); a listing prints thousands.
    if shown.isprintable() or not any(_refused(c, False) for c in shown):
        return shown
    return "".join(
        c.encode("unicode_escape").decode("ascii") if _refused(c, False) else c for c in shown
    )


# -- ids --------------------------------------------------------------------------------


def record_id(value: int, what: str) -> int:
    """An id as both databases can hold it, or ``InvalidInput`` naming the input."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{what} {quoted(value)} is not an id; give a whole number")
    if not 1 <= value <= MAX_ID:
        raise InvalidInput(
            f"{what} {quoted(value, 40)} is not an id (ids run from 1 to {MAX_ID}); "
            "check the number"
        )
    return value


def optional_id(value: int | None, what: str) -> int | None:
    return None if value is None else record_id(value, what)


# -- dates ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DateRange:
    """The days a supervision office can plausibly mean (``dates`` in the configuration)."""

    earliest: date
    latest: date
    #: How far ahead an interview or hearing may be scheduled.
    ahead_days: int = 366

    @classmethod
    def of_years(cls, earliest_year: int, latest_year: int, ahead_days: int = 366) -> DateRange:
        return cls(date(earliest_year, 1, 1), date(latest_year, 12, 31), ahead_days)

    def day(self, value: date, what: str) -> date:
        """``value``, or ``InvalidInput`` naming ``what`` when it is implausible."""
        plain = value.date() if isinstance(value, datetime) else value
        if not self.earliest <= plain <= self.latest:
            raise InvalidInput(
                f"{what} {plain.isoformat()} is outside the plausible range "
                f"{self.earliest.isoformat()} to {self.latest.isoformat()} (setting "
                "dates.earliest_year/latest_year); check the date"
            )
        return value

    def optional_day(self, value: date | None, what: str) -> date | None:
        return None if value is None else self.day(value, what)

    def moment(self, value: datetime, what: str) -> datetime:
        self.day(value.date(), what)
        return value

    def year(self, value: int, what: str) -> int:
        if not self.earliest.year <= value <= self.latest.year:
            raise InvalidInput(
                f"{what} {quoted(value, 40)} is outside the plausible years "
                f"{self.earliest.year}-{self.latest.year} (setting "
                "dates.earliest_year/latest_year); check the year"
            )
        return value

    def not_too_far(self, value: date, today: date, what: str) -> date:
        """A scheduled day no more than ``ahead_days`` after ``today``."""
        if value > today + timedelta(days=self.ahead_days):
            raise InvalidInput(
                f"{what} {value.isoformat()} is more than {self.ahead_days} days after "
                f"{today.isoformat()} (setting dates.ahead_days); check the date"
            )
        return value


#: The range tests and the library use when no configuration says otherwise.
DEFAULT_DATES = DateRange.of_years(1979, 2100)
