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

import datetime
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
from tests.bureau.test_contracts import FAIL, GOOD, PASS, scores_file  # noqa: E402
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
            bureau(office, Path(scratch), serial)
            when = moment(office, REPORT_AT).isoformat()
        env = {**os.environ, "SUPERVISE_NOW": when, "SUPERVISE_USER": "wang"}
        env.pop("SUPERVISE_CONFIG", None)
        for name, args in {
            "cases": ["--from", "2026-11-01"],
            "coverage": [],
            "contracts": [],
        }.items():
            page = Path(scratch) / f"{name}.html"
            subprocess.run(
                [sys.executable, "-m", "supervise", "--db", url, "report", name, *args,
                 "--html", str(page)],
                check=True, env=env, stdout=subprocess.DEVNULL,
            )  # fmt: skip
            visit = open_page(page, ".shortfall")
            if not visit.visible:
                raise SystemExit(f"{name}: no shortfall shown")
            if visit.requests != [page.resolve().as_uri()] or visit.console or visit.errors:
                raise SystemExit(f"{name}: {visit}")
            target = out / f"report-{name}.png"
            target.write_bytes(visit.screenshot)
            print(f"{target.relative_to(REPO)}: {len(visit.screenshot)} bytes")


AREAS = """district,township,kind,code
渝中区,解放碑街道,街道,500103001
渝中区,七星岗街道,街道,500103002
渝中区,大溪沟街道,街道,500103003
渝北区,龙溪街道,街道,500112001
渝北区,统景镇,乡镇,500112101
江北区,观音桥街道,街道,500105001
江北区,五里店街道,街道,500105002
"""


def bureau(office: supervise.Office, scratch: Path, serial: int) -> None:
    """Townships, professional organizations, links, contracts and evaluations for the
    coverage and contracts reports (a director, wang, decides the exit review)."""
    areas = scratch / "areas.csv"
    areas.write_text(AREAS, encoding="utf-8")
    office.import_areas(areas)
    made: dict[str, int] = {}
    for name, district, serves, linked in (
        ("渝中区阳光儿童社工服务中心", "渝中区", ["解放碑街道", "七星岗街道"], True),
        ("渝中区护苗心理咨询中心", "渝中区", ["解放碑街道"], True),
        ("渝北区未成年人关爱协会", "渝北区", ["龙溪街道"], True),
        ("江北区青少年法律援助中心", "江北区", ["观音桥街道"], False),
    ):
        serial += 1
        made[name] = office.add_org(
            name=name, credit_code=credit_code(serial), district=district,
            kind="service-org", professional=True, serves=serves,
            services=["关爱保护", "心理辅导"],
        ).id  # fmt: skip
        if linked:
            office.link_org(made[name], institution=f"{district}未成年人救助保护中心")
    for (name, amount), scores in zip(
        [
            ("渝中区阳光儿童社工服务中心", "180000"),
            ("渝中区护苗心理咨询中心", "96000.50"),
            ("渝北区未成年人关爱协会", "120000"),
            ("江北区青少年法律援助中心", "60000"),
        ],
        [GOOD, PASS, GOOD, FAIL],
        strict=True,
    ):
        contract = office.add_contract(
            org=made[name], title="困境儿童关爱服务项目", amount=amount,
            start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31),
        ).id  # fmt: skip
        office.evaluate(contract, scores_file(scratch, scores))


if __name__ == "__main__":
    main()
