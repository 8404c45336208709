"""Drive a fresh case to any state through the public service API (shared by tests)."""

from __future__ import annotations

from datetime import date, datetime

from supervise.bootstrap import App
from supervise.rules import Params
from supervise.services import cases
from supervise.states import CaseState
from tests.conftest import new_org, new_person

S = CaseState

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
        cases.advance(app, case_id, event, params, at)
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
