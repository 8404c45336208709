"""Issue 11 part B: 法制审核 and 集体讨论 before heavy decisions, and the hearing chair who did
not investigate, through the library API and the CLI on SQLite and PostgreSQL.

Each refusal is checked to change nothing but the audit trail, and to be written there.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, select

from supervise.adapters.orm import audit
from supervise.cli import cli
from supervise.config import load_settings
from supervise.errors import ConfigError, GuardRefused, InvalidInput, NotAllowed
from supervise.office import Office
from supervise.states import CaseState
from supervise.story import REVIEWER, clear_ban, scrutinize, serve_all
from tests.conftest import MakeOffice
from tests.fuzz import contract
from tests.integration.helpers import advance, case_in

S = CaseState
ATTENDEES = ["王局长", "李副局长", "张副局长"]


def heard(office: Office) -> int:
    """A ban case whose hearing is recorded: the decision is next."""
    case_id = case_in(office, S.HEARING_SCHEDULED)
    advance(office, case_id, "record_hearing", reason="听证笔录")
    return case_id


def audit_rows(office: Office) -> list[dict[str, Any]]:
    engine = create_engine(office.runtime.db_url)
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(audit).order_by(audit.c.id))]
    engine.dispose()
    return rows


def refused_unchanged(office: Office, call: Any, error: type[Exception] = GuardRefused) -> Any:
    """Run ``call``, expect ``error``; nothing but one audit row changed. Returns the error."""
    engine = create_engine(office.runtime.db_url)
    before = contract.dump(engine)
    with pytest.raises(error) as refused:
        call()
    after = contract.dump(engine)
    engine.dispose()
    assert {t: r for t, r in before.items() if t != "audit"} == {
        t: r for t, r in after.items() if t != "audit"
    }
    assert len(after["audit"]) == len(before["audit"]) + 1
    last = audit_rows(office)[-1]
    assert last["outcome"] == "refused" and last["reason"] == refused.value.message
    return refused.value


def scrutiny(office: Office, case_id: int) -> dict[str, Any]:
    return office.case(case_id).as_json(office.settings.zone, detail=True)["scrutiny"]


def test_a_ban_needs_a_passed_review_and_a_discussion(office: Office) -> None:
    case_id = heard(office)
    assert scrutiny(office, case_id) == {
        "decision": "impose_ban",
        "review": "pending",
        "discussion": "pending",
        "conclusion": None,
        "years": None,
    }
    error = refused_unchanged(office, lambda: advance(office, case_id, "impose_ban", years=3))
    assert error.kind == "guard" and error.details["rule"] == "legal_review"
    assert f"supervise review {case_id} --approve|--reject" in error.message
    assert "第五十八条" in error.message
    assert audit_rows(office)[-1]["action"] == "event:impose_ban"

    result = office.review(case_id, approve=True, opinion="事实清楚，程序合法", actor=REVIEWER)
    assert result.outcome == "approved"
    assert result.frozen["decision"] == "impose_ban" and result.frozen["term"] == 3
    assert result.frozen["basis"] == "cishan-112" and result.frozen["hearing_recorded"]
    assert result.frozen["facts"] == "未按规定报送年度工作报告，经约谈后逾期未整改"
    error = refused_unchanged(office, lambda: advance(office, case_id, "impose_ban", years=3))
    assert error.details["rule"] == "collective_discussion" and "第五十七条" in error.message
    assert f"supervise discuss {case_id} --on DATE" in error.message

    office.discuss(
        case_id,
        on=date(2026, 11, 27),
        attendees=ATTENDEES,
        conclusion="同意从业禁止三年",
        decision="impose_ban",
        years=3,
    )
    assert scrutiny(office, case_id)["review"] == "passed"
    assert scrutiny(office, case_id)["discussion"] == "passed"
    # The decision follows the discussion's conclusion: its term, and not the drop.
    error = refused_unchanged(office, lambda: advance(office, case_id, "impose_ban", years=2))
    assert error.details["rule"] == "discussion_conclusion"
    error = refused_unchanged(
        office, lambda: advance(office, case_id, "drop_ban", reason="证据不足")
    )
    assert "concluded impose_ban" in error.message
    assert advance(office, case_id, "impose_ban", years=3).to_state is S.BANNED
    history = office.case(case_id).history
    steps = [(h.event, h.by) for h in history[-3:]]
    assert steps == [("review", REVIEWER), ("discuss", "zhang"), ("impose_ban", "zhang")]
    assert history[-2].data["attendees"] == ATTENDEES and history[-2].reason == "同意从业禁止三年"
    assert office.verify_chains().ok


def test_a_reviewer_who_investigated_is_refused(office: Office) -> None:
    case_id = heard(office)
    # zhang proposed the ban and recorded the hearing.
    error = refused_unchanged(office, lambda: office.review(case_id, approve=True, opinion="同意"))
    assert (
        error.details["rule"] == "reviewer_independence" and "zhang investigated" in error.message
    )
    assert (audit_rows(office)[-1]["action"], audit_rows(office)[-1]["case_id"]) == (
        "review",
        case_id,
    )


def test_a_rejected_review_refuses_the_decision(office: Office) -> None:
    case_id = case_in(office, S.REPLACEMENT_PROPOSED)
    advance(office, case_id, "record_statement", waiver=True)
    office.review(case_id, approve=False, opinion="证据不足", actor=REVIEWER)
    assert scrutiny(office, case_id)["review"] == "rejected"
    error = refused_unchanged(office, lambda: advance(office, case_id, "order_replacement"))
    assert "did not pass" in error.message and "drop_replacement" in error.message
    # A replacement needs no discussion: a passed review is enough.
    office.review(case_id, approve=True, opinion="补正后同意", actor=REVIEWER)
    assert scrutiny(office, case_id)["discussion"] == "not_needed"
    assert advance(office, case_id, "order_replacement").to_state is S.REPLACEMENT_ORDERED


def test_a_new_proposal_makes_the_review_stale(office: Office) -> None:
    case_id = case_in(office, S.BAN_PROPOSED)
    scrutinize(office, case_id, "review")
    scrutinize(office, case_id, "discuss", {"decision": "drop_ban"})
    assert scrutiny(office, case_id)["review"] == "passed"
    advance(office, case_id, "drop_ban", reason="事实需补充调查")
    changed = {"facts": "挪用定向捐赠款项", "evidence": "审计报告"}
    office.advance(case_id, "propose_ban", details=changed, years=2, conduct_date=date(2025, 10, 9))
    status = scrutiny(office, case_id)
    assert (status["review"], status["discussion"]) == ("stale", "stale")
    serve_all(office, case_id, date(2026, 11, 27))
    later = office.at(datetime.fromisoformat("2026-12-07T09:00:00+08:00"))
    error = refused_unchanged(later, lambda: advance(later, case_id, "impose_ban", years=2))
    assert "no longer counts" in error.message
    clear_ban(later, case_id)
    frozen = later.case(case_id).history[-2].data["frozen"]
    assert (frozen["facts"], frozen["term"]) == ("挪用定向捐赠款项", 2)
    assert advance(later, case_id, "impose_ban", years=2).to_state is S.BANNED


def test_a_review_before_the_hearing_record_no_longer_counts(office: Office) -> None:
    case_id = case_in(office, S.HEARING_SCHEDULED)
    clear_ban(office, case_id)
    advance(office, case_id, "record_hearing", reason="听证中当事人提出新证据")
    assert scrutiny(office, case_id)["review"] == "stale"
    error = refused_unchanged(office, lambda: advance(office, case_id, "impose_ban", years=3))
    assert error.details["rule"] == "legal_review"


def test_a_discussion_against_the_ban_lets_only_the_drop_follow(office: Office) -> None:
    case_id = heard(office)
    scrutinize(office, case_id, "review")
    scrutinize(office, case_id, "discuss", {"decision": "drop_ban"})
    assert scrutiny(office, case_id)["discussion"] == "rejected"
    error = refused_unchanged(office, lambda: advance(office, case_id, "impose_ban", years=3))
    assert "concluded drop_ban" in error.message
    assert advance(office, case_id, "drop_ban", reason="集体讨论决定不予处罚").to_state is (
        S.APPOINTED
    )


def test_review_and_discussion_refuse_a_case_with_nothing_proposed(office: Office) -> None:
    case_id = case_in(office, S.APPOINTED)
    error = refused_unchanged(
        office,
        lambda: office.review(case_id, approve=True, opinion="x", actor=REVIEWER),
        NotAllowed,
    )
    assert "nothing to review" in error.message
    refused_unchanged(office, lambda: scrutinize(office, case_id, "discuss"), NotAllowed)


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"attendees": ATTENDEES[:2]}, "at least 3 of the bureau's heads"),
        ({"attendees": [*ATTENDEES[:2], ATTENDEES[0]]}, "listed twice"),
        ({"on": date(2026, 11, 28)}, "in the future"),
        ({"decision": "propose_ban"}, "is not a decision"),
        ({"decision": "drop_ban", "years": 2}, "--years goes with --decision impose_ban"),
    ],
)
def test_discussion_input_is_checked(office: Office, inputs: dict[str, Any], message: str) -> None:
    case_id = heard(office)
    engine = create_engine(office.runtime.db_url)
    before = contract.dump(engine)
    with pytest.raises(InvalidInput, match=message):
        scrutinize(office, case_id, "discuss", inputs)
    assert contract.dump(engine) == before
    engine.dispose()


def test_a_discussion_may_not_conclude_more_than_proposed_or_predate_the_case(
    office: Office,
) -> None:
    case_id = heard(office)
    error = refused_unchanged(office, lambda: scrutinize(office, case_id, "discuss", {"years": 4}))
    assert error.details["rule"] == "measure"
    error = refused_unchanged(
        office, lambda: scrutinize(office, case_id, "discuss", {"on": date(2026, 11, 26)})
    )
    assert "before the case's latest step" in error.message
    error = refused_unchanged(
        office,
        lambda: scrutinize(office, case_id, "discuss", {"decision": "issue_warning"}),
        NotAllowed,
    )
    assert "concludes impose_ban or drop_ban, not issue_warning" in error.message


def test_the_hearing_chair_did_not_investigate(office: Office) -> None:
    case_id = case_in(office, S.BAN_PROPOSED)
    place = {"place": "渝中区民政局听证室"}
    error = refused_unchanged(
        office,
        lambda: office.advance(
            case_id,
            "request_hearing",
            date=date(2026, 12, 15),
            time=time(9, 30),
            details={**place, "chair": "zhang"},
        ),
    )
    assert error.details["rule"] == "hearing_chair" and "第六十四条第（四）项" in error.message
    # A chair who took no step of the case (a user or not) is recorded as given.
    result = office.advance(
        case_id,
        "request_hearing",
        date=date(2026, 12, 15),
        time=time(9, 30),
        details={**place, "chair": "赵六"},
    )
    assert result.to_state is S.HEARING_SCHEDULED
    error = refused_unchanged(
        office,
        lambda: office.advance(
            case_id,
            "reschedule_hearing",
            date=date(2026, 12, 16),
            time=time(9, 30),
            details={**place, "chair": "zhang"},
        ),
    )
    assert error.details["rule"] == "hearing_chair"


def test_case_next_shows_what_the_decision_waits_for(office: Office) -> None:
    case_id = heard(office)
    _, events = office.next_events(case_id)
    impose = next(e for e in events if e.event == "impose_ban")
    assert not impose.allowed and impose.reason is not None and "legal review" in impose.reason
    assert impose.scrutiny == {
        "decision": "impose_ban",
        "review": "pending",
        "discussion": "pending",
        "conclusion": None,
        "years": None,
    }
    clear_ban(office, case_id)
    _, events = office.next_events(case_id)
    impose = next(e for e in events if e.event == "impose_ban")
    assert impose.allowed and impose.scrutiny is not None
    assert impose.scrutiny["review"] == "passed"


def test_first_time_reviewers_need_the_qualification(make_office: MakeOffice) -> None:
    admin = make_office(user="root")
    admin.init(admin="root")
    admin.add_user("zhang", role="director")
    admin.add_user("qian", role="legal_reviewer")
    admin.add_user("sun", role="legal_reviewer", qualification="A20231234567")
    office = make_office(user="zhang")
    case_id = heard(office)
    error = refused_unchanged(
        office, lambda: office.review(case_id, approve=True, opinion="同意", actor="qian")
    )
    assert error.details["rule"] == "reviewer_qualification"
    assert "supervise user edit qian --qualification" in error.message
    done = office.review(case_id, approve=True, opinion="同意", actor="sun")
    shown = office.case(case_id).history[-1]
    assert (shown.event, shown.data["qualification"], done.outcome) == (
        "review",
        "A20231234567",
        "approved",
    )


def test_the_loader_refuses_a_floor_below_the_law(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("decisions:\n  review: [impose_ban]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="order_replacement"):
        load_settings(config, environ={})
    config.write_text("decisions:\n  review: [order_replacement, impose_ban, issue_warning]\n")
    assert "issue_warning" in load_settings(config, environ={}).decisions.review


def test_the_cli(office: Office, db_url: str) -> None:
    case_id = heard(office)
    runner = CliRunner()
    base = ["--db", db_url, "--as", REVIEWER]
    env = {"SUPERVISE_NOW": "2026-11-27T10:00:00+08:00"}
    both = runner.invoke(
        cli, [*base, "review", str(case_id), "--approve", "--reject", "--opinion", "x"], env=env
    )
    assert both.exit_code == 2 and "exactly one of --approve or --reject" in both.stderr
    done = runner.invoke(
        cli, [*base, "review", str(case_id), "--approve", "--opinion", "同意", "--json"], env=env
    )
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout)["scrutiny"]["review"] == "passed"
    as_director = ["--db", db_url, "--as", "zhang"]
    few = runner.invoke(
        cli,
        [*as_director, "discuss", str(case_id), "--on", "2026-11-27", "--attendees", "王局长",
         "--decision", "impose_ban", "--conclusion", "同意"],
        env=env,
    )  # fmt: skip
    assert few.exit_code == 2 and few.stderr.count("\n") == 1 and "at least 3" in few.stderr
    ok = runner.invoke(
        cli,
        [*as_director, "discuss", str(case_id), "--on", "2026-11-27", "--attendees", *ATTENDEES,
         "--decision", "impose_ban", "--years", "3", "--conclusion", "同意从业禁止三年"],
        env=env,
    )  # fmt: skip
    assert ok.exit_code == 0, ok.stderr
    assert "concluded impose_ban (3 years)" in ok.stdout
    shown = runner.invoke(cli, [*as_director, "case", "show", str(case_id)], env=env)
    assert "legal review (法制审核) of impose_ban: passed" in shown.stdout
    assert "collective discussion (集体讨论) of impose_ban: passed, concluded impose_ban" in (
        shown.stdout
    )
    refused = runner.invoke(
        cli, [*as_director, "case", "advance", str(case_id), "impose_ban", "--years", "2"], env=env
    )
    assert refused.exit_code == 1 and "Error: impose_ban refused" in refused.stderr


def test_the_guard_reads_nothing_beyond_the_one_case_read(office: Office) -> None:
    from tests.integration.test_advance_reads import statements

    case_id = heard(office)
    sent = statements(
        lambda: pytest.raises(GuardRefused, advance, office, case_id, "impose_ban", years=3)
    )
    # The case's one read (the acting user's row comes with it); then the refusal's audit
    # row (its own transaction: the audit chain's head, the INSERT).
    before_audit = [s for s in sent if "audit" not in s]
    assert [s.split()[0] for s in before_audit] == ["SELECT"], sent
    assert "FROM cases" in before_audit[0], sent
