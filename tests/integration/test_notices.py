"""Notices as part of the record: created with their transition, numbered, frozen, served."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, text

from supervise.errors import InvalidInput, NotAllowed
from supervise.office import Office
from supervise.states import CaseState
from supervise.story import DETAILS, receipt_scan, serve_all
from tests.conftest import MakeOffice, open_case
from tests.integration.helpers import advance, case_in, kinds, write_lock

S = CaseState
NOW = "2026-11-27T10:00:00+08:00"


def test_each_event_makes_its_notices_with_sequential_numbers(office: Office) -> None:
    first = case_in(office, S.RECTIFYING)
    second = case_in(office, S.INTERVIEW_SCHEDULED)
    listed = [(n.case, n.type, n.number) for n in office.notices()]
    assert listed == [
        (first, "interview_notice", "渝民社约〔2026〕1号"),
        (first, "interview_record", "渝民社约记〔2026〕1号"),
        (first, "rectification_order", "渝民社整改〔2026〕1号"),
        (second, "interview_notice", "渝民社约〔2026〕2号"),
    ]


def test_numbers_follow_the_decision_year_and_an_office_pattern(
    make_office: MakeOffice, tmp_path: Path
) -> None:
    config = tmp_path / "office.yaml"
    config.write_text(
        'notices:\n  numbers:\n    warning_prior_notice: "渝民罚告字〔{year}〕第{seq}号"\n',
        encoding="utf-8",
    )
    late_2026 = make_office(now="2026-12-31T17:00:00+08:00", config=config)
    advance(late_2026, open_case(late_2026), "propose_warning")
    early_2027 = make_office(now="2027-01-04T09:00:00+08:00", config=config)
    advance(early_2027, open_case(early_2027), "propose_warning")
    advance(early_2027, open_case(early_2027), "propose_warning")
    assert [n.number for n in early_2027.notices()] == [
        "渝民罚告字〔2026〕第1号",
        "渝民罚告字〔2027〕第1号",
        "渝民罚告字〔2027〕第2号",
    ]


def test_a_bad_number_pattern_is_refused(make_office: MakeOffice, tmp_path: Path) -> None:
    from supervise.config import load_settings
    from supervise.errors import ConfigError

    config = tmp_path / "office.yaml"
    config.write_text('notices:\n  numbers:\n    warning_decision: "罚决〔{year}〕"\n', "utf-8")
    with pytest.raises(ConfigError, match="notices.numbers.warning_decision"):
        load_settings(config, environ={})


def test_notice_is_frozen_and_reproducible(office: Office, tmp_path: Path) -> None:
    case_id = case_in(office, S.WARNING_PROPOSED)
    [notice] = office.notices(case=case_id)
    org_id = office.case(case_id).organization.id
    html = office.render_notice(notice.id, "html").data.decode("utf-8")
    assert "测试组织" in html and notice.number in html
    office.edit_org(org_id, name="改名后的组织")
    again = office.render_notice(notice.id, "html").data.decode("utf-8")
    assert again == html and "改名后的组织" not in again
    path = tmp_path / "n.html"
    path.write_text(html, encoding="utf-8")
    assert office.verify_notice(notice.id, path)
    path.write_text(html.replace("测试组织", "别的组织"), encoding="utf-8")
    assert not office.verify_notice(notice.id, path)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_decision_pdf_through_the_engine(office: Office, tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    from supervise.notices.glyphs import missing_glyphs

    case_id = case_in(office, S.WARNED)
    decision = next(n for n in office.notices(case=case_id) if n.type == "warning_decision")
    first = office.render_notice(decision.id, "pdf")
    assert first.first and first.data.startswith(b"%PDF")
    path = tmp_path / "decision.pdf"
    path.write_bytes(first.data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    compact = "".join(text.split())
    name = office.case(case_id).organization.name
    assert name in compact and decision.number in compact
    assert "社会团体登记管理条例" in compact and "行政复议" in compact
    assert missing_glyphs(first.data, name + decision.number + "警告决定书") == set()
    second = office.render_notice(decision.id, "pdf")
    assert not second.first and second.data == first.data
    assert office.verify_notice(decision.id, path)


def test_windows_wait_for_service_and_start_on_it(office: Office) -> None:
    case_id = case_in(office, S.WARNING_PROPOSED)
    shown = office.case(case_id)
    window = next(d for d in shown.deadlines if d.kind == "defence_window")
    assert window.waiting
    [notice] = office.notices(case=case_id)
    served = office.serve_notice(notice.id, method="mail", on=date(2026, 11, 27))
    view, started = served.notice, served.windows
    # Served Fri 27 Nov + 3 working days: Wed 2 Dec.
    assert started == [("defence_window", date(2026, 12, 2))]
    assert view.served_on == date(2026, 11, 27)
    assert kinds(office, case_id) == ["defence_window", "decision"]  # the service duty is done
    history = office.case(case_id).history[-1]
    assert history.event == "serve_notice" and notice.number in (history.reason or "")


def test_serving_again_moves_the_window(make_office: MakeOffice) -> None:
    office = make_office(now="2026-12-04T10:00:00+08:00")
    case_id = open_case(office)
    advance(office, case_id, "propose_ban", at=None)
    [notice] = office.notices(case=case_id)
    office_later = make_office(now="2026-12-10T10:00:00+08:00")
    office_later.serve_notice(notice.id, method="mail", on=date(2026, 12, 4))
    started = office_later.serve_notice(
        notice.id, method="direct", on=date(2026, 12, 9), receipt=receipt_scan(notice.number)
    ).windows
    assert started == [("hearing_request", date(2026, 12, 16))]
    reasons = [h.reason or "" for h in office_later.case(case_id).history]
    assert "served again" in reasons[-1] and "first service 2026-12-04" in reasons[-1]


def test_public_notice_counts_after_thirty_days(office: Office) -> None:
    case_id = case_in(office, S.BAN_PROPOSED)
    [notice] = office.notices(case=case_id)
    served = office.serve_notice(notice.id, method="public", on=date(2026, 11, 27))
    view, started = served.notice, served.windows
    assert view.served_on == date(2026, 12, 27)
    # 27 Dec (Sun) + 5 working days: 28, 29, 30, 31 Dec, then 4 Jan 2027 (provisional year).
    assert started == [("hearing_request", date(2027, 1, 4))]


@pytest.mark.parametrize(
    ("method", "on", "consent", "error", "fragment"),
    [
        ("electronic", date(2026, 11, 27), None, InvalidInput, "consent"),
        ("direct", date(2026, 11, 27), None, InvalidInput, "proved by the signed 送达回证"),
        ("lodged", date(2026, 11, 27), None, InvalidInput, "--no-receipt --reason"),
        ("mail", date(2026, 11, 28), None, InvalidInput, "in the future"),
        ("mail", date(2026, 11, 20), None, InvalidInput, "before the notice was issued"),
        ("fax", date(2026, 11, 27), None, InvalidInput, "unknown method"),
    ],
)
def test_service_refusals_change_nothing(
    office: Office, method: str, on: date, consent: str | None, error: type, fragment: str
) -> None:
    case_id = case_in(office, S.WARNING_PROPOSED)
    [notice] = office.notices(case=case_id)
    before = office.case(case_id)
    with pytest.raises(error, match=fragment):
        office.serve_notice(notice.id, method=method, on=on, consent=consent)
    assert office.case(case_id) == before
    assert office.notices(case=case_id)[0].served_on is None


def test_records_and_superseded_notices_are_not_served(office: Office) -> None:
    case_id = case_in(office, S.RECTIFYING)
    record = next(n for n in office.notices(case=case_id) if n.type == "interview_record")
    with pytest.raises(NotAllowed, match="record"):
        office.serve_notice(record.id, method="mail", on=date(2026, 11, 27))
    other = case_in(office, S.INTERVIEW_SCHEDULED)
    advance(office, other, "reschedule_interview", date=date(2026, 12, 11))
    old, new = office.notices(case=other)
    assert (old.status, new.status) == ("superseded", "active")
    with pytest.raises(NotAllowed, match="superseded"):
        office.serve_notice(old.id, method="mail", on=date(2026, 11, 27))


def test_an_unserved_decision_becomes_overdue(make_office: MakeOffice) -> None:
    office = make_office()
    case_id = case_in(office, S.WARNED)
    service = next(d for d in office.case(case_id).deadlines if d.kind == "service")
    assert service.due == date(2026, 12, 8)  # 7 working days (Art. 61)
    assert list(make_office(now="2026-12-08T20:00:00+08:00").cases(overdue=True)) == []
    late = make_office(now="2026-12-09T09:00:00+08:00")
    assert [c.id for c in late.cases(overdue=True)] == [case_id]
    serve_all(late, case_id, date(2026, 12, 9))
    assert list(late.cases(overdue=True)) == []


def test_details_are_checked_by_name(office: Office) -> None:
    case_id = case_in(office, S.APPOINTED)
    with pytest.raises(InvalidInput, match="does not take details field.*colour"):
        office.advance(
            case_id,
            "propose_warning",
            details={**DETAILS["propose_warning"], "colour": "red"},
        )
    with pytest.raises(InvalidInput, match="needs details field.*evidence"):
        office.advance(case_id, "propose_warning", details={"facts": "x"})
    with pytest.raises(InvalidInput, match="produces no notice"):
        office.advance(case_id, "leave", reason="r", details={"facts": "x"})
    assert office.case(case_id).state is S.APPOINTED
    assert office.notices(case=case_id) == []


def test_office_templates_override_the_packaged_ones(
    make_office: MakeOffice, tmp_path: Path
) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "interview_notice.html").write_text(
        "<p>本局特制约谈通知 {{ notice.number }} {{ organization.name }}</p>", encoding="utf-8"
    )
    config = tmp_path / "office.yaml"
    config.write_text(f"notices:\n  template_dir: {folder}\n", encoding="utf-8")
    office = make_office(config=config)
    case_id = case_in(office, S.INTERVIEW_SCHEDULED)
    [notice] = office.notices(case=case_id)
    html = office.render_notice(notice.id, "html").data.decode("utf-8")
    assert html.startswith("<p>本局特制约谈通知 渝民社约〔2026〕1号")


def test_cascaded_and_court_events_make_no_notice(office: Office) -> None:
    case_id = open_case(office)
    advance(
        office,
        case_id,
        "record_court_ban",
        judgment="J",
        court="重庆市渝中区人民法院",
        start=date(2026, 11, 1),
        until=date(2030, 10, 31),
    )
    assert office.notices(case=case_id) == []


@contextmanager
def sequence_lock(db_url: str, notice_type: str, year: int) -> Iterator[None]:
    """Hold the numbering lock (SQLite: the write lock; PostgreSQL: the sequence row)."""
    if db_url.startswith("sqlite"):
        with write_lock(db_url, "cases", 0):
            yield
        return
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO number_sequences (type, year, last) VALUES (:t, :y, 0)"),
            {"t": notice_type, "y": year},
        )
    with engine.connect() as conn:
        trans = conn.begin()
        conn.execute(
            text("SELECT last FROM number_sequences WHERE type = :t AND year = :y FOR UPDATE"),
            {"t": notice_type, "y": year},
        )
        try:
            yield
        finally:
            trans.rollback()
    engine.dispose()


def test_concurrent_issuers_never_share_or_skip_a_number(
    make_office: MakeOffice, db_url: str, tmp_path: Path
) -> None:
    office = make_office()
    ids = [open_case(office) for _ in range(4)]
    details = tmp_path / "warning.yaml"
    details.write_text(
        yaml.safe_dump(DETAILS["propose_warning"], allow_unicode=True), encoding="utf-8"
    )
    env = {**os.environ, "SUPERVISE_NOW": NOW, "SUPERVISE_DB": db_url}
    env.pop("SUPERVISE_CONFIG", None)
    with sequence_lock(db_url, "warning_prior_notice", 2026):
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "supervise",
                    "case",
                    "advance",
                    str(case_id),
                    "propose_warning",
                    "--details",
                    str(details),
                ],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for case_id in ids
        ]
        time.sleep(4)
        assert all(p.poll() is None for p in procs), "an issuer did not wait for the lock"
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], outputs
    numbers = sorted(n.number for n in office.notices())
    assert numbers == [f"渝民社罚告〔2026〕{i}号" for i in range(1, 5)]
    assert len({hashlib.sha256(n.encode()).hexdigest() for n in numbers}) == 4


def _html(office: Office, case_id: int, notice_type: str) -> str:
    notice = next(n for n in office.notices(case=case_id) if n.type == notice_type)
    return office.render_notice(notice.id, "html").data.decode("utf-8")


def test_documents_name_their_own_penalty_and_basis(office: Office) -> None:
    # shetuan-30 allows a warning and a replacement: each document names its own.
    case_id = case_in(office, S.REPLACEMENT_ORDERED)
    for notice_type in ("replacement_prior_notice", "replacement_order"):
        html = _html(office, case_id, notice_type)
        assert "责令撤换" in html and "：警告" not in html, notice_type
    assert "：警告" in _html(office, case_id, "warning_decision")
    heard = case_in(office, S.HEARING_SCHEDULED)
    assert "慈善法》第一百一十二条" in _html(office, heard, "hearing_notice")


def test_the_interview_record_counts_rectification_from_service(office: Office) -> None:
    case_id = case_in(office, S.RECTIFYING)
    # Each document names itself; the record (not served) points to the order that is.
    assert "自收到本通知书之日起三十日内" in _html(office, case_id, "rectification_order")
    record = _html(office, case_id, "interview_record")
    assert "自收到《责令整改通知书》之日起三十日内" in record
    assert "本文书" not in record


def test_types_sharing_a_pattern_share_one_series(make_office: MakeOffice, tmp_path: Path) -> None:
    config = tmp_path / "office.yaml"
    config.write_text(
        "notices:\n  numbers:\n"
        '    warning_decision: "渝民罚决字〔{year}〕第{seq}号"\n'
        '    replacement_order: "渝民罚决字〔{year}〕第{seq}号"\n',
        encoding="utf-8",
    )
    office = make_office(config=config)
    case_id = case_in(office, S.REPLACEMENT_ORDERED)
    numbers = {n.type: n.number for n in office.notices(case=case_id)}
    assert numbers["warning_decision"] == "渝民罚决字〔2026〕第1号"
    assert numbers["replacement_order"] == "渝民罚决字〔2026〕第2号"
