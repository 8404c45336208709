"""The CLI of this issue through click's runner: users, assign, agenda, remind, doctor, config.

Every refusal is one line on stderr (or a JSON object with --json) and a non-zero status:
1 for a refused action, 2 for input rejected before anything was read.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from supervise.cli import cli
from supervise.office import Office
from tests.conftest import open_case
from tests.reminders.conftest import MailOffice, write_config
from tests.reminders.helpers import advance, mails
from tests.smtp_server import SmtpTestServer

Run = Callable[..., Result]
NOW = "2026-11-27T10:00:00+08:00"


@pytest.fixture
def run(db_url: str, mail_config: Path) -> Run:
    runner = CliRunner()

    def invoke(
        *args: str, now: str = NOW, user: str = "zhang", config: Path | None = None
    ) -> Result:
        return runner.invoke(
            cli,
            ["--db", db_url, "--as", user, "--config", str(config or mail_config), *args],
            env={"SUPERVISE_NOW": now, "SUPERVISE_CONFIG": None, "SUPERVISE_DB": None},
            catch_exceptions=False,
        )

    return invoke


def ok(result: Result) -> object:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def refused(result: Result, code: int, kind: str, fragment: str) -> None:
    assert result.exit_code == code, (result.stdout, result.stderr)
    error = json.loads(result.stderr)
    assert error["error"] == kind and fragment in error["message"], error
    assert result.stdout == ""


def test_user_add_list_edit(run: Run, db_url: str) -> None:
    ok(run("init", "--admin", "admin", "--json", user="admin"))
    wang = ok(
        run(
            "user",
            "add",
            "wang",
            "--email",
            "wang@mzj.example.gov.cn",
            "--role",
            "director",
            "--json",
            user="admin",
        )
    )
    assert wang == {
        "id": 2,
        "name": "wang",
        "email": "wang@mzj.example.gov.cn",
        "role": "director",
        "reports_to": None,
        "districts": [],
        "qualification": None,
        "disabled": False,
    }
    zhang = ok(
        run(
            "user",
            "add",
            "zhang",
            "--email",
            "zhang@mzj.example.gov.cn",
            "--reports-to",
            "wang",
            "--json",
            user="admin",
        )
    )
    assert zhang["role"] == "supervisor" and zhang["reports_to"] == "wang"
    listed = ok(run("user", "list", "--json", user="admin"))
    assert [u["name"] for u in listed] == ["admin", "wang", "zhang"]
    edited = ok(
        run(
            "user",
            "edit",
            "zhang",
            "--email",
            "z@mzj.example.gov.cn",
            "--no-reports-to",
            "--json",
            user="admin",
        )
    )
    assert edited["email"] == "z@mzj.example.gov.cn" and edited["reports_to"] is None
    human = run("user", "list", user="wang")
    assert human.exit_code == 0
    assert "zhang" in human.stdout and "z@mzj.example.gov.cn" in human.stdout
    assert _edits(db_url)[1:] == [
        {
            "email": {"old": "zhang@mzj.example.gov.cn", "new": "z@mzj.example.gov.cn"},
            "reports_to": {"old": "wang", "new": None},
        }
    ]


def _edits(db_url: str) -> list[object]:
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = (
            conn.execute(text("SELECT changes FROM edits WHERE entity = 'user' ORDER BY id"))
            .scalars()
            .all()
        )
    engine.dispose()
    return [json.loads(r) if isinstance(r, str) else r for r in rows]


@pytest.mark.parametrize(
    ("args", "code", "kind", "fragment"),
    [
        (["user", "add", "zhang", "--email", "z@x.cn"], 1, "conflict", "exists already"),
        (["user", "add", "x", "--email", "not-mail"], 2, "invalid", "must have an @-sign"),
        (["user", "add", "x y", "--email", "x@x.cn"], 2, "invalid", "one word"),
        (["user", "add", "x", "--email", "x@x.cn", "--role", "boss"], 2, "invalid", "boss"),
        (
            ["user", "add", "x", "--email", "x@x.cn", "--reports-to", "nobody"],
            1,
            "not_found",
            "no user named nobody",
        ),
        (
            ["user", "add", "x", "--qualification", "A2023"],
            2,
            "invalid",
            "legal reviewers only",
        ),
        (["user", "edit", "nobody", "--email", "n@x.cn"], 1, "not_found", "no user named"),
        (["user", "edit", "zhang"], 2, "invalid", "nothing to change"),
        (
            ["user", "edit", "zhang", "--reports-to", "wang", "--no-reports-to"],
            2,
            "invalid",
            "not both",
        ),
        (
            ["user", "edit", "wang", "--reports-to", "zhang"],
            1,
            "not_allowed",
            "reporting cycle (wang -> zhang -> wang)",
        ),
        (["user", "edit", "wang", "--reports-to", "wang"], 1, "not_allowed", "cycle"),
    ],
)
def test_user_refusals(run: Run, args: list[str], code: int, kind: str, fragment: str) -> None:
    admin = functools.partial(run, user="admin")
    ok(admin("init", "--admin", "admin", "--json"))
    ok(admin("user", "add", "wang", "--email", "wang@x.cn", "--role", "director", "--json"))
    ok(admin("user", "add", "zhang", "--email", "zhang@x.cn", "--reports-to", "wang", "--json"))
    before = ok(admin("user", "list", "--json"))
    refused(admin(*args, "--json"), code, kind, fragment)
    assert ok(admin("user", "list", "--json")) == before  # nothing changed
    plain = admin(*args)
    assert plain.exit_code == code and "Traceback" not in plain.stderr
    if "Usage:" in plain.stderr:  # click's own usage errors show the usage first
        assert plain.stderr.rstrip().splitlines()[-1].startswith("Error: ")
    else:
        assert plain.stderr.startswith("Error: ") and plain.stderr.count("\n") == 1


def test_case_assign_is_recorded_in_the_history(run: Run, office: Office) -> None:
    case_id = open_case(office)
    seq_before = len(office.case(case_id).history)
    result = ok(
        run("case", "assign", str(case_id), "li", "--reason", "工作调整", "--json", user="wang")
    )
    assert result == {
        "case": case_id,
        "supervisor": "li",
        "previous": "zhang",
        "seq": seq_before + 1,
    }
    view = office.case(case_id)
    last = view.history[-1]
    assert (last.event, last.by, last.reason, last.from_state, last.to_state) == (
        "assign",
        "wang",
        "工作调整",
        "appointed",
        "appointed",
    )
    assert last.data == {"from": "zhang", "to": "li"} and last.seq == seq_before + 1
    assert view.supervisor == "li"
    shown = ok(run("case", "show", str(case_id), "--json"))
    assert shown["supervisor"] == "li"  # type: ignore[index]
    human = run(
        "case", "assign", str(case_id), "zhang", now="2026-11-27T11:00:00+08:00", user="wang"
    )
    assert human.exit_code == 0 and human.stdout == f"case {case_id}: supervisor li -> zhang\n"


def test_case_assign_refusals(run: Run, office: Office) -> None:
    case_id = open_case(office)
    refused(
        run("case", "assign", str(case_id), "li", "--json"),
        1,
        "not_allowed",
        "zhang (supervisor) may not do case.assign",
    )
    run = functools.partial(run, user="wang")
    refused(run("case", "assign", "999", "li", "--json"), 1, "not_found", "no case with id 999")
    refused(
        run("case", "assign", str(case_id), "nobody", "--json"),
        1,
        "not_found",
        "no user named nobody",
    )
    refused(
        run("case", "assign", str(case_id), "zhang", "--json"),
        1,
        "not_allowed",
        "already assigned to zhang",
    )
    advance(office, case_id, "leave", reason="辞职")
    refused(run("case", "assign", str(case_id), "li", "--json"), 1, "not_allowed", "is closed")
    assert [h.event for h in office.case(case_id).history].count("assign") == 0


def test_remind_run_status_list_retry(
    run: Run, office: Office, smtp_server: SmtpTestServer
) -> None:
    case_id = open_case(office)
    advance(office, case_id, "schedule_interview", date=date(2026, 12, 4))
    smtp_server.stop()
    down = run("remind", "run", "--json", now="2026-12-07T09:00:00+08:00")
    counts = ok(down)
    assert isinstance(counts, dict)
    assert counts["queued"] >= 2 and counts["sent"] == 0 and counts["retrying"] == counts["queued"]
    assert "connection refused" in counts["server_error"]
    assert "Warning: connection refused" in down.stderr
    status = ok(run("remind", "status", "--json", now="2026-12-07T09:01:00+08:00"))
    assert isinstance(status, dict)
    assert status["pending"] == counts["queued"] and status["sent"] == 0
    assert status["failed"] == 0 and status["oldest_pending"] == "2026-12-07T09:00:00+08:00"
    assert status["next_attempt"] == "2026-12-07T09:05:00+08:00"
    human = run("remind", "status")
    assert "pending: " in human.stdout and "connection refused" in human.stdout
    smtp_server.start()
    up = run("remind", "run", now="2026-12-07T09:06:00+08:00")
    assert up.exit_code == 0, up.stderr
    assert "sent     overdue       " in up.stdout and "queued 0" in up.stdout
    listed = ok(run("remind", "list", "--case", str(case_id), "--json"))
    assert isinstance(listed, list)
    assert {m["status"] for m in listed} >= {"sent"}
    assert all(m["case"] == case_id for m in listed)
    assert listed[0]["message_id"].startswith("<") and listed[0]["sent_by"]
    assert len(mails(smtp_server, "约谈日期")) == 2
    retry = functools.partial(run, "remind", "retry", user="admin")
    assert ok(retry("--json")) == {"retried": 0}
    refused(retry("12345", "--json"), 1, "not_found", "no outbox message 12345")
    refused(retry(str(listed[0]["id"]), "--json"), 1, "not_allowed", "not failed")
    refused(run("remind", "list", "--status", "lost", "--json"), 2, "invalid", "unknown status")


def test_agenda_json_and_text(run: Run, office: Office) -> None:
    case_id = open_case(office)
    advance(office, case_id, "schedule_interview", date=date(2026, 12, 4))
    items = ok(run("agenda", "--days", "7", "--json"))
    assert isinstance(items, list)
    interview = [i for i in items if i["kind"] == "interview"]
    assert interview == [
        {
            "case": case_id,
            "kind": "interview",
            "due": "2026-12-04",
            "provisional": False,
            "overdue": False,
            "supervisor": "zhang",
            "nature": "office",
            "state": "interview_scheduled",
            "organization": interview[0]["organization"],
            "person": "李四",
            "person_id_masked": interview[0]["person_id_masked"],
        }
    ]
    assert ok(run("agenda", "--days", "7", "--user", "li", "--json")) == []
    later = ok(run("agenda", "--days", "0", "--json", now="2026-12-08T09:00:00+08:00"))
    assert isinstance(later, list)
    assert [i["overdue"] for i in later if i["kind"] == "interview"] == [True]
    text = run("agenda", "--days", "7")
    assert text.stdout.startswith("zhang:\n") and "2026-12-04" in text.stdout
    bad = run("agenda", "--days", "-1")
    assert bad.exit_code == 2 and "--days" in bad.stderr


def test_doctor_checks_the_smtp_server(
    run: Run, office: Office, smtp_server: SmtpTestServer
) -> None:
    checks = ok_checks(run("doctor", "--json"))
    assert checks["mail"]["ok"] and f"{smtp_server.port} answers" in checks["mail"]["message"]
    assert checks["users"]["ok"]
    smtp_server.stop()
    down = run("doctor", "--json")
    assert down.exit_code == 1
    checks = ok_checks(down)
    assert not checks["mail"]["ok"]
    assert "connection refused" in checks["mail"]["message"]
    text = run("doctor")
    assert "[FIX] mail: connection refused" in text.stdout


def test_doctor_names_supervisors_the_directory_lacks(run: Run, mail_office: MailOffice) -> None:
    stranger = mail_office(user="zhao")
    open_case(stranger)
    checks = ok_checks(run("doctor", "--json"))
    assert not checks["users"]["ok"]
    assert "zhao" in checks["users"]["message"] and "user add" in checks["users"]["message"]
    ok(run("user", "add", "zhao", "--email", "zhao@x.cn", "--json"))  # the first user
    checks = ok_checks(run("doctor", "--json", user="zhao"))
    assert not checks["users"]["ok"] and "without reports-to" in checks["users"]["message"]


def ok_checks(result: Result) -> dict[str, dict[str, object]]:
    return {c["check"]: c for c in json.loads(result.stdout)}


def test_mail_config_keys(tmp_path: Path, smtp_server: SmtpTestServer) -> None:
    path = tmp_path / "mail.yaml"
    path.write_text(
        "mail:\n  transport: smtp\n  from: 监督系统 <robot@mzj.example.gov.cn>\n"
        "  smtp: {host: 127.0.0.1, port: 2525, security: starttls, user: robot, "
        "password_env: SMTP_PASSWORD}\n  file: {dir: /var/spool/supervise}\n",
        encoding="utf-8",
    )
    shown = CliRunner().invoke(cli, ["--config", str(path), "config", "show", "--json"])
    data = json.loads(shown.stdout)["mail"]
    assert data == {
        "transport": "smtp",
        "from": "监督系统 <robot@mzj.example.gov.cn>",
        "smtp": {
            "host": "127.0.0.1",
            "port": 2525,
            "security": "starttls",
            "user": "robot",
            "password_env": "SMTP_PASSWORD",
            "timeout": 10.0,
        },
        "file": {"dir": "/var/spool/supervise"},
    }
    text = CliRunner().invoke(cli, ["--config", str(path), "config", "show"])
    assert "from: 监督系统 <robot@mzj.example.gov.cn>" in text.stdout


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("mail:\n  sender: a@b.cn\n", "unknown config key mail.sender"),
        ("mail:\n  transport: carrier-pigeon\n", "mail.transport"),
        ("mail:\n  smtp: {security: tls}\n", "mail.smtp.security"),
        ("mail:\n  smtp: {port: 70000}\n", "mail.smtp.port"),
        ("mail:\n  smtp: {user: robot}\n", "mail.smtp.password_env"),
        ("mail:\n  from: nobody\n", "mail.from"),
        ("reminders:\n  before_workdays: [3, -1]\n", "reminders.before_workdays"),
        ("reminders:\n  send_from: '8 am'\n", "reminders.send_from"),
        ("reminders:\n  repeat_every_workdays: 0\n", "reminders.repeat_every_workdays"),
        ("reminders:\n  parties: {rectification: [mayor]}\n", "reminders.parties.rectification"),
        ("reminders:\n  parties: {lunch: [person]}\n", "reminders.parties.lunch"),
        ("reminders:\n  digest: {cron: 'every morning'}\n", "reminders.digest.cron"),
        ("reminders:\n  delivery: {max_attempts: 0}\n", "reminders.delivery.max_attempts"),
    ],
)
def test_bad_mail_and_reminder_config_is_refused(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "office.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(path), "config", "show"])
    assert result.exit_code == 2, result.stdout
    assert fragment in result.stderr and result.stderr.count("\n") == 1


def test_a_file_with_only_the_mail_keys_is_enough(
    tmp_path: Path, smtp_server: SmtpTestServer
) -> None:
    path = write_config(tmp_path / "only-mail.yaml", smtp_server)
    result = CliRunner().invoke(cli, ["--config", str(path), "config", "show", "--json"])
    data = json.loads(result.stdout)
    assert data["mail"]["smtp"]["port"] == smtp_server.port
    assert data["reminders"]["before_workdays"] == [3, 0]  # defaults kept
    assert data["periods"]["decision"]["calendar_days"] == 90
