"""``supervise report …`` through the command line, and its HTML page in a real Chromium."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from supervise.office import Office
from tests.reports.browser import CHROMIUM, open_page
from tests.reports.dataset import REPORT_AT, build

AT = REPORT_AT + ":00+08:00"


def run(db_url: str, *args: str) -> Result:
    from supervise.cli import cli

    return CliRunner().invoke(
        cli,
        ["--db", db_url, "--as", "wang", *args],
        env={"SUPERVISE_NOW": AT, "SUPERVISE_CONFIG": None, "SUPERVISE_DB": None},
        catch_exceptions=False,
    )


def test_report_cases_prints_aligned_tables(office: Office, db_url: str) -> None:
    build(office)
    result = run(db_url, "report", "cases", "--from", "2026-11-01")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    header = lines.index("各区县案件 cases by state and district")
    assert lines[header + 1 : header + 6] == [
        "区县    合计  任职  约谈已安排  已警告  已离任",
        "------  ----  ----  ----------  ------  ------",
        "渝中区     4     1           1       1       1",
        "渝北区     2     0           0       0       2",
        "合计       6     1           1       1       3",
    ]
    assert "逾期期限 overdue deadlines: 2" in lines
    assert any("median days from interview to closure: 16.5" in line for line in lines)
    assert "文书未按期送达 notices not served in time: 2" in lines


def test_report_cases_json_has_english_keys(office: Office, db_url: str) -> None:
    build(office)
    result = run(db_url, "report", "cases", "--from", "2026-11-01", "--json")
    data = json.loads(result.stdout)
    assert data["report"] == "cases" and data["cases_total"] == 6
    assert data["closures"]["median_days_interview_to_closure"] == 16.5
    assert data["states"][0] == {"state": "appointed", "state_zh": "任职", "count": 1}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-13-01"], "Error: --from '2026-13-01' is not a real calendar date"),
        (["--from", "2026-12-01", "--to", "2026-11-01"], "Error: --from 2026-12-01 is after"),
        (["--to", "1900-01-01"], "Error: --to 1900-01-01 is outside the plausible range"),
        (["--html", "/nonexistent/dir/r.html"], "Error: cannot write /nonexistent/dir/r.html"),
    ],
)
def test_report_cases_refuses_in_one_line(db_url: str, args: list[str], message: str) -> None:
    result = run(db_url, "report", "cases", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(message), result.stderr


def test_a_refusal_with_json_is_one_json_object(db_url: str) -> None:
    result = run(db_url, "report", "cases", "--from", "x", "--json")
    assert result.exit_code == 2
    assert json.loads(result.stderr)["error"] == "invalid"


needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")


@needs_chromium
def test_the_browser_check_sees_requests_and_errors(tmp_path: Path) -> None:
    """The check below can fail: a page that fetches and logs is caught."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><img src="http://198.51.100.7/x.png"><script>console.error("boom")'
        "</script><p class=shortfall style=display:none>hidden</p>",
        encoding="utf-8",
    )
    visit = open_page(page, ".shortfall")
    assert "http://198.51.100.7/x.png" in visit.requests
    assert visit.console == ["error: boom"]
    assert visit.visible == []


@needs_chromium
def test_the_cases_page_is_self_contained_and_shows_its_shortfalls(
    office: Office, db_url: str, tmp_path: Path
) -> None:
    build(office)
    page = tmp_path / "案件统计.html"
    result = run(db_url, "report", "cases", "--from", "2026-11-01", "--html", str(page))
    assert result.exit_code == 0, result.stderr
    visit = open_page(page, ".shortfall, tr.short, .card.bad")
    assert visit.requests == [page.resolve().as_uri()]
    assert visit.console == [] and visit.errors == []
    assert "▲ 以下期限已逾期，需要处理：" in visit.visible
    assert "▲ 未在送达期限内送达的文书：" in visit.visible
    assert any(text.startswith("逾期期限") for text in visit.visible)
    assert visit.screenshot.startswith(b"\x89PNG")
