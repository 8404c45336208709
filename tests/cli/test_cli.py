"""The CLI contract through click's runner: output, JSON shapes, errors and exit statuses."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine

import supervise
from supervise.cli import cli
from supervise.states import CaseState
from supervise.story import credit_code, drive_to, id_number
from tests.conftest import NOW as CONFTEST_NOW
from tests.conftest import TEST_ENV, new_org, new_person
from tests.fuzz import contract

Run = Callable[..., Result]
NOW = "2026-11-27T10:00:00+08:00"


@pytest.fixture
def run(db_url: str) -> Run:
    runner = CliRunner()

    def invoke(*args: str, now: str = NOW, user: str = "zhang") -> Result:
        return runner.invoke(
            cli,
            ["--db", db_url, "--as", user, *args],
            env={"SUPERVISE_NOW": now, "SUPERVISE_CONFIG": None, "SUPERVISE_DB": None},
            catch_exceptions=False,
        )

    return invoke


def ok(result: Result) -> object:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def world(run: Run) -> dict[str, int | str]:
    number = id_number()
    org = ok(
        run(
            "org",
            "add",
            "--name",
            "某某儿童服务中心",
            "--credit-code",
            credit_code(),
            "--district",
            "渝中区",
            "--kind",
            "social-group",
            "--charity",
            "--json",
        )
    )
    person = ok(run("person", "add", "--name", "李四", "--id-number", number, "--json"))
    assert isinstance(org, dict) and isinstance(person, dict)
    case = ok(
        run(
            "appoint",
            "--org",
            str(org["id"]),
            "--person",
            str(person["id"]),
            "--role",
            "秘书长",
            "--json",
        )
    )
    assert isinstance(case, dict)
    return {"org": org["id"], "person": person["id"], "case": case["id"], "number": number}


def test_case_json_shapes(run: Run, world: dict[str, int | str], tmp_path: Path) -> None:
    case = str(world["case"])
    details = tmp_path / "warning.yaml"
    details.write_text("evidence: 年检记录\n", encoding="utf-8")
    advanced = ok(
        run(
            "case",
            "advance",
            case,
            "propose_warning",
            "--reason",
            "未年检",
            "--facts",
            "未按规定年检",
            "--details",
            str(details),
            "--json",
        )
    )
    assert isinstance(advanced, dict) and advanced["state"] == "warning_proposed"
    [notice] = advanced["notices"]
    assert notice["type"] == "warning_prior_notice"
    assert notice["number"] == "渝民社罚告〔2026〕1号"
    shown = ok(run("case", "show", case, "--json"))
    assert isinstance(shown, dict)
    assert {"id", "state", "organization", "person", "role", "deadlines", "history"} <= set(shown)
    assert shown["person"]["id_number_masked"].count("*") == 8
    assert {d["kind"] for d in shown["deadlines"]} == {"defence_window", "decision", "service"}
    assert set(shown["deadlines"][0]) >= {"kind", "due", "provisional"}
    window = next(d for d in shown["deadlines"] if d["kind"] == "defence_window")
    assert window["due"] is None and window["waiting_for_service"] is True
    last = shown["history"][-1]
    assert set(last) >= {"event", "from", "to", "at", "recorded_at", "by", "reason", "basis"}
    assert last["at"] == NOW and last["by"] == "zhang" and last["basis"] == "shetuan-30"
    served = ok(
        run(
            "notice",
            "serve",
            str(notice["id"]),
            "--method",
            "direct",
            "--on",
            "2026-11-27",
            "--no-receipt",
            "--reason",
            "当事人当场签收，回证随卷归档后补扫描",
            "--json",
        )
    )
    assert isinstance(served, dict) and served["windows"] == {"defence_window": "2026-12-02"}
    nxt = ok(run("case", "next", case, "--json"))
    assert isinstance(nxt, list)
    issue = next(e for e in nxt if e["event"] == "issue_warning")
    assert issue == {
        "event": "issue_warning",
        "allowed": False,
        "reason": issue["reason"],
        "earliest": "2026-12-03T00:00:00+08:00",
        "bases": ["shetuan-30"],
        # A warning needs neither 法制审核 nor 集体讨论 by default (issue 11).
        "scrutiny": {
            "decision": "issue_warning",
            "review": "not_needed",
            "discussion": "not_needed",
            "conclusion": None,
            "years": None,
        },
    }
    listed = ok(run("case", "list", "--state", "warning_proposed", "--json"))
    assert isinstance(listed, list) and [c["id"] for c in listed] == [world["case"]]


def test_full_id_number_never_printed(run: Run, world: dict[str, int | str]) -> None:
    number = str(world["number"])
    outputs = [
        run("person", "list"),
        run("person", "list", "--json"),
        run("person", "show", str(world["person"]), "--json"),
        run("person", "find", "--id-number", number, "--json"),
        run("case", "show", str(world["case"])),
        run("case", "show", str(world["case"]), "--json"),
        run("bans", "check", "--id-number", number, "--json"),
    ]
    for result in outputs:
        assert result.exit_code == 0
        assert number not in result.output


def test_bans_check_json(run: Run, world: dict[str, int | str]) -> None:
    result = ok(run("bans", "check", "--id-number", str(world["number"]), "--json"))
    assert result == {"banned": False, "bans": []}
    ok(
        run(
            "case",
            "advance",
            str(world["case"]),
            "record_court_ban",
            "--judgment",
            "J1",
            "--court",
            "重庆市渝中区人民法院",
            "--from",
            "2026-11-01",
            "--until",
            "2030-10-31",
            "--json",
        )
    )
    result = ok(run("bans", "check", "--id-number", str(world["number"]), "--json"))
    assert result == {
        "banned": True,
        "bans": [
            {
                "case": world["case"],
                "basis": "xingfa-37-1",
                "from": "2026-11-01",
                "until": "2030-10-31",
                "lifelong": False,
                "status": "active",
                "years": 4,
            }
        ],
    }


@pytest.mark.parametrize(
    ("args", "code", "kind", "fragment"),
    [
        (["case", "show", "999"], 1, "not_found", "no case with id 999"),
        (["case", "advance", "{case}", "issue_warning"], 1, "not_allowed", "allowed: "),
        (
            ["case", "advance", "{case}", "schedule_interview", "--date", "2026-11-30"],
            1,
            "guard",
            "earliest",
        ),
        (
            ["case", "advance", "{case}", "schedule_interview", "--date", "2026-13-01"],
            2,
            "invalid",
            "not a real calendar date",
        ),
        (
            ["case", "advance", "{case}", "leave", "--reason", "x", "--at", "tomorrow"],
            2,
            "invalid",
            "not a date or time",
        ),
        (
            ["case", "advance", "{case}", "leave", "--reason", "x", "--at", "2026-11-28"],
            2,
            "invalid",
            "in the future",
        ),
        (
            ["case", "advance", "{case}", "leave", "--reason", "x", "--at", "2026-11-01"],
            1,
            "not_allowed",
            "before the case's latest event",
        ),
        (
            ["person", "add", "--name", "x", "--id-number", "110105194912310021"],
            2,
            "invalid",
            "check character",
        ),
        (
            [
                "org",
                "add",
                "--name",
                "x",
                "--credit-code",
                "91350100M000100Y44",
                "--district",
                "d",
                "--kind",
                "foundation",
            ],
            2,
            "invalid",
            "GB 32100",
        ),
        (
            ["appoint", "--org", "{org}", "--person", "{person}", "--role", "秘书长"],
            1,
            "not_allowed",
            "already holds",
        ),
        (["case", "list", "--state", "sleeping"], 2, "invalid", "unknown state"),
        (["case", "advance", "{case}", "propose_replacement"], 1, "not_allowed", "allowed: "),
    ],
)
def test_refusals_are_one_line_and_change_nothing(
    run: Run, world: dict[str, int | str], args: list[str], code: int, kind: str, fragment: str
) -> None:
    filled = [a.format(**world) for a in args]
    before = run("case", "show", str(world["case"]), "--json").stdout
    plain = run(*filled)
    assert plain.exit_code == code
    assert plain.stdout == ""
    lines = plain.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and fragment in lines[0]
    as_json = run(*filled, "--json")
    assert as_json.exit_code == code
    error = json.loads(as_json.stderr)
    assert error["error"] == kind and fragment in error["message"]
    assert run("case", "show", str(world["case"]), "--json").stdout == before


def test_usage_errors_exit_2(run: Run) -> None:
    result = run("case", "advance")
    assert result.exit_code == 2
    result = run("case", "advance", "x", "leave", "--json")
    assert result.exit_code == 2 and json.loads(result.stderr)["error"] == "invalid"


def test_not_a_database_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 100)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    runner = CliRunner()
    for args in (["init"], ["case", "list"], ["doctor"]):
        result = runner.invoke(cli, ["--db", str(path), *args], env={"SUPERVISE_CONFIG": None})
        assert result.exit_code == 1, result.output
        assert "is not a supervise database" in result.output
        assert "Traceback" not in result.output
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_newer_schema_is_refused_untouched(tmp_path: Path, sqlite_url: str) -> None:
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    runner = CliRunner()
    for args in (["init"], ["case", "list"]):
        result = runner.invoke(
            cli, ["--db", sqlite_url, *args, "--json"], env={"SUPERVISE_CONFIG": None}
        )
        assert result.exit_code == 1
        error = json.loads(result.stderr)
        assert error["error"] == "database" and "newer" in error["message"]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_missing_and_uninitialised_databases(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = tmp_path / "nothing.db"
    result = runner.invoke(
        cli, ["--db", str(missing), "case", "list"], env={"SUPERVISE_CONFIG": None}
    )
    assert result.exit_code == 1 and "run `supervise init`" in result.stderr
    assert not missing.exists()
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    result = runner.invoke(
        cli, ["--db", str(empty), "case", "list"], env={"SUPERVISE_CONFIG": None}
    )
    assert result.exit_code == 1 and "not initialised" in result.stderr


def test_init_twice(tmp_path: Path) -> None:
    runner = CliRunner()
    url = str(tmp_path / "x.db")
    first = runner.invoke(cli, ["--db", url, "init"], env={"SUPERVISE_CONFIG": None})
    assert first.exit_code == 0 and "initialised" in first.stdout
    second = runner.invoke(cli, ["--db", url, "init"], env={"SUPERVISE_CONFIG": None})
    assert second.exit_code == 0 and "up to date" in second.stdout


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (
            "periods:\n  defence_window:\n    workdays: 5\n    wordays: 3\n",
            "periods.defence_window.wordays",
        ),
        ("timezone: Mars/Olympus\n", "timezone"),
        ("periods:\n  decision:\n    calendar_days: ninety\n", "periods.decision.calendar_days"),
        ("roles: 秘书长\n", "roles"),
        (
            "bases:\n  x:\n    citation: c\n    allows: [fine]\n    kinds: [foundation]\n",
            "bases.x.allows",
        ),
    ],
)
def test_bad_config_is_refused_naming_the_key(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "office.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(path), "config", "show"])
    assert result.exit_code == 2
    assert fragment in result.stderr and result.stderr.count("\n") == 1


def test_config_layering(tmp_path: Path) -> None:
    path = tmp_path / "office.yaml"
    path.write_text("periods:\n  defence_window:\n    workdays: 5\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(path), "config", "show", "--json"])
    data = json.loads(result.stdout)
    assert data["periods"]["defence_window"]["workdays"] == 5
    assert data["periods"]["decision"]["calendar_days"] == 90  # untouched defaults remain
    missing = CliRunner().invoke(cli, ["--config", str(tmp_path / "none.yaml"), "config", "show"])
    assert missing.exit_code == 2 and "cannot read config file" in missing.stderr


def test_graph_is_mermaid_from_the_machine() -> None:
    result = CliRunner().invoke(cli, ["graph"])
    assert result.exit_code == 0
    assert result.stdout.startswith("---") or "stateDiagram" in result.stdout
    assert "warning_proposed --> warned: issue_warning" in result.stdout
    assert "拟警告" in result.stdout


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    ctx = click.Context(group)
    found: list[tuple[str, ...]] = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found.extend(_commands(command, (*prefix, name)))
    return found


@pytest.mark.parametrize("path", _commands(cli), ids=lambda p: " ".join(p))
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    command: click.Command | None = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.get_command(click.Context(command), name)
    if not isinstance(command, click.Group):
        assert "Example:" in result.stdout, path


def test_docs_state_diagram_is_fresh() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "states.md").read_text(encoding="utf-8")
    result = CliRunner().invoke(cli, ["graph"])
    assert result.stdout in docs, "docs/states.md is stale: regenerate it with `supervise graph`"


def test_edits_keep_the_old_values(run: Run, world: dict[str, int | str]) -> None:
    org = str(world["org"])
    edited = ok(
        run(
            "org", "edit", org, "--name", "新名称儿童服务中心", "--township", "解放碑街道", "--json"
        )
    )
    assert isinstance(edited, dict) and edited["name"] == "新名称儿童服务中心"
    shown = ok(run("org", "show", org, "--json"))
    assert isinstance(shown, dict)
    [edit] = shown["history"]
    assert edit["by"] == "zhang"
    assert edit["changes"]["name"] == {"old": "某某儿童服务中心", "new": "新名称儿童服务中心"}
    assert edit["changes"]["township"] == {"old": None, "new": "解放碑街道"}
    nothing = run("org", "edit", org)
    assert nothing.exit_code == 2 and "nothing to change" in nothing.stderr
    bad = run("person", "edit", str(world["person"]), "--email", "not-an-address")
    assert bad.exit_code == 2
    person = ok(run("person", "edit", str(world["person"]), "--email", "li@example.org", "--json"))
    assert isinstance(person, dict) and person["email"] == "li@example.org"
    history = ok(run("person", "show", str(world["person"]), "--json"))
    assert isinstance(history, dict)
    assert history["history"][0]["changes"] == {"email": {"old": None, "new": "li@example.org"}}


def test_render_into_a_missing_folder_is_refused_before_anything_is_recorded(
    db_url: str, tmp_path: Path
) -> None:
    # Found by the fuzzing suite: the first render recorded the PDF's hash, then writing the
    # file failed, so a refusal had changed the notices table.
    office = supervise.open(db_url, actor="zhang", now=CONFTEST_NOW, environ=TEST_ENV)
    try:
        case = office.appoint(org=new_org(office), person=new_person(office), role="秘书长").id
        drive_to(office, case, CaseState.INTERVIEW_SCHEDULED)
        notice = office.notices(case=case)[0].id
    finally:
        office.close()
    engine = create_engine(db_url)
    before = contract.dump(engine)
    target = tmp_path / "missing" / "n.pdf"
    result = CliRunner().invoke(
        cli,
        ["--db", db_url, "--as", "zhang", "notice", "render", str(notice), "-o", str(target)],
        env={"SUPERVISE_NOW": CONFTEST_NOW.isoformat(), "SUPERVISE_CONFIG": None},
    )
    assert result.exit_code == 2, result.output
    assert "create it first" in result.stderr and len(result.stderr.splitlines()) == 1
    assert contract.dump(engine) == before
    engine.dispose()
