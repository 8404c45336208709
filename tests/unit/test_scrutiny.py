"""Issue 11 part B, the pure rules: the configured floor of 法制审核 and 集体讨论, the status of
a case's next decision, the decision guard and the hearing-chair rule."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pytest

from supervise.errors import ConfigError
from supervise.scrutiny import (
    PASSED,
    PENDING,
    REJECTED,
    STALE,
    ScrutinySettings,
    chair_refusal,
    check_settings,
    current_key,
    decision_refusal,
    proposal_key,
    scrutiny_of,
)
from supervise.states import CaseState

S = CaseState
LAW = ScrutinySettings()


@dataclass(frozen=True)
class Row:
    state: CaseState = S.HEARING_SCHEDULED
    proposal_key: str | None = "k1"
    hearing_recorded: bool = True
    review_key: str | None = None
    review_outcome: str | None = None
    discussion_key: str | None = None
    discussion_decision: str | None = None
    discussion_years: int | None = None


def reviewed(row: Row, outcome: str = "approved") -> Row:
    return replace(row, review_key=current_key(row), review_outcome=outcome)


def discussed(row: Row, decision: str = "impose_ban", years: int | None = None) -> Row:
    return replace(
        row, discussion_key=current_key(row), discussion_decision=decision, discussion_years=years
    )


def test_the_defaults_are_the_law() -> None:
    check_settings(LAW)
    assert LAW.needs("review", "impose_ban") and LAW.needs("discussion", "impose_ban")
    assert LAW.needs("review", "order_replacement")
    assert not LAW.needs("discussion", "order_replacement")
    assert not LAW.needs("review", "issue_warning")


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        (ScrutinySettings(review=("impose_ban",)), "order_replacement (行政处罚法 Art. 58)"),
        (ScrutinySettings(discussion=()), "discussion before impose_ban (行政处罚法 Art. 57)"),
        (ScrutinySettings(review=(*LAW.review, "propose_ban")), "'propose_ban' is not a decision"),
        (ScrutinySettings(min_attendees=1), "decisions.min_attendees"),
    ],
)
def test_the_loader_refuses_less_than_the_law(settings: ScrutinySettings, words: str) -> None:
    with pytest.raises(ConfigError, match="config key decisions") as refused:
        check_settings(settings)
    assert words in refused.value.message


def test_an_office_may_add_decisions() -> None:
    check_settings(ScrutinySettings(review=(*LAW.review, "issue_warning")))


def test_the_key_freezes_event_basis_term_conduct_facts_and_the_proposal() -> None:
    base = ("propose_ban", "cishan-112", 3, date(2025, 10, 9), {"facts": "挪用"}, 4)
    key = proposal_key(*base)
    assert key == proposal_key(*base)
    for i, other in enumerate(
        ("propose_warning", "other", 2, date(2025, 10, 10), {"facts": "挪用捐赠"}, 9)
    ):
        changed = list(base)
        changed[i] = other
        assert proposal_key(*changed) != key  # type: ignore[arg-type]


def test_statuses_of_a_ban_decision() -> None:
    row = Row()
    assert (scrutiny_of(row, LAW).review, scrutiny_of(row, LAW).discussion) == (PENDING, PENDING)
    done = discussed(reviewed(row), years=3)
    status = scrutiny_of(done, LAW)
    assert (status.review, status.discussion, status.conclusion, status.years) == (
        PASSED, PASSED, "impose_ban", 3,
    )  # fmt: skip
    assert scrutiny_of(reviewed(row, "rejected"), LAW).review == REJECTED
    assert scrutiny_of(discussed(row, "drop_ban"), LAW).discussion == REJECTED
    # A new proposal (other facts, basis or term) or the hearing record: both go stale.
    for changed in (replace(done, proposal_key="k2"), replace(done, hearing_recorded=False)):
        status = scrutiny_of(changed, LAW)
        assert (status.review, status.discussion, status.conclusion) == (STALE, STALE, None)


def test_no_decision_ahead_needs_nothing() -> None:
    status = scrutiny_of(Row(state=S.APPOINTED), LAW)
    assert status.decision is None and status.lines() == []


def test_a_ban_needs_the_review_then_the_discussion_and_follows_it() -> None:
    row = Row()
    refused = decision_refusal("impose_ban", row, 7, LAW)
    assert refused is not None and refused.details["rule"] == "legal_review"
    assert "supervise review 7 --approve|--reject" in refused.message
    assert "第五十八条" in refused.message
    refused = decision_refusal("impose_ban", reviewed(row), 7, LAW)
    assert refused is not None and refused.details["rule"] == "collective_discussion"
    assert "supervise discuss 7 --on DATE" in refused.message and "第五十七条" in refused.message
    done = discussed(reviewed(row), years=3)
    assert decision_refusal("impose_ban", done, 7, LAW, years=3) is None
    assert decision_refusal("impose_ban", done, 7, LAW) is None  # --until: checked elsewhere
    other = decision_refusal("impose_ban", done, 7, LAW, years=2)
    assert other is not None and other.details["rule"] == "discussion_conclusion"
    dropped = decision_refusal("drop_ban", done, 7, LAW)
    assert dropped is not None and "concluded impose_ban" in dropped.message
    # Concluded to drop: the ban is refused, the drop follows.
    against = discussed(reviewed(row), "drop_ban")
    refused = decision_refusal("impose_ban", against, 7, LAW)
    assert refused is not None and refused.details["rule"] == "discussion_conclusion"
    assert decision_refusal("drop_ban", against, 7, LAW) is None


def test_a_rejected_or_stale_review_refuses_the_decision() -> None:
    row = discussed(reviewed(Row(), "rejected"))
    refused = decision_refusal("impose_ban", row, 7, LAW)
    assert (
        refused is not None and "did not pass" in refused.message and "drop_ban" in refused.message
    )
    stale = replace(discussed(reviewed(Row())), proposal_key="k2")
    refused = decision_refusal("impose_ban", stale, 7, LAW)
    assert refused is not None and "no longer counts" in refused.message


def test_a_replacement_needs_only_the_review() -> None:
    row = Row(state=S.REPLACEMENT_PROPOSED, hearing_recorded=False)
    refused = decision_refusal("order_replacement", row, 3, LAW)
    assert refused is not None and refused.details["rule"] == "legal_review"
    assert decision_refusal("order_replacement", reviewed(row), 3, LAW) is None
    assert decision_refusal("drop_replacement", row, 3, LAW) is None
    # A warning needs nothing by default, and an office may add it.
    warning = Row(state=S.WARNING_PROPOSED, hearing_recorded=False)
    assert decision_refusal("issue_warning", warning, 3, LAW) is None
    stricter = ScrutinySettings(review=(*LAW.review, "issue_warning"))
    assert decision_refusal("issue_warning", warning, 3, stricter) is not None


def test_the_hearing_chair_did_not_investigate() -> None:
    refused = chair_refusal("request_hearing", "赵六", investigated=True)
    assert refused is not None and refused.details["rule"] == "hearing_chair"
    assert "第六十四条第（四）项" in refused.message
    assert chair_refusal("request_hearing", "赵六", investigated=False) is None
