"""Render every HTML report of an example office and screenshot it under docs/examples/.

Builds a scratch SQLite database with the report tests' data set (``tests/reports/
dataset.py``) and some more cases in other districts, writes each report with
``supervise report … --html`` (a real subprocess), opens it in headless Chromium
(``tests/reports/browser.py``: no request may leave the page, no console error) and saves
a phone-sized screenshot as ``docs/examples/report-<name>.png``.

    .venv/bin/python scripts/render_reports.py

Needs Debian's ``chromium`` (``make`` installs it).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import supervise  # noqa: E402
from supervise.adapters.personal_data import DEVELOPMENT_KEY, KEY_ENV  # noqa: E402
from supervise.states import CaseState  # noqa: E402
from supervise.story import credit_code, drive_to, id_number, moment  # noqa: E402
from tests.conftest import NOW  # noqa: E402
from tests.reports.browser import open_page  # noqa: E402
from tests.reports.dataset import REPORT_AT, build  # noqa: E402

#: The PUBLIC development key (README): sample data only.
DEV_ENV = {KEY_ENV: DEVELOPMENT_KEY}

MORE = {
    "江北区": [CaseState.APPOINTED, CaseState.APPOINTED, CaseState.WARNING_PROPOSED],
    "沙坪坝区": [CaseState.APPOINTED, CaseState.RECTIFYING, CaseState.WARNED],
    "九龙坡区": [CaseState.APPOINTED, CaseState.BANNED],
}


def main() -> None:
    out = REPO / "docs" / "examples"
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{scratch}/example.db"
        with supervise.open(url, actor="wang", now=NOW, environ=DEV_ENV) as office:
            office.init()
            build(office)
            serial = 900
            for district, states in MORE.items():
                serial += 1
                org = office.add_org(
                    name=f"{district}某某儿童关爱服务中心", credit_code=credit_code(serial),
                    district=district, kind="social-group", charity=True,
                    address=f"重庆市{district}某路",
                ).id  # fmt: skip
                for state in states:
                    serial += 1
                    person = office.add_person(name="负责人", id_number=id_number(serial)).id
                    case = office.appoint(org=org, person=person, role="理事").id
                    drive_to(office, case, state)
            when = moment(office, REPORT_AT).isoformat()
        env = {**os.environ, "SUPERVISE_NOW": when, "SUPERVISE_USER": "wang"}
        env.pop("SUPERVISE_CONFIG", None)
        for name, args in {"cases": ["--from", "2026-11-01"]}.items():
            page = Path(scratch) / f"{name}.html"
            subprocess.run(
                [sys.executable, "-m", "supervise", "--db", url, "report", name, *args,
                 "--html", str(page)],
                check=True, env=env, stdout=subprocess.DEVNULL,
            )  # fmt: skip
            visit = open_page(page, ".shortfall")
            if visit.requests != [page.resolve().as_uri()] or visit.console or visit.errors:
                raise SystemExit(f"{name}: {visit}")
            target = out / f"report-{name}.png"
            target.write_bytes(visit.screenshot)
            print(f"{target.relative_to(REPO)}: {len(visit.screenshot)} bytes")


if __name__ == "__main__":
    main()
