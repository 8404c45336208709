"""A small office whose report figures are known by hand (shared by the report tests).

At 2026-11-27 10:00 (Asia/Shanghai), in 渝中区 (org 甲) and 渝北区 (org 乙):

- c1 甲: appointed.
- c2 甲: warned (prior notice, statement waived, warning decided: one penalty in 2026-11);
  its decision is never served, so its service deadline (2026-12-08) is overdue and late.
- c3 乙: left at once (closed without an interview).
- c4 乙: interviewed (rectifying), notices served the same day; leaves on 2026-12-20 10:00:
  23 days from interview to closure.
- c5 甲: the same, leaves on 2026-12-07 10:00: 10 days.
- c6 甲: interview scheduled for 2026-12-10, never held (overdue); its notice is served on
  2026-12-20, after its service deadline (2026-12-08).

The reports are read on 2027-01-10 10:00 over 2026-11-01 to 2027-01-10.
"""

from __future__ import annotations

from datetime import date

from supervise.office import Office
from supervise.states import CaseState
from supervise.story import credit_code, drive_to, id_number, moment, serve_all

REPORT_AT = "2027-01-10T10:00"
PERIOD = (date(2026, 11, 1), date(2027, 1, 10))


def build(office: Office) -> dict[str, int]:
    a = office.add_org(
        name="甲儿童服务中心", credit_code=credit_code(801), district="渝中区",
        kind="social-group", charity=True, address="重庆市渝中区某路1号",
    ).id  # fmt: skip
    b = office.add_org(
        name="乙儿童服务中心", credit_code=credit_code(802), district="渝北区",
        kind="social-group", charity=True, address="重庆市渝北区某路2号",
    ).id  # fmt: skip

    def case(org: int, n: int) -> int:
        person = office.add_person(name=f"负责人{n}", id_number=id_number(800 + n)).id
        return office.appoint(org=org, person=person, role="秘书长").id

    ids = {"c1": case(a, 1), "c2": case(a, 2), "c3": case(b, 3)}
    drive_to(office, ids["c2"], CaseState.WARNED)
    drive_to(office, ids["c3"], CaseState.LEFT)
    ids["c4"] = case(b, 4)
    drive_to(office, ids["c4"], CaseState.RECTIFYING)
    serve_all(office, ids["c4"])
    ids["c5"] = case(a, 5)
    drive_to(office, ids["c5"], CaseState.RECTIFYING)
    serve_all(office, ids["c5"])
    ids["c6"] = case(a, 6)
    drive_to(office, ids["c6"], CaseState.INTERVIEW_SCHEDULED)
    office.at(moment(office, "2026-12-20T10:00")).advance(ids["c4"], "leave", reason="辞职")
    office.at(moment(office, "2026-12-07T10:00")).advance(ids["c5"], "leave", reason="辞职")
    serve_all(office.at(moment(office, REPORT_AT)), ids["c6"], on=date(2026, 12, 20))
    return ids
