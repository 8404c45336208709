"""Issue 10, item 9: a printable 送达回证 generated from the record (``notice receipt-form``),
as HTML and PDF: the document served (title, number, date), the recipient and the place, the
methods (the recorded one marked), the day, and lines for the recipient, the server and the
witnesses of a 留置送达."""

from __future__ import annotations

import subprocess
from datetime import date, time
from pathlib import Path

import pytest
from click.testing import CliRunner

import supervise
from supervise.cli import cli
from supervise.errors import NotAllowed, NotFound
from supervise.office import Office
from supervise.states import CaseState
from supervise.story import receipt_scan
from tests.conftest import NOW, TEST_ENV, MakeOffice, open_case
from tests.integration.helpers import advance, case_in
from tests.integration.test_review import flat, needs_pdftotext, notice_of

S = CaseState
LINES = ("受送达人签名或者盖章", "代收人签名及代收理由", "送达人签名", "见证人签名（留置送达）")


def _form(office: Office, notice: int, tmp_path: Path) -> tuple[str, str]:
    """The form's text from its HTML and from its PDF (pdftotext)."""
    html = flat(office.receipt_form(notice, "html").data.decode("utf-8"))
    path = tmp_path / f"receipt-{notice}.pdf"
    path.write_bytes(office.receipt_form(notice, "pdf").data)
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    )
    return html, flat(done.stdout).replace("样本", "")


@needs_pdftotext
def test_a_blank_form_before_service(office: Office, tmp_path: Path) -> None:
    case_id = open_case(office)
    advance(office, case_id, "propose_warning")
    notice = notice_of(office, case_id, "warning_prior_notice")
    [view] = [n for n in office.notices(case=case_id) if n.id == notice]
    org = office.case(case_id).organization
    html, pdf = _form(office, notice, tmp_path)
    assert f"《行政处罚事先告知书》（{view.number}），2026年11月27日" in html
    assert f"受送达人{org.name}" in html and "送达地点重庆市渝中区人民路1号" in html
    assert "送达机关重庆市民政局" in html
    assert "年月日时分" in html  # the day is left for the server to write
    # The PDF's cells come out of pdftotext one after another: each piece on its own.
    for text in (html, pdf):
        for piece in ("送达回证", "《行政处罚事先告知书》", view.number, org.name,
                      "重庆市渝中区人民路1号", "□直接送达", "□留置送达", "□邮寄送达",
                      "□电子送达", "□公告送达", *LINES):  # fmt: skip
            assert piece in text, piece
    assert "■" not in html + pdf
    # Printing the form changes nothing: no document, no service.
    assert [n.served_on for n in office.notices(case=case_id) if n.id == notice] == [None]


@needs_pdftotext
def test_the_form_shows_a_recorded_service(make_office: MakeOffice, tmp_path: Path) -> None:
    office = make_office()
    case_id = open_case(office, kind="foundation", charity=True)
    advance(office, case_id, "propose_ban", years=2)
    notice = notice_of(office, case_id, "ban_prior_notice")
    number = [n.number for n in office.notices(case=case_id) if n.id == notice][0]
    office.serve_notice(
        notice, method="lodged", on=date(2026, 11, 27), receipt=receipt_scan(number)
    )
    person = office.case(case_id).person
    html, pdf = _form(office, notice, tmp_path)
    # A ban's documents go to the person, at the person's address.
    assert f"受送达人{person.name}" in html and "送达地点重庆市渝中区民生路" in html
    assert "□直接送达■留置送达□邮寄送达" in html and "送达时间2026年11月27日" in html
    for piece in (person.name, "重庆市渝中区民生路", "■留置送达", "□直接送达", "2026年11月27日"):
        assert piece in pdf, piece


@needs_pdftotext
def test_a_hearing_on_a_replacement_is_served_on_the_organization(
    office: Office, tmp_path: Path
) -> None:
    case_id = case_in(office, S.WARNED)
    advance(office, case_id, "propose_replacement")
    for view in office.notices(case=case_id):
        if view.served_on is None:
            office.serve_notice(view.id, method="mail", on=date(2026, 11, 27))
    advance(office, case_id, "request_hearing", date=date(2026, 12, 15), time=time(9, 30))
    notice = notice_of(office, case_id, "hearing_notice")
    org = office.case(case_id).organization
    html, _ = _form(office, notice, tmp_path)
    assert f"受送达人{org.name}" in html


def test_refusals(office: Office) -> None:
    case_id = case_in(office, S.RECTIFYING)
    record = notice_of(office, case_id, "interview_record")
    with pytest.raises(NotAllowed, match="record signed on the spot"):
        office.receipt_form(record, "html")
    with pytest.raises(NotFound):
        office.receipt_form(9999, "html")
    superseded = case_in(office, S.INTERVIEW_SCHEDULED)
    first = notice_of(office, superseded, "interview_notice")
    advance(office, superseded, "reschedule_interview", date=date(2026, 12, 11))
    with pytest.raises(NotAllowed, match="superseded"):
        office.receipt_form(first, "html")


def test_the_command_line_writes_the_form(db_url: str, tmp_path: Path) -> None:
    with supervise.open(db_url, actor="zhang", now=NOW, environ=TEST_ENV) as office:
        case_id = open_case(office)
        advance(office, case_id, "propose_warning")
        notice = notice_of(office, case_id, "warning_prior_notice")
        record_case = case_in(office, S.RECTIFYING)
        record = notice_of(office, record_case, "interview_record")
    env = {"SUPERVISE_NOW": NOW.isoformat(), "SUPERVISE_DB": db_url, "SUPERVISE_USER": "zhang"}
    runner = CliRunner()
    out = tmp_path / "回证.html"
    done = runner.invoke(
        cli, ["notice", "receipt-form", str(notice), "--format", "html", "-o", str(out)], env=env
    )
    assert done.exit_code == 0, done.stderr
    assert "送达回证" in out.read_text("utf-8")
    for args, code, said in (
        (["notice", "receipt-form", str(record), "-o", str(tmp_path / "x.pdf")], 1, "no 送达回证"),
        (["notice", "receipt-form", "9999", "-o", str(tmp_path / "y.pdf")], 1, "9999"),
        (["notice", "receipt-form", str(notice), "--format", "doc", "-o", "z"], 2, "--format"),
        (
            ["notice", "receipt-form", str(notice), "-o", str(tmp_path / "no" / "z.pdf")],
            2,
            "no folder",
        ),
    ):
        result = runner.invoke(cli, args, env=env)
        assert result.exit_code == code, (args, result.stderr)
        assert said in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "y.pdf").exists()
    # A name too long for the file system is bad input, not a crash (found by the fuzzer).
    for command in ("receipt-form", "render"):
        result = runner.invoke(cli, ["notice", command, str(notice), "-o", "x" * 300], env=env)
        assert result.exit_code == 2 and "cannot write" in result.stderr, result.stderr
