"""Drive a fresh case to any state through the public service API (shared by tests)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any

from supervise.bootstrap import App
from supervise.rules import Params
from supervise.services import cases
from supervise.states import CaseState
from tests.conftest import new_org, new_person

S = CaseState

_CASE_FACTS = {
    "facts": "未按规定报送年度工作报告，经约谈后逾期未整改",
    "evidence": "年检记录；约谈笔录",
}
_INTERVIEW = {
    "facts": "未按规定报送年度工作报告",
    "place": "渝中区民政局301会议室",
    "interviewers": ["张三", "王五"],
}
# The content of each event's notices (what --facts/--place/--details would give).
DETAILS: dict[str, dict[str, Any]] = {
    "schedule_interview": _INTERVIEW,
    "reschedule_interview": _INTERVIEW,
    "record_interview": {**_INTERVIEW, "requirements": "三十日内补报年度工作报告"},
    "propose_warning": _CASE_FACTS,
    "issue_warning": _CASE_FACTS,
    "propose_replacement": _CASE_FACTS,
    "order_replacement": _CASE_FACTS,
    "propose_ban": _CASE_FACTS,
    "impose_ban": _CASE_FACTS,
    "request_hearing": {"place": "渝中区民政局听证室", "chair": "赵六"},
    "reschedule_hearing": {"place": "渝中区民政局听证室", "chair": "赵六"},
}


def advance(app: App, case_id: int, event: str, params: Params, at: datetime | None = None) -> Any:
    """cases.advance with the event's notice content filled in when the test gives none."""
    if not params.details and event in DETAILS:
        params = dataclasses.replace(params, details=DETAILS[event])
    return cases.advance(app, case_id, event, params, at)


# How to reach each state from `appointed` with the default settings at 2026-11-27, as
# (event, params) steps. Dates lie far enough ahead for every notice-period guard; windows
# are waived where a decision follows a proposal.
PATHS: dict[CaseState, list[tuple[str, Params]]] = {
    S.APPOINTED: [],
    S.INTERVIEW_SCHEDULED: [("schedule_interview", Params(date=date(2026, 12, 10)))],
    S.RECTIFYING: [
        ("schedule_interview", Params(date=date(2026, 12, 10))),
        ("record_interview", Params(reason="约谈记录")),
    ],
    S.WARNING_PROPOSED: [("propose_warning", Params())],
    S.WARNED: [
        ("propose_warning", Params()),
        ("record_statement", Params(waiver=True)),
        ("issue_warning", Params()),
    ],
    S.REPLACEMENT_PROPOSED: [
        ("propose_warning", Params()),
        ("record_statement", Params(waiver=True)),
        ("issue_warning", Params()),
        ("propose_replacement", Params()),
    ],
    S.REPLACEMENT_ORDERED: [
        ("propose_warning", Params()),
        ("record_statement", Params(waiver=True)),
        ("issue_warning", Params()),
        ("propose_replacement", Params()),
        ("record_statement", Params(waiver=True)),
        ("order_replacement", Params()),
    ],
    S.BAN_PROPOSED: [("propose_ban", Params())],
    S.HEARING_SCHEDULED: [
        ("propose_ban", Params()),
        ("request_hearing", Params(date=date(2026, 12, 15))),
    ],
    S.BANNED: [
        (
            "record_court_ban",
            Params(
                judgment="(2026)渝0103刑初1号", start=date(2026, 11, 1), until=date(2030, 10, 31)
            ),
        )
    ],
}
PATHS[S.REPLACED] = [*PATHS[S.REPLACEMENT_ORDERED], ("confirm_replacement", Params())]
PATHS[S.LEFT] = [("leave", Params(reason="辞职"))]
PATHS[S.BAN_REVOKED] = [
    *PATHS[S.BANNED],
    ("revoke_ban", Params(reason="复议撤销", reference="渝府复〔2026〕1号")),
]


def open_case(
    app: App,
    kind: str = "social-group",
    charity: bool = True,
    person_id: int | None = None,
    role: str = "秘书长",
) -> int:
    org = new_org(app, kind=kind, charity=charity)
    person = person_id if person_id is not None else new_person(app)
    return cases.appoint(app, org, person, role, None).id


def drive(app: App, case_id: int, state: CaseState, at: datetime | None = None) -> None:
    for event, params in PATHS[state]:
        advance(app, case_id, event, params, at)
    assert cases.show_case(app, case_id).state is state


def case_in(app: App, state: CaseState, **kwargs: object) -> int:
    case_id = open_case(app, **kwargs)  # type: ignore[arg-type]
    drive(app, case_id, state)
    return case_id


PATHS[S.BAN_ENDED] = [
    (
        "record_court_ban",
        Params(judgment="(2023)渝0103刑初9号", start=date(2023, 1, 1), until=date(2026, 11, 20)),
    ),
    ("lift_ban", Params()),
]


def serve_all(app: App, case_id: int, on: date | None = None, method: str = "direct") -> None:
    """Serve every unserved notice of the case (the windows they start begin that day)."""
    from supervise.services import notice_records, notices

    for view in notice_records.list_notices(app, case_id):
        if (
            view.served_on is None
            and view.status == "active"
            and view.type not in notices.NOT_SERVED
        ):
            notice_records.serve(app, view.id, method, on or app.clock.today())


def kinds(app: App, case_id: int, *, service: bool = False) -> list[str]:
    """The kinds of the case's open deadlines (service duties left out unless asked)."""
    return [
        d.kind for d in cases.show_case(app, case_id).deadlines if service or d.kind != "service"
    ]
