"""Who may do what (issue 11): every row of the permission table, allowed and refused, through
the library API on SQLite and PostgreSQL; unknown and disabled users; district limits;
refusals audited and changing nothing; ``init --admin``; the README's generated table.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine

from supervise import permissions
from supervise.cli import cli
from supervise.errors import NotAllowed, NotFound, SuperviseError
from supervise.office import Office
from supervise.permissions import PERMISSIONS, ROLES
from supervise.story import id_number
from tests.conftest import MakeOffice, new_org, new_person
from tests.fuzz import contract
from tests.integration.helpers import audit_rows

README = Path(__file__).resolve().parents[2] / "README.md"

# One user per role; the directory's admin adds the others.
USERS = {role: f"u_{role}" for role in ROLES}


@pytest.fixture
def staffed(make_office: MakeOffice) -> Office:
    """An office with one user per role, an organization in 渝中区 and one in 江北区, each with
    an appointed case (ids 1 and 2)."""
    admin = make_office(user=USERS["admin"])
    admin.init(admin=USERS["admin"])
    for role, name in USERS.items():
        if role != "admin":
            admin.add_user(name, role=role, email=f"{name}@mzj.example.gov.cn")
    boss = make_office(user=USERS["director"])
    for district in ("渝中区", "江北区"):
        org = new_org(boss, charity=True, district=district)
        boss.appoint(org=org, person=new_person(boss), role="秘书长")
    return boss


# What each action does through the library API (an allowed call may still be refused by
# something else, e.g. a guard or a missing record, never by the permission rule).
CALLS: dict[str, Callable[[Office, str], object]] = {
    "case.show": lambda o, a: o.case(1, actor=a),
    "case.list": lambda o, a: list(o.cases(actor=a)),
    "case.next": lambda o, a: o.next_events(1, actor=a),
    "case.assign": lambda o, a: o.assign(1, USERS["supervisor"], actor=a),
    "org.show": lambda o, a: o.org(1, actor=a),
    "org.list": lambda o, a: o.orgs(actor=a),
    "org.add": lambda o, a: new_org(o, actor=a),
    "org.edit": lambda o, a: o.edit_org(1, township="解放碑街道", actor=a),
    "person.show": lambda o, a: o.person(1, actor=a),
    "person.list": lambda o, a: o.persons(actor=a),
    "person.find": lambda o, a: o.find_persons(name="李", actor=a),
    "person.add": lambda o, a: o.add_person(name="赵六", id_number=id_number(), actor=a),
    "person.edit": lambda o, a: o.edit_person(1, email="p@example.org", actor=a),
    "person.reveal": lambda o, a: o.reveal_id_number(1, actor=a),
    "keys.rotate": lambda o, a: o.rotate_keys(actor=a),
    "bans.check": lambda o, a: o.check_bans(id_number(), actor=a),
    "bans.list": lambda o, a: o.bans(actor=a),
    "bans.add": lambda o, a: o.add_court_ban(
        id_number=id_number(),
        name="钱七",
        judgment="（2026）渝0105刑初1号",
        court="重庆市南岸区人民法院",
        start=date(2026, 11, 1),
        until=date(2030, 10, 31),
        actor=a,
    ),
    "notice.list": lambda o, a: o.notices(actor=a),
    "notice.render": lambda o, a: o.render_notice(999, "html", actor=a),
    "notice.receipt_form": lambda o, a: o.receipt_form(999, "html", actor=a),
    "notice.verify": lambda o, a: o.verify_notice(999, README, actor=a),
    "notice.serve": lambda o, a: o.serve_notice(
        999, method="direct", on=date(2026, 11, 27), actor=a
    ),
    "calendar.show": lambda o, a: o.calendar_year(2026, actor=a),
    "calendar.load": lambda o, a: o.load_calendar("/nonexistent.yaml", actor=a),
    "agenda": lambda o, a: o.agenda(actor=a),
    "config.show": lambda o, a: o.config(actor=a),
    "doctor": lambda o, a: o.doctor(actor=a),
    "remind.status": lambda o, a: o.outbox_status(actor=a),
    "remind.list": lambda o, a: o.messages(actor=a),
    "remind.run": lambda o, a: o.run_reminders(actor=a),
    "remind.retry": lambda o, a: o.retry_messages(actor=a),
    "user.list": lambda o, a: o.users(actor=a),
    "user.add": lambda o, a: o.add_user("newcomer", actor=a),
    "user.edit": lambda o, a: o.edit_user(USERS["viewer"], email="v@x.cn", actor=a),
    "user.disable": lambda o, a: o.disable_user(USERS["viewer"], actor=a),
    "init": lambda o, a: o.init(actor=a),
    "backup": lambda o, a: o.backup(o.runtime.db_url.rsplit("/", 1)[-1] + ".bak", actor=a),
    "restore": lambda o, a: o.restore("/nonexistent.db", actor=a),
    "event:appoint": lambda o, a: o.appoint(org=1, person=1, role="理事长", actor=a),
    "review": lambda o, a: o.review(1, approve=True, opinion="同意", actor=a),
    "discuss": lambda o, a: o.discuss(
        1,
        on=date(2026, 11, 27),
        attendees=["王局长", "李副局长", "张副局长"],
        conclusion="同意",
        decision="impose_ban",
        actor=a,
    ),
    "audit.verify": lambda o, a: o.verify_chains(actor=a),
    "audit.anchor": lambda o, a: o.anchor_chains(actor=a),
    "audit.export": lambda o, a: o.export_chains("export.jsonl", case=1, actor=a),
    # Issue 12's bureau commands (calls that reach the service; a refusal there is not ours).
    "area.list": lambda o, a: o.areas("渝中区", actor=a),
    "area.import": lambda o, a: o.import_areas("/nonexistent.csv", actor=a),
    "org.link": lambda o, a: o.link_org(1, institution="渝中区未成年人救助保护中心", actor=a),
    "org.unlink": lambda o, a: o.unlink_org(1, actor=a),
    "org.advance": lambda o, a: o.advance_org(1, "open_review", reason="评估", actor=a),
    "contract.add": lambda o, a: o.add_contract(
        org=1,
        title="关爱服务",
        amount="1000",
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        actor=a,
    ),
    "contract.list": lambda o, a: o.contracts(actor=a),
    "contract.show": lambda o, a: o.contract(999, actor=a),
    "evaluate": lambda o, a: o.evaluate(999, "/nonexistent.yaml", actor=a),
    "report.cases": lambda o, a: o.cases_report(actor=a),
    "report.coverage": lambda o, a: o.coverage_report(actor=a),
    "report.contracts": lambda o, a: o.contracts_report(actor=a),
    "export": lambda o, a: list(o.export("orgs", actor=a).rows),
    "import": lambda o, a: o.import_file("orgs", "/nonexistent.csv", actor=a),
}
for _event in permissions.EVENT_ACTIONS - {"appoint"}:
    CALLS[permissions.event_action(_event)] = lambda o, a, e=_event: o.advance(1, e, actor=a)

# Runs forever when allowed: its row is checked through the refusal only.
NOT_CALLED = {"scheduler"}


def test_every_row_of_the_table_has_a_call_here() -> None:
    assert set(PERMISSIONS) - NOT_CALLED == set(CALLS)


def _permission_refusal(error: SuperviseError, action: str) -> bool:
    return isinstance(error, NotAllowed) and error.details.get("rule") == action


@pytest.mark.parametrize("action", sorted(CALLS))
def test_each_row_allows_its_roles_and_refuses_the_others(
    staffed: Office, action: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # backups land here
    rule = PERMISSIONS[action]
    engine = create_engine(staffed.runtime.db_url)
    for role in ROLES:
        name = USERS[role]
        if rule.allows(role):
            try:
                CALLS[action](staffed, name)
            except SuperviseError as error:
                assert not _permission_refusal(error, action), (role, error.message)
            continue
        before = contract.dump(engine)
        with pytest.raises(NotAllowed) as refused:
            CALLS[action](staffed, name)
        assert refused.value.details.get("rule") == action
        assert f"permission rule {action}" in refused.value.message
        after = contract.dump(engine)
        assert {t: r for t, r in before.items() if t != "audit"} == {
            t: r for t, r in after.items() if t != "audit"
        }
        new = after["audit"][len(before["audit"]) :]
        assert after["audit"][: len(before["audit"])] == before["audit"]
        assert len(new) == 1
        last = audit_rows(staffed)[-1]
        assert (last["by"], last["action"], last["outcome"]) == (name, action, "refused")
        assert f"permission rule {action}" in last["reason"]
    engine.dispose()


def test_the_scheduler_row_is_refused_to_unknown_users(staffed: Office) -> None:
    with pytest.raises(NotAllowed, match="not a user of this office"):
        staffed.run_scheduler(actor="stranger")


def test_unknown_and_disabled_users_are_refused_audited_and_change_nothing(
    staffed: Office,
) -> None:
    engine = create_engine(staffed.runtime.db_url)
    before = contract.dump(engine)
    with pytest.raises(NotAllowed, match="stranger is not a user of this office"):
        staffed.advance(1, "schedule_interview", date=date(2026, 12, 2), actor="stranger")
    staffed.disable_user(USERS["supervisor"], actor=USERS["admin"])
    with pytest.raises(NotAllowed, match="is disabled"):
        staffed.case(1, actor=USERS["supervisor"])
    rows = audit_rows(staffed)
    assert [(r["by"], r["action"], r["outcome"], r["case_id"]) for r in rows] == [
        ("stranger", "event:schedule_interview", "refused", 1),
        (USERS["supervisor"], "case.show", "refused", None),
    ]
    after = contract.dump(engine)
    assert after["cases"] == before["cases"] and after["history"] == before["history"]
    staffed.edit_user(USERS["supervisor"], enable=True, actor=USERS["admin"])
    assert staffed.case(1, actor=USERS["supervisor"]).id == 1
    engine.dispose()


def test_the_last_admin_cannot_be_disabled_or_demoted(staffed: Office) -> None:
    admin = USERS["admin"]
    with pytest.raises(NotAllowed, match="last enabled admin"):
        staffed.disable_user(admin, actor=admin)
    with pytest.raises(NotAllowed, match="last enabled admin"):
        staffed.edit_user(admin, role="viewer", actor=admin)


def test_districts_limit_lists_shows_and_advances(staffed: Office) -> None:
    admin = USERS["admin"]
    staffed.add_user("yz", role="supervisor", districts=["渝中区"], actor=admin)
    staffed.add_user("yzboss", role="director", districts=["渝中区"], actor=admin)
    assert [c.id for c in staffed.cases(actor="yz")] == [1]
    assert [c.id for c in staffed.cases(actor=USERS["supervisor"])] == [1, 2]
    assert [o.district for o in staffed.orgs(actor="yz")] == ["渝中区"]
    with pytest.raises(NotFound, match="no case with id 2"):
        staffed.case(2, actor="yz")
    with pytest.raises(NotFound, match="no case with id 2"):
        staffed.next_events(2, actor="yzboss")
    with pytest.raises(NotFound, match="no case with id 2"):
        staffed.advance(2, "schedule_interview", date=date(2026, 12, 2), actor="yz")
    with pytest.raises(NotFound, match="no organization with id 2"):
        staffed.org(2, actor="yz")
    with pytest.raises(NotFound, match="no organization with id 2"):
        staffed.appoint(org=2, person=1, role="理事长", actor="yz")
    with pytest.raises(NotFound, match="no case with id 2"):
        staffed.notices(case=2, actor="yz")
    with pytest.raises(NotFound, match="no case with id 2"):
        staffed.assign(2, "yz", actor="yzboss")
    result = staffed.advance(
        1,
        "schedule_interview",
        date=date(2026, 12, 2),
        facts="未按期报送年度工作报告",
        place="区民政局301室",
        details={"interviewers": ["张三", "王五"]},
        actor="yz",
    )
    assert result.to_state.value == "interview_scheduled"
    staffed.advance(
        2,
        "schedule_interview",
        date=date(2026, 12, 2),
        facts="未按期报送年度工作报告",
        place="区民政局301室",
        details={"interviewers": ["张三", "王五"]},
    )
    assert {i.case for i in staffed.agenda(actor="yz")} == {1}
    assert {i.case for i in staffed.agenda(actor=USERS["viewer"])} == {1, 2}
    assert [n.case for n in staffed.notices(actor="yz")] == [1]
    notice_of_2 = next(n.id for n in staffed.notices() if n.case == 2)
    with pytest.raises(NotFound):
        staffed.render_notice(notice_of_2, "html", actor="yz")
    staffed.edit_user("yz", districts=[], actor=admin)  # the limit lifted
    assert [c.id for c in staffed.cases(actor="yz")] == [1, 2]


def test_init_admin_bootstraps_once(make_office: MakeOffice) -> None:
    office = make_office(user="root")
    result = office.init(admin="wang")
    assert result.admin == "wang"
    assert [(u.name, u.role) for u in office.users(actor="wang")] == [("wang", "admin")]
    with pytest.raises(NotAllowed, match="has an admin already"):
        office.init(admin="li")
    with pytest.raises(NotAllowed, match="root is not a user"):
        office.init()  # re-running init on a database with users is an admin's act
    assert office.init(actor="wang").before == office.init(actor="wang").after


def test_an_empty_directory_enforces_nothing(office: Office) -> None:
    case = office.appoint(org=new_org(office), person=new_person(office), role="秘书长")
    assert office.case(case.id, actor="anyone").id == case.id


def test_permissions_command_prints_the_table() -> None:
    runner = CliRunner()
    data = runner.invoke(cli, ["permissions", "--json"])
    assert data.exit_code == 0
    rows = {r["action"]: r["roles"] for r in json.loads(data.stdout)}
    assert rows["event:issue_warning"] == ["director"]
    assert rows["event:propose_warning"] == ["supervisor", "director"]
    assert rows["user.add"] == ["admin"]
    text = runner.invoke(cli, ["permissions"])
    assert text.exit_code == 0 and "event:impose_ban" in text.stdout


def test_admins_cannot_advance_cases() -> None:
    assert not any(
        permissions.allows("admin", permissions.event_action(e)) for e in permissions.EVENT_ACTIONS
    )


def test_the_readme_table_is_generated_from_the_permission_table() -> None:
    readme = README.read_text(encoding="utf-8")
    assert permissions.markdown() in readme, (
        "README's permission table is stale: paste `python -c 'from supervise import "
        "permissions; print(permissions.markdown())'`"
    )
