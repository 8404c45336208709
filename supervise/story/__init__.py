"""Scripted case stories, played through the library API (entry-point layer).

One way to drive cases through their steps, shared by the tests, the rendered examples
(``scripts/render_examples.py``), the benchmarks and anyone learning the API:

- :class:`Step`: one event (or ``serve``: serve every unserved notice of the case; ``review``
  and ``discuss``: the legal review and collective discussion of the decision ahead), with its
  inputs, the content of its notices and, if given, the moment it happens;
- :data:`DETAILS`: plausible notice content for every event that issues one, used when a step
  gives none;
- :data:`PATHS`: how to bring a freshly appointed case to each state, from 2026-11-27;
- :func:`play` and :func:`drive_to` run steps; :func:`open_cases` registers a cast;
- :func:`id_number` and :func:`credit_code` make valid fictional identities.

``supervise.story.example`` is the three-case story the documentation's notices come from.
"""

from __future__ import annotations

import hashlib
import itertools
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from supervise.law import RECEIPT_METHODS
from supervise.notices.types import NOTICE_TYPES
from supervise.office import Office
from supervise.states import CaseState
from supervise.views import AdvanceResult, Served

S = CaseState

# --- fictional identities ------------------------------------------------------------------

_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_counter = itertools.count(1)


def id_number(serial: int | None = None, birth: str = "19800101") -> str:
    """An 18-character 居民身份证号码 (district 500103) with a correct GB 11643 check
    character, computed independently of ``supervise.validation``."""
    n = next(_counter) if serial is None else serial
    body = f"500103{birth}{n % 1000:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


def credit_code(serial: int | None = None, prefix: str = "52500103") -> str:
    """An 18-character 统一社会信用代码 with both check characters correct."""
    n = next(_counter) if serial is None else serial
    org8 = f"MJ{n % 1_000_000:06d}"
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in org8]
    c9 = 11 - sum(v * w for v, w in zip(values, [3, 7, 9, 10, 5, 8, 4, 2], strict=True)) % 11
    body = prefix + org8 + {10: "X", 11: "0"}.get(c9, str(c9))
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    total = sum(_CREDIT_ALPHABET.index(c) * w for c, w in zip(body, weights, strict=True))
    return body + _CREDIT_ALPHABET[(31 - total % 31) % 31]


# --- steps ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One thing that happens to a case.

    ``event`` is a case event, or ``"serve"``: serve every unserved notice of the case with
    ``method`` on the day of the step. ``inputs`` are the event's options (``date``,
    ``until``, ``reason``, …), ``details`` its notices' content (default :data:`DETAILS`).
    ``at`` is the local time it happens (``2026-03-02T09:30``); None: the office's clock.
    """

    event: str
    inputs: Mapping[str, Any] = field(default_factory=dict)
    details: Mapping[str, Any] | None = None
    at: str | None = None
    case: str = "main"
    method: str = "direct"


_CASE_FACTS = {
    "facts": "未按规定报送年度工作报告，经约谈后逾期未整改",
    "evidence": "年检记录；约谈笔录",
}
_INTERVIEW = {
    "facts": "未按规定报送年度工作报告",
    "place": "渝中区民政局301会议室",
    "interviewers": ["张三", "王五"],
}
#: The content of each event's notices (what --facts/--place/--details would give).
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

#: Options an event needs that a step may leave out: the term a ban proposal states
#: (行政处罚法 Art. 44), the provision breached and the hour of a hearing. Used where a
#: step gives none.
INPUTS: dict[str, dict[str, Any]] = {
    # The provision breached (item (三) of the registration regulations: 监督检查; the
    # foundation regulation's item (三) is 变更登记; 慈善法 Art. 109 for a ban).
    "propose_warning": {"breach": "3"},
    "propose_replacement": {"breach": "3"},
    "propose_ban": {"years": 3, "conduct_date": date(2025, 10, 9), "breach": "109"},
    "request_hearing": {"time": time(9, 30)},
    "reschedule_hearing": {"time": time(9, 30)},
}

#: Who reviews in the stories: not the investigator (行政处罚法 Art. 58), so the legal review
#: of the stories' decisions is never refused for independence.
REVIEWER = "法制审核员"
#: The defaults of the legal review and the collective discussion steps.
SCRUTINY: dict[str, dict[str, Any]] = {
    "review": {"approve": True, "opinion": "事实清楚，证据确凿，适用依据正确，程序合法，同意"},
    "discuss": {
        "attendees": ("王局长", "李副局长", "张副局长"),
        "conclusion": "经局长办公会集体讨论，同意作出决定",
        "decision": "impose_ban",
    },
}

#: The court of the stories' court bans.
COURT = "重庆市渝中区人民法院"


def with_inputs(event: str, given: Mapping[str, Any]) -> dict[str, Any]:
    """``given`` completed with the event's default :data:`INPUTS` (the given ones win)."""
    defaults = INPUTS.get(event, {})
    merged = {**defaults, **{k: v for k, v in given.items() if v is not None or k not in defaults}}
    if "time" in merged and merged.get("date") is None:
        del merged["time"]  # an hour only goes with a day
    return merged


_WARNED = (
    Step("propose_warning"),
    Step("record_statement", {"waiver": True}),
    Step("issue_warning"),
)
_REPLACEMENT_ORDERED = (
    *_WARNED,
    Step("propose_replacement"),
    Step("record_statement", {"waiver": True}),
    Step("review"),  # 法制审核 (行政处罚法 Art. 58): the decision needs a passed review
    Step("order_replacement"),
)
#: What a ban decision needs before it (行政处罚法 Arts. 57, 58), once the hearing (if any) is
#: recorded: a passed legal review and the heads' collective discussion.
CLEAR_BAN: tuple[Step, ...] = (Step("review"), Step("discuss"))
_COURT_BAN = Step(
    "record_court_ban",
    {
        "judgment": "(2026)渝0103刑初1号",
        "court": COURT,
        "start": date(2026, 11, 1),
        "until": date(2030, 10, 31),
    },
)
_INTERVIEW_STEP = Step("schedule_interview", {"date": date(2026, 12, 10)})

#: How to reach each state from ``appointed`` with the default settings at 2026-11-27. Dates
#: lie far enough ahead for every notice-period guard; windows are waived where a decision
#: follows a proposal.
PATHS: dict[CaseState, tuple[Step, ...]] = {
    S.APPOINTED: (),
    S.INTERVIEW_SCHEDULED: (_INTERVIEW_STEP,),
    S.RECTIFYING: (_INTERVIEW_STEP, Step("record_interview", {"reason": "约谈记录"})),
    S.WARNING_PROPOSED: (Step("propose_warning"),),
    S.WARNED: _WARNED,
    S.REPLACEMENT_PROPOSED: (*_WARNED, Step("propose_replacement")),
    S.REPLACEMENT_ORDERED: _REPLACEMENT_ORDERED,
    S.REPLACED: (*_REPLACEMENT_ORDERED, Step("confirm_replacement")),
    S.BAN_PROPOSED: (Step("propose_ban"),),
    S.HEARING_SCHEDULED: (
        Step("propose_ban"),
        Step("request_hearing", {"date": date(2026, 12, 15)}),
    ),
    S.BANNED: (_COURT_BAN,),
    # A court ban whose term ended before it was recorded is lifted at once (lift_ban).
    S.BAN_ENDED: (
        Step(
            "record_court_ban",
            {
                "judgment": "(2023)渝0103刑初9号",
                "court": COURT,
                "start": date(2023, 1, 1),
                "until": date(2026, 11, 20),
            },
        ),
    ),
    S.BAN_REVOKED: (
        _COURT_BAN,
        Step("revoke_ban", {"reason": "复议撤销", "reference": "渝府复〔2026〕1号"}),
    ),
    S.LEFT: (Step("leave", {"reason": "辞职"}),),
}

# --- playing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Played:
    """What one step did: the event's result, or the services a ``serve`` step recorded."""

    step: Step
    case_id: int
    result: AdvanceResult | None = None
    served: tuple[Served, ...] = ()


def moment(office: Office, local: str) -> datetime:
    """A local time of the office's zone (``2026-03-02T09:30``) as an aware datetime."""
    return datetime.fromisoformat(local).replace(tzinfo=office.settings.zone)


def receipt_scan(number: str) -> Path:
    """A stand-in for the scan of a signed 送达回证 (a file naming the notice), in the temporary
    folder: direct and lodged service are recorded with their receipt."""
    folder = Path(tempfile.gettempdir()) / "supervise-story-receipts"
    folder.mkdir(exist_ok=True)
    path = folder / f"{hashlib.sha256(number.encode('utf-8')).hexdigest()[:16]}.txt"
    path.write_text(f"送达回证（扫描件）{number}\n", encoding="utf-8")
    return path


def serve_all(
    office: Office, case_id: int, on: date | None = None, method: str = "direct"
) -> list[Served]:
    """Serve every unserved notice of the case (the windows they start begin that day)."""
    day = on or office.runtime.clock.today()
    return [
        office.serve_notice(
            view.id,
            method=method,
            on=day,
            receipt=receipt_scan(view.number) if method in RECEIPT_METHODS else None,
        )
        for view in office.notices(case=case_id)
        if view.served_on is None and view.status == "active" and NOTICE_TYPES[view.type].served
    ]


def play(
    office: Office,
    steps: Sequence[Step],
    case_ids: Mapping[str, int],
    *,
    at: datetime | None = None,
    on_step: Callable[[Played], None] | None = None,
) -> list[Played]:
    """Play ``steps`` on the cases named in ``case_ids``.

    A step with ``at`` moves the office's clock there first; ``at`` (if given) is when the
    steps without one happen, as ``--at`` would say.
    """
    played: list[Played] = []
    for step in steps:
        here = office.at(moment(office, step.at)) if step.at else office
        case_id = case_ids[step.case]
        if step.event == "serve":
            done = Played(step, case_id, served=tuple(serve_all(here, case_id, method=step.method)))
        elif step.event in SCRUTINY:
            scrutinize(here, case_id, step.event, step.inputs)
            done = Played(step, case_id)
        else:
            details = DETAILS.get(step.event, {}) if step.details is None else step.details
            result = here.advance(
                case_id,
                step.event,
                at=None if step.at else at,
                details=details,
                **with_inputs(step.event, step.inputs),
            )
            done = Played(step, case_id, result=result)
        played.append(done)
        if on_step is not None:
            on_step(done)
    return played


def scrutinize(
    office: Office, case_id: int, step: str, inputs: Mapping[str, Any] | None = None
) -> None:
    """The legal review (``review``) or collective discussion (``discuss``) of the case's
    next decision, with :data:`SCRUTINY`'s defaults; the review by :data:`REVIEWER`."""
    given = {**SCRUTINY[step], **(inputs or {})}
    if step == "review":
        office.review(
            case_id,
            approve=given["approve"],
            opinion=given["opinion"],
            actor=given.get("actor", REVIEWER),
        )
    else:
        office.discuss(
            case_id,
            on=given.get("on") or office.runtime.clock.today(),
            attendees=list(given["attendees"]),
            conclusion=given["conclusion"],
            decision=given["decision"],
            years=given.get("years"),
            actor=given.get("actor"),
        )


def clear_ban(office: Office, case_id: int, **discussion: Any) -> None:
    """Review and discuss the case's ban decision (:data:`CLEAR_BAN`)."""
    scrutinize(office, case_id, "review")
    scrutinize(office, case_id, "discuss", discussion)


def drive_to(office: Office, case_id: int, state: CaseState, at: datetime | None = None) -> None:
    """Bring a freshly appointed case to ``state`` along :data:`PATHS`."""
    play(office, PATHS[state], {"main": case_id}, at=at)
    reached = office.case(case_id).state
    if reached is not state:
        raise AssertionError(f"case {case_id} reached {reached.value}, not {state.value}")


@dataclass(frozen=True)
class Cast:
    """Who a story is about: organizations (``add_org`` keywords), persons (name, ID number)
    and cases (organization, person, role), each under a key the steps use."""

    orgs: Mapping[str, Mapping[str, Any]]
    persons: Mapping[str, tuple[str, ...]]  # name, ID number[, address]
    cases: Mapping[str, tuple[str, str, str]]


def open_cases(office: Office, cast: Cast) -> dict[str, int]:
    """Register the cast and appoint everyone; returns the case ids by key."""
    orgs = {key: office.add_org(**spec).id for key, spec in cast.orgs.items()}
    persons = {
        key: office.add_person(
            name=spec[0], id_number=spec[1], address=spec[2] if len(spec) > 2 else None
        ).id
        for key, spec in cast.persons.items()
    }
    return {
        key: office.appoint(org=orgs[org], person=persons[person], role=role).id
        for key, (org, person, role) in cast.cases.items()
    }
