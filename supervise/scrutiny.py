"""The law's own four eyes: 法制审核 (legal review) and 集体讨论 (collective discussion)
before a heavy decision, and the hearing chair who did not investigate (domain layer).

行政处罚法 Art. 58: before the bureau's heads decide a penalty that directly affects a party's
major rights after a hearing (and others), staff doing legal review must review it; without
a passed review, no decision. Art. 57: penalties for complex or major violations are decided
collectively by the heads. Art. 64(四): the hearing is chaired by someone who did not
investigate the case.

Imports the state table and the error types only. Every function is pure: the review and
discussion state lives in columns of the case row (maintained by ``supervise review`` and
``supervise discuss``), so a decision's guard reads it with the case, in the one read an
advance makes.

What a review or discussion freezes is the decision the case is heading for: its event, the
proposal's basis, term and conduct date, the prior notice's content (facts, evidence), and
whether the hearing has been recorded. ``proposal_key`` (set by the proposal) fingerprints
the first four and the proposal's step; :func:`current_key` adds the hearing. A review or
discussion whose key is not the case's current key is *stale*: it was made before the facts,
the basis or the term changed (a new proposal) or before the hearing was recorded, and no
longer counts.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from supervise.errors import ConfigError, GuardRefused
from supervise.states import CaseState

S = CaseState

REVIEW, DISCUSSION = "review", "discussion"

REVIEW_RULE = (
    "《中华人民共和国行政处罚法》第五十八条：作出决定之前，应当由从事行政处罚决定法制审核的"
    "人员进行法制审核；未经法制审核或者审核未通过的，不得作出决定"
)
DISCUSSION_RULE = (
    "《中华人民共和国行政处罚法》第五十七条第二款：对情节复杂或者重大违法行为给予行政处罚，"
    "行政机关负责人应当集体讨论决定"
)
CHAIR_RULE = "《中华人民共和国行政处罚法》第六十四条第（四）项：听证由非本案调查人员主持"
QUALIFICATION_RULE = (
    "《中华人民共和国行政处罚法》第五十八条第二款：初次从事行政处罚决定法制审核的人员，"
    "应当通过国家统一法律职业资格考试取得法律职业资格"
)

#: The decisions the law itself puts under review and discussion; an office may add more,
#: never remove these (the loader refuses). A ban follows a hearing right and directly
#: affects a person's major rights (Art. 58(二)); an ordered replacement ends a career.
LAW_FLOOR: dict[str, frozenset[str]] = {
    REVIEW: frozenset({"order_replacement", "impose_ban"}),
    DISCUSSION: frozenset({"impose_ban"}),
}

#: The decision a case in a proposed state is heading for, and the event that drops it.
HEADING: dict[CaseState, str] = {
    S.WARNING_PROPOSED: "issue_warning",
    S.REPLACEMENT_PROPOSED: "order_replacement",
    S.BAN_PROPOSED: "impose_ban",
    S.HEARING_SCHEDULED: "impose_ban",
}
DROPPING: dict[str, str] = {
    "issue_warning": "drop_warning",
    "order_replacement": "drop_replacement",
    "impose_ban": "drop_ban",
}
DECISIONS: tuple[str, ...] = tuple(DROPPING)
#: What a collective discussion may conclude: a decision, or dropping it.
CONCLUSIONS: tuple[str, ...] = (*DECISIONS, *DROPPING.values())

#: The steps of an investigation (承办): whoever took one on a case may neither review its
#: decision nor chair its hearing.
INVESTIGATION_EVENTS: frozenset[str] = frozenset(
    {
        "appoint",
        "schedule_interview",
        "reschedule_interview",
        "cancel_interview",
        "record_interview",
        "accept_rectification",
        "propose_warning",
        "record_statement",
        "propose_replacement",
        "propose_ban",
        "request_hearing",
        "reschedule_hearing",
        "record_hearing",
    }
)

#: The rules of this module a refusal names (an advance refused by one is audited).
FOUR_EYES_RULES: frozenset[str] = frozenset(
    {"legal_review", "collective_discussion", "discussion_conclusion", "hearing_chair"}
)

#: The statuses ``case next`` and ``case show`` give a review or a discussion.
NOT_NEEDED, PENDING, PASSED, REJECTED, STALE = (
    "not_needed",
    "pending",
    "passed",
    "rejected",
    "stale",
)
STATUS_ZH: dict[str, str] = {
    NOT_NEEDED: "无需",
    PENDING: "待进行",
    PASSED: "已通过",
    REJECTED: "未通过",
    STALE: "已失效（案情或拟处罚已变更，须重新进行）",
}


@dataclass(frozen=True)
class ScrutinySettings:
    """YAML ``decisions``: which decisions need a legal review and a collective discussion,
    and how many of the bureau's heads a discussion needs at least."""

    review: tuple[str, ...] = ("order_replacement", "impose_ban")
    discussion: tuple[str, ...] = ("impose_ban",)
    min_attendees: int = 3

    def needs(self, kind: str, event: str) -> bool:
        return event in (self.review if kind == REVIEW else self.discussion)


def check_settings(settings: ScrutinySettings) -> None:
    """Refuse a configuration below the law, or naming what is not a decision.

    Raises:
        ConfigError: naming the key.
    """
    for kind, listed in ((REVIEW, settings.review), (DISCUSSION, settings.discussion)):
        key = f"decisions.{kind}"
        for event in listed:
            if event not in DECISIONS:
                raise ConfigError(
                    f"config key {key}: {event!r} is not a decision; use {', '.join(DECISIONS)}"
                )
        missing = sorted(LAW_FLOOR[kind] - set(listed))
        if missing:
            article = "58" if kind == REVIEW else "57"
            raise ConfigError(
                f"config key {key}: the law requires a {kind} before {', '.join(missing)} "
                f"(行政处罚法 Art. {article}); an office may add decisions, not remove these"
            )
    if settings.min_attendees < 2:
        raise ConfigError(
            "config key decisions.min_attendees: a collective discussion needs at least 2 "
            f"of the bureau's heads (got {settings.min_attendees})"
        )


def proposal_key(
    event: str,
    basis: str | None,
    measure: int | None,
    conduct: date | None,
    details: Mapping[str, Any],
    seq: int,
) -> str:
    """The fingerprint of a proposal: what a review or discussion of its decision freezes.

    ``seq`` is the proposal's step: a new proposal is a new decision to review, even with
    the same content (a hearing may have been held on the first one).
    """
    canonical = json.dumps(
        {
            "seq": seq,
            "event": event,
            "basis": basis,
            "measure": measure,
            "conduct": None if conduct is None else conduct.isoformat(),
            "details": details,
        },
        sort_keys=True,
        ensure_ascii=False,
        default=str,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


class ScrutinyRecord(Protocol):
    """What the rules read of a case (its row)."""

    @property
    def state(self) -> CaseState: ...
    @property
    def proposal_key(self) -> str | None: ...
    @property
    def hearing_recorded(self) -> bool: ...
    @property
    def review_key(self) -> str | None: ...
    @property
    def review_outcome(self) -> str | None: ...
    @property
    def discussion_key(self) -> str | None: ...
    @property
    def discussion_decision(self) -> str | None: ...
    @property
    def discussion_years(self) -> int | None: ...


def heading_for(state: CaseState) -> str | None:
    """The decision a case in ``state`` is heading for (None: no proposal is open)."""
    return HEADING.get(state)


def current_key(case: ScrutinyRecord) -> str:
    """What a review or discussion made now freezes: the proposal and the hearing record."""
    return (case.proposal_key or "") + ("+h" if case.hearing_recorded else "")


@dataclass(frozen=True)
class Scrutiny:
    """Where the review and the discussion of the case's next decision stand."""

    decision: str | None
    review: str
    discussion: str
    conclusion: str | None = None  # the decision a current discussion concluded
    years: int | None = None  # the term it concluded, for a ban

    def as_json(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "review": self.review,
            "discussion": self.discussion,
            "conclusion": self.conclusion,
            "years": self.years,
        }

    def lines(self) -> list[str]:
        """How ``case show`` says it: what the decision ahead needs or has (nothing, when it
        needs nothing and nothing was made)."""
        if self.decision is None:
            return []
        out = []
        if self.review != NOT_NEEDED:
            out.append(f"legal review (法制审核) of {self.decision}: {self.review}")
        if self.discussion != NOT_NEEDED or self.conclusion is not None:
            discussion = f"collective discussion (集体讨论) of {self.decision}: {self.discussion}"
            if self.conclusion is not None:
                term = f" ({self.years} years)" if self.years is not None else ""
                discussion += f", concluded {self.conclusion}{term}"
            out.append(discussion)
        return out


def scrutiny_of(case: ScrutinyRecord, settings: ScrutinySettings) -> Scrutiny:
    """The review and discussion status of the decision the case is heading for."""
    decision = heading_for(case.state)
    if decision is None:
        return Scrutiny(None, NOT_NEEDED, NOT_NEEDED)
    key = current_key(case)
    review = _status(settings.needs(REVIEW, decision), case.review_key, key)
    if review == PASSED and case.review_outcome != "approved":
        review = REJECTED
    discussion = _status(settings.needs(DISCUSSION, decision), case.discussion_key, key)
    current = case.discussion_key is not None and case.discussion_key == key
    conclusion = case.discussion_decision if current else None
    if discussion == PASSED and conclusion != decision:
        discussion = REJECTED
    return Scrutiny(
        decision,
        review,
        discussion,
        conclusion,
        case.discussion_years if current else None,
    )


def _status(needed: bool, made: str | None, key: str) -> str:
    if made is None:
        return PENDING if needed else NOT_NEEDED
    if made != key:
        return STALE if needed else NOT_NEEDED
    return PASSED


def decision_refusal(
    event: str,
    case: ScrutinyRecord,
    case_id: int,
    settings: ScrutinySettings,
    years: int | None = None,
) -> GuardRefused | None:
    """Refuse a decision (or its drop) that lacks a passed, current review or discussion, or
    that departs from the discussion's conclusion.

    ``years``: the term the decision gives (None: not given, or not a ban); checked against
    the term the discussion concluded.
    """
    decision = heading_for(case.state)
    if decision is None or event not in (decision, DROPPING[decision]):
        return None
    status = scrutiny_of(case, settings)
    if event == decision:
        refusal = _review_refusal(event, status.review, case_id)
        if refusal is not None:
            return refusal
        if settings.needs(DISCUSSION, decision) and status.discussion in (PENDING, STALE):
            made = (
                ""
                if status.discussion == PENDING
                else (
                    "the discussion was held before the proposal or the hearing record changed, "
                    "so it no longer counts; "
                )
            )
            return GuardRefused(
                f"{event} refused: {made}the bureau's heads must decide it collectively "
                f"(集体讨论); a director records it with `supervise discuss {case_id} --on DATE "
                f"--attendees NAME... --conclusion TEXT --decision {decision}` ({DISCUSSION_RULE})",
                rule="collective_discussion",
                basis=DISCUSSION_RULE,
            )
    if status.conclusion is not None and status.conclusion != event:
        return GuardRefused(
            f"{event} refused: the collective discussion concluded {status.conclusion}; the "
            "decision follows the discussion's conclusion; to change it, the heads discuss "
            f"again (`supervise discuss {case_id} ...`) ({DISCUSSION_RULE})",
            rule="discussion_conclusion",
            basis=DISCUSSION_RULE,
        )
    if (
        event == decision
        and status.years is not None
        and years is not None
        and years != status.years
    ):
        return GuardRefused(
            f"{event} refused: the collective discussion concluded a term of {status.years} "
            f"years, not {years}; the decision follows the discussion's conclusion "
            f"({DISCUSSION_RULE})",
            rule="discussion_conclusion",
            basis=DISCUSSION_RULE,
        )
    return None


def _review_refusal(event: str, status: str, case_id: int) -> GuardRefused | None:
    command = f"`supervise review {case_id} --approve|--reject --opinion TEXT`"
    if status == PENDING:
        why = f"it needs a passed legal review (法制审核) first; a legal reviewer runs {command}"
    elif status == STALE:
        why = (
            "the legal review (法制审核) was made before the proposal (facts, basis or term) "
            f"or the hearing record changed, so it no longer counts; review again: {command}"
        )
    elif status == REJECTED:
        why = (
            "the legal review (法制审核) did not pass; no decision without a passed review: "
            f"drop the proposal ({DROPPING[event]}), or correct it and review again: {command}"
        )
    else:
        return None
    return GuardRefused(
        f"{event} refused: {why} ({REVIEW_RULE})", rule="legal_review", basis=REVIEW_RULE
    )


def chair_refusal(event: str, chair: str, investigated: bool) -> GuardRefused | None:
    """Art. 64(四): a chair who investigated the case (took a step of it, or is its
    supervisor) may not chair its hearing."""
    if not investigated:
        return None
    return GuardRefused(
        f"{event} refused: the hearing's chair {chair} investigated this case; the hearing is "
        f"chaired by someone who did not (give another chair in the notice details) "
        f"({CHAIR_RULE})",
        rule="hearing_chair",
        basis=CHAIR_RULE,
    )


def attendees_refusal(attendees: Iterable[str], settings: ScrutinySettings) -> str | None:
    """Why a list of attendees is not a collective discussion (None: it is)."""
    names = list(attendees)
    distinct = {n for n in names}
    if len(distinct) != len(names):
        return "an attendee is listed twice; list each of the heads once"
    if len(distinct) < settings.min_attendees:
        return (
            f"a collective discussion needs at least {settings.min_attendees} of the bureau's "
            f"heads (decisions.min_attendees); {len(distinct)} given"
        )
    return None
