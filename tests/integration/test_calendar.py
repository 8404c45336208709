"""Provisional deadlines in unannounced years, and their recomputation when a year loads."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from supervise.errors import InvalidInput
from supervise.office import Office
from supervise.story import serve_all
from tests.conftest import MakeOffice, open_case
from tests.integration.helpers import advance

SCHEDULE_2027 = """\
year: 2027
source: 国办发明电〔2026〕99号（测试用）
holidays: [2027-01-01, 2027-02-05, 2027-02-08, 2027-02-09, 2027-02-10, 2027-02-11, 2027-02-12]
workdays: [2027-02-06, 2027-02-20]
"""


def test_loading_a_year_recomputes_provisional_deadlines(
    make_office: MakeOffice, tmp_path: Path
) -> None:
    office = make_office(now="2026-12-28T09:00:00+08:00")
    case_id = open_case(office)
    advance(office, case_id, "propose_ban")
    serve_all(office, case_id, date(2026, 12, 28))
    shown = {d.kind: d for d in office.case(case_id).deadlines}
    # Mon 28 Dec + 5 working days: 29, 30, 31 Dec, then 2027 (provisional): 1 Jan is a
    # statutory holiday, so Mon 4 and Tue 5 Jan.
    assert (shown["hearing_request"].due, shown["hearing_request"].provisional) == (
        date(2027, 1, 5),
        True,
    )
    path = tmp_path / "2027.yaml"
    path.write_text(
        SCHEDULE_2027.replace("workdays: [2027-02-06", "workdays: [2027-01-02, 2027-02-06"),
        encoding="utf-8",
    )
    year, changes = office.load_calendar(path)
    assert year.official and "国办发明电" in year.source
    assert {(c.kind, c.old_due, c.new_due, c.provisional) for c in changes} >= {
        ("hearing_request", date(2027, 1, 5), date(2027, 1, 4), False)
    }
    after = {d.kind: d for d in office.case(case_id).deadlines}
    assert (after["hearing_request"].due, after["hearing_request"].provisional) == (
        date(2027, 1, 4),
        False,
    )
    entries = [h for h in office.case(case_id).history if h.event == "recompute_deadline"]
    reasons = sorted(h.reason or "" for h in entries)
    assert len(entries) == 2 and entries[0].by == "zhang"
    assert "(hearing_request) 2027-01-05 -> 2027-01-04" in reasons[1]
    assert "(decision) 2027-03-29 confirmed" in reasons[0]
    # Loading the same year again changes nothing more.
    _, again = office.load_calendar(path)
    assert again == []


def test_show_year(office: Office) -> None:
    official = office.calendar_year(2026)
    assert official.official and date(2026, 2, 14) in official.workdays
    provisional = office.calendar_year(2027)
    assert not provisional.official and provisional.workdays == []
    assert date(2027, 1, 1) in provisional.holidays


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("year: 2027\nsource: x\nholidays: []\nworkdays: []\nextra: 1\n", "extra"),
        ("year: 2027\nholidays: []\nworkdays: []\n", "source"),
        ("year: 2027\nsource: x\nholidays: [2028-01-01]\nworkdays: []\n", "2028-01-01"),
        ("year: [\n", "not valid YAML"),
    ],
)
def test_bad_schedules_are_refused(office: Office, tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput, match=message):
        office.load_calendar(path)
    assert office.calendar_year(2027).official is False
