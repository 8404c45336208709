"""``report cases`` on a data set whose figures are known by hand (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import create_engine, func, select, text

from supervise.adapters.orm import case_tallies, cases
from supervise.errors import InvalidInput
from supervise.office import Office
from supervise.story import moment
from tests.conftest import new_org, new_person
from tests.integration.test_advance_reads import statements
from tests.reports.dataset import PERIOD, REPORT_AT, build


def test_the_cases_report_gives_the_figures_counted_by_hand(office: Office) -> None:
    build(office)
    report = office.at(moment(office, REPORT_AT)).cases_report(start=PERIOD[0], end=PERIOD[1])
    data = report.as_json()
    assert data["period"] == {"from": "2026-11-01", "to": "2027-01-10"}
    assert data["cases_total"] == 6
    assert {row["district"]: row["states"] for row in data["by_district"]} == {
        "渝中区": {"appointed": 1, "warned": 1, "left": 1, "interview_scheduled": 1},
        "渝北区": {"left": 2},
    }
    assert [(s["state"], s["count"]) for s in data["states"]] == [
        ("appointed", 1), ("interview_scheduled", 1), ("warned", 1), ("left", 3),
    ]  # fmt: skip
    assert data["overdue_deadlines"]["total"] == 2
    assert [(r["district"], r["kind"], r["count"]) for r in data["overdue_deadlines"]["rows"]] == [
        ("渝中区", "interview", 1),
        ("渝中区", "service", 1),
    ]
    assert [(m["month"], m["warning"], m["total"]) for m in data["penalties_per_month"]] == [
        ("2026-11", 1, 1), ("2026-12", 0, 0), ("2027-01", 0, 0),
    ]  # fmt: skip
    assert data["closures"] == {
        "closed": 3,
        "closed_after_interview": 2,
        "median_days_interview_to_closure": 16.5,  # (10 + 23) / 2
    }
    notices = data["notices"]
    # c2: prior notice and decision; c4 and c5: interview notice and rectification order
    # each; c6: interview notice. The interview records are not served.
    assert notices["to_serve"] == 7
    assert notices["not_served_in_time"] == 2
    assert notices["by_district"] == [
        {"district": "渝中区", "to_serve": 5, "late": 2},
        {"district": "渝北区", "to_serve": 2, "late": 0},
    ]
    assert [(n["type"], n["due"], n["served_on"]) for n in notices["late"]] == [
        ("warning_decision", "2026-12-08", None),
        ("interview_notice", "2026-12-08", "2026-12-20"),
    ]


def test_a_district_director_sees_their_districts_only(office: Office) -> None:
    """Every figure of the report, narrowed: 渝北区 holds c3 (left at once) and c4 (left 23
    days after its interview); 渝中区 the others."""
    build(office)
    office.init(admin="root")
    office.add_user("zhang", role="director", actor="root")  # the user the data set acts as
    office.add_user("yb", role="director", districts=["渝北区"], actor="root")
    office.add_user("yz", role="supervisor", districts=["渝中区"], actor="root")
    later = office.at(moment(office, REPORT_AT))
    yb = later.cases_report(start=PERIOD[0], end=PERIOD[1], actor="yb").as_json()
    assert yb["scope"] == ["渝北区"]
    assert yb["cases_total"] == 2
    assert {row["district"]: row["states"] for row in yb["by_district"]} == {"渝北区": {"left": 2}}
    assert yb["overdue_deadlines"]["total"] == 0
    assert sum(m["total"] for m in yb["penalties_per_month"]) == 0
    assert yb["closures"] == {
        "closed": 2,
        "closed_after_interview": 1,
        "median_days_interview_to_closure": 23.0,
    }
    assert yb["notices"]["by_district"] == [{"district": "渝北区", "to_serve": 2, "late": 0}]
    assert yb["notices"]["late"] == []
    yz = later.cases_report(start=PERIOD[0], end=PERIOD[1], actor="yz").as_json()
    assert yz["scope"] == ["渝中区"] and yz["cases_total"] == 4
    assert [r["district"] for r in yz["overdue_deadlines"]["rows"]] == ["渝中区", "渝中区"]
    assert [m["warning"] for m in yz["penalties_per_month"]] == [1, 0, 0]
    assert yz["closures"]["closed"] == 1
    assert yz["closures"]["median_days_interview_to_closure"] == 10.0
    assert yz["notices"]["not_served_in_time"] == 2 and len(yz["notices"]["late"]) == 2
    everyone = later.cases_report(start=PERIOD[0], end=PERIOD[1], actor="zhang").as_json()
    assert everyone["scope"] is None and everyone["cases_total"] == 6


def test_the_period_narrows_the_flows_but_not_where_cases_stand(office: Office) -> None:
    build(office)
    later = office.at(moment(office, REPORT_AT))
    december = later.cases_report(start=date(2026, 12, 1), end=date(2026, 12, 31))
    assert december.as_json()["cases_total"] == 6
    assert [m.month for m in december.penalties] == ["2026-12"]
    assert sum(m.total for m in december.penalties) == 0
    # c4 and c5 left in December; c3 left in November.
    assert (december.closed, december.median_days_interview_to_closure) == (2, 16.5)
    assert december.notices == []
    only_c5 = later.cases_report(start=date(2026, 12, 7), end=date(2026, 12, 7))
    assert (only_c5.closed, only_c5.median_days_interview_to_closure) == (1, 10.0)


def test_the_default_period_is_the_twelve_months_up_to_today(office: Office) -> None:
    report = office.cases_report()
    assert (report.period.start, report.period.end) == (date(2025, 12, 1), date(2026, 11, 27))
    assert [m.month for m in report.penalties][:2] == ["2025-12", "2026-01"]
    assert len(report.penalties) == 12
    assert report.closed == 0 and report.median_days_interview_to_closure is None


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (date(2026, 12, 1), date(2026, 11, 1), "--from 2026-12-01 is after --to 2026-11-01"),
        (date(1900, 1, 1), None, "--from 1900-01-01 is outside the plausible range"),
        (None, date(9999, 1, 1), "--to 9999-01-01 is outside the plausible range"),
    ],
)
def test_an_implausible_period_is_refused(
    office: Office, start: date | None, end: date | None, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        office.cases_report(start=start, end=end)


def test_the_tallies_kept_by_triggers_match_the_cases(office: Office, db_url: str) -> None:
    """Inserts, state changes, a move to another organization and deletes all keep the
    per-organization counts equal to a count of the cases themselves."""
    build(office)
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            other = new_org(office, district="江北区")
            conn.execute(cases.update().where(cases.c.id == 1).values(organization_id=other))
            columns = ", ".join(c.name for c in cases.columns if c.name != "id")
            conn.execute(
                text(f"INSERT INTO cases (id, {columns}) SELECT 100, {columns} FROM cases "
                     "WHERE id = 2")
            )  # fmt: skip
        with engine.begin() as conn:
            assert conn.scalar(select(case_tallies.c.n).where(
                case_tallies.c.organization_id == 1, case_tallies.c.state == "warned"
            )) == 2  # fmt: skip
            conn.execute(text("DELETE FROM cases WHERE id = 100"))
        new_person(office, "王五")
        with engine.connect() as conn:
            counted = {
                (o, s.value): n
                for o, s, n in conn.execute(
                    select(cases.c.organization_id, cases.c.state, func.count()).group_by(
                        cases.c.organization_id, cases.c.state
                    )
                )
            }
            kept = {
                (o, s): n
                for o, s, n in conn.execute(select(case_tallies).where(case_tallies.c.n != 0))
            }
        assert kept == counted
        assert (other, "appointed") in kept
    finally:
        engine.dispose()


def test_the_report_is_planned_without_jit_on_postgresql(office: Office, db_url: str) -> None:
    """At a million cases PostgreSQL overestimated the open overdue deadlines a thousand
    times and spent 0.2-0.8 s compiling a 2 ms query (README, target 9)."""
    build(office)
    sent = statements(lambda: office.cases_report())
    jit = [s for s in sent if "jit" in s]
    # LOCAL: for the report's transaction only, not for the pooled connection after it.
    assert jit == (["SET LOCAL jit = off"] if db_url.startswith("postgresql") else []), sent


def test_a_user_limited_to_districts_reports_and_exports_those_only(office: Office) -> None:
    """Issue 11: a director held to 渝北区 gets that district's figures in ``report cases``
    and its cases in ``export cases``; the city-wide director gets the whole city."""
    build(office)
    office.add_user("root", role="admin")  # the first user: an empty directory checks nobody
    office.add_user("yb", role="director", districts=["渝北区"], actor="root")
    office.add_user("city", role="director", actor="root")
    later = office.at(moment(office, REPORT_AT))
    whole = later.cases_report(start=PERIOD[0], end=PERIOD[1], actor="city").as_json()
    assert whole["cases_total"] == 6 and whole["overdue_deadlines"]["total"] == 2
    data = later.cases_report(start=PERIOD[0], end=PERIOD[1], actor="yb").as_json()
    assert data["cases_total"] == 2
    assert [row["district"] for row in data["by_district"]] == ["渝北区"]
    assert [(s["state"], s["count"]) for s in data["states"]] == [("left", 2)]
    assert data["overdue_deadlines"]["total"] == 0
    assert [n["district"] for n in data["notices"]["by_district"]] == ["渝北区"]
    assert data["notices"]["to_serve"] == 2 and data["notices"]["late"] == []
    exported = later.export("cases", actor="yb")
    district = exported.columns.index("district")
    assert sorted(row[district] for row in exported.rows) == ["渝北区", "渝北区"]
    everything = later.export("cases", actor="city")
    assert len(list(everything.rows)) == 6
