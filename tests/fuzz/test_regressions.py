"""Issue 9's defects, one named example each, through the CLI on SQLite and PostgreSQL.

Every example is checked against the same contract as the fuzzing suite
(``contract.check``: exit 0/1/2, one line on stderr, one JSON object with --json, nothing
changed on a refusal, no full ID number, no raw control character), and then for what the
defect was about. Each failed on the code before the issue was fixed.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, text

from supervise.cli import cli
from supervise.db import SCHEMA_HEAD
from supervise.redact import id_check_char
from supervise.story import credit_code, id_number
from tests.fuzz import contract

NOW = "2026-11-27T10:00:00+08:00"
Run = Callable[..., Result]


@pytest.fixture
def run(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Run]:
    monkeypatch.chdir(tmp_path)
    engine = create_engine(db_url)

    def invoke(*args: str, now: str = NOW, check: bool = True, user: str = "zhang") -> Result:
        argv = ["--db", db_url, "--as", user, *args]
        before = contract.dump(engine)
        result = CliRunner().invoke(
            cli,
            argv,
            env={
                "SUPERVISE_NOW": now,
                "SUPERVISE_CONFIG": None,
                "SUPERVISE_DB": None,
                "SUPERVISE_LOG": str(tmp_path / "supervise.log"),
            },
            catch_exceptions=True,
        )
        if check:
            contract.check(result, argv, before, contract.dump(engine), command=args[0])
        return result

    yield invoke
    engine.dispose()


def ok(result: Result) -> dict:  # type: ignore[type-arg]
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    return data


def refused(result: Result, code: int, fragment: str) -> str:
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert fragment in result.stderr, result.stderr
    return result.stderr


@pytest.fixture
def world(run: Run) -> dict[str, str]:
    number = id_number()
    org = ok(
        run(
            "org",
            "add",
            "--name",
            "中心甲",
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
    other = ok(
        run(
            "org",
            "add",
            "--name",
            "中心乙",
            "--credit-code",
            credit_code(),
            "--district",
            "渝北区",
            "--kind",
            "service-org",
            "--charity",
            "--json",
        )
    )
    person = ok(run("person", "add", "--name", "李四", "--id-number", number, "--json"))
    first = ok(
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
    second = ok(
        run(
            "appoint",
            "--org",
            str(other["id"]),
            "--person",
            str(person["id"]),
            "--role",
            "理事",
            "--json",
        )
    )
    return {
        "case": str(first["id"]),
        "other": str(second["id"]),
        "number": number,
        "person": str(person["id"]),
        "org": str(org["id"]),
    }


def test_defect_1_an_expired_court_ban_does_not_cascade(run: Run, world: dict[str, str]) -> None:
    done = ok(
        run(
            "case",
            "advance",
            world["case"],
            "record_court_ban",
            "--judgment",
            "(2009)渝0103刑初1号",
            "--court",
            "重庆市渝中区人民法院",
            "--from",
            "2010-01-01",
            "--until",
            "2013-01-01",
            "--json",
        )
    )
    assert done["cascaded"] == [] and done["to"] == "ban_ended"
    assert ok(run("case", "show", world["other"], "--json"))["state"] == "appointed"
    listed = json.loads(run("bans", "list", "--json").stdout)
    active = json.loads(run("bans", "list", "--active", "--json").stdout)
    assert [b["status"] for b in listed] == ["ended"] and active == []
    assert ok(run("bans", "check", "--id-number", world["number"], "--json"))["banned"] is False
    refused(
        run(
            "case",
            "advance",
            world["other"],
            "record_court_ban",
            "--judgment",
            "J",
            "--court",
            "重庆市渝中区人民法院",
            "--from",
            "0001-01-01",
            "--until",
            "0004-01-01",
        ),
        2,
        "--from 0001-01-01",
    )


@pytest.mark.parametrize("as_json", [False, True])
def test_output_masks_an_id_number_the_user_put_in_a_file_name(
    run: Run, db_url: str, as_json: bool
) -> None:
    # Found by the fuzzing suite: `backup 500103198001019010` echoed the file name in full
    # (on PostgreSQL the file name is in the pg_dump command it prints).
    number = id_number()
    result = run("backup", number, *(["--json"] if as_json else []))
    assert result.exit_code == 0, result.stderr
    assert Path(number).exists() == db_url.startswith("sqlite")
    assert number not in result.stdout
    assert f"{number[:6]}********{number[-4:]}" in result.stdout


@pytest.mark.parametrize("as_json", [False, True])
def test_defect_2_no_error_shows_a_full_id_number(run: Run, as_json: bool) -> None:
    number = id_number()
    extra = ["--json"] if as_json else []
    line = refused(
        run("person", "add", "--name", "李四", "--id-number", number, *extra, now="0001-01-01"),
        2,
        "SUPERVISE_NOW 0001-01-01",
    )
    assert number not in line
    line = refused(
        run(
            "bans",
            "add",
            "--id-number",
            number,
            "--name",
            "王五",
            "--judgment",
            "J",
            "--court",
            "重庆市渝中区人民法院",
            "--from",
            "2026-01-01",
            "--until",
            "2030-01-01",
            *extra,
            now="9999-12-31",
        ),
        2,
        "SUPERVISE_NOW 9999-12-31",
    )
    assert number not in line
    line = refused(run("case", "show", number, *extra), 2, "500103********")
    assert number not in line


def test_defect_2_an_unexpected_error_is_one_line_and_a_masked_log_entry(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = id_number()
    from supervise.services.registry import records

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"bug with parameters {{'id_number': '{number}', 'to': 'li@x.cn'}}")

    monkeypatch.setattr(records, "add_person", broken)
    result = run("person", "add", "--name", "李四", "--id-number", number, "--json", check=False)
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    error = json.loads(line)
    assert error["error"] == "internal" and error["incident"] in error["message"]
    log = (tmp_path / "supervise.log").read_text(encoding="utf-8")
    assert error["incident"] in log and "RuntimeError" in log and "Traceback" in log
    assert number not in log and number[:6] + "********" + number[-4:] in log
    assert "li@x.cn" not in log


@pytest.mark.parametrize("year", [1, 9999])
def test_defect_3_a_refused_calendar_writes_nothing(run: Run, tmp_path: Path, year: int) -> None:
    path = tmp_path / "cal.yaml"
    path.write_text(f"year: {year}\nholidays: []\nworkdays: []\nsource: x\n", encoding="utf-8")
    refused(run("calendar", "load", str(path)), 2, f"calendar year {year}")


def test_defect_3_init_on_a_damaged_database_creates_nothing(run: Run, db_url: str) -> None:
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))
    result = run("init", check=False)
    refused(result, 1, "no schema version")
    with engine.connect() as conn:
        assert not engine.dialect.has_table(conn, "alembic_version")
    with engine.begin() as conn:  # the PostgreSQL database is shared by the session
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        conn.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": SCHEMA_HEAD})
    engine.dispose()


BOMB = "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b]\n"


def test_defect_4_alias_bombs_and_endless_files_are_refused_quickly(
    run: Run, world: dict[str, str], tmp_path: Path
) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BOMB, encoding="utf-8")
    line = refused(
        run("case", "advance", world["case"], "propose_warning", "--details", str(bomb)),
        2,
        "aliases",
    )
    assert len(line) < 500
    refused(run("--config", str(bomb), "case", "show", world["case"]), 2, "aliases")
    refused(run("calendar", "load", str(bomb)), 2, "aliases")
    for args in (
        ["case", "advance", world["case"], "propose_warning", "--details", "/dev/zero"],
        ["--config", "/dev/zero", "case", "list"],
        ["notice", "verify", "1", "/dev/zero"],
        ["calendar", "load", "/dev/zero"],
    ):
        refused(run(*args), 2, "not a regular file")
    huge = tmp_path / "huge.yaml"
    huge.write_bytes(b"evidence: " + b"x" * 100_000)
    refused(
        run("case", "advance", world["case"], "propose_warning", "--details", str(huge)),
        2,
        "larger than",
    )


@pytest.mark.parametrize(
    "args",
    [
        ["case", "show", "99999999999999999999"],
        ["case", "show", "9223372036854775808"],
        ["case", "next", "2147483648"],
        ["org", "show", "9223372036854775808"],
        ["person", "edit", "9223372036854775808", "--name", "x"],
        ["notice", "render", "9223372036854775808", "-o", "x.pdf"],
        ["case", "list", "--org", "9223372036854775808"],
        ["remind", "retry", "9223372036854775808"],
    ],
)
def test_defect_5_overflowing_ids_are_invalid(run: Run, args: list[str]) -> None:
    line = refused(run(*args, "--json") if args[0] != "notice" else run(*args), 2, "is not an id")
    if args[0] != "notice":
        assert json.loads(line)["error"] == "invalid"


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"evidence: caf\xe9\n", "not UTF-8"),
        (b"evidence: " + b"9" * 5000 + b"\n", "digits"),
        (b"1: x\n", "field named 1"),
        (b"evidence: a\nevidence: b\n", "appears twice"),
    ],
)
def test_defect_5_odd_details_files_are_invalid(
    run: Run, world: dict[str, str], tmp_path: Path, content: bytes, fragment: str
) -> None:
    path = tmp_path / "d.yaml"
    path.write_bytes(content)
    refused(
        run("case", "advance", world["case"], "propose_warning", "--details", str(path)),
        2,
        fragment,
    )


def test_defect_5_dates_near_the_limits_are_invalid(
    run: Run, world: dict[str, str], tmp_path: Path
) -> None:
    cal = tmp_path / "c.yaml"
    cal.write_text("year: 2027\nholidays: [2027-02-30]\nworkdays: []\nsource: x\n")
    refused(run("calendar", "load", str(cal)), 2, "2027-02-30")
    refused(
        run(
            "case",
            "advance",
            world["case"],
            "record_court_ban",
            "--judgment",
            "J",
            "--court",
            "重庆市渝中区人民法院",
            "--from",
            "9999-01-01",
            "--until",
            "9999-12-31",
        ),
        2,
        "--from 9999-01-01",
    )
    refused(
        run(
            "appoint",
            "--org",
            world["org"],
            "--person",
            world["person"],
            "--role",
            "理事",
            "--at",
            "0001-01-01",
        ),
        2,
        "--at 0001-01-01",
    )
    for now in ("0001-01-01", "9999-12-31", "9999-12-31T23:59:59-12:00"):
        refused(run("case", "list", now=now), 2, "SUPERVISE_NOW")


@pytest.mark.parametrize(
    "args",
    [
        ["case", "show", "x"],
        ["case", "advance"],
        ["org", "add", "--kind", "nope"],
        ["nosuch"],
        ["case", "list", "--limit", "0"],
        ["bans", "check"],
    ],
)
@pytest.mark.parametrize("as_json", [False, True])
def test_defect_6_usage_errors_are_one_line(run: Run, args: list[str], as_json: bool) -> None:
    result = run(*args, *(["--json"] if as_json else []))
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    if as_json:
        assert json.loads(line)["error"] == "invalid"
    else:
        assert line.startswith("Error: ") and "--help" in line


@pytest.mark.parametrize(
    "name", ["\x1b[31m红\x1b[0m", "\x1b]0;x\x07", "a\r\nforged", "\u202eevil", "bell\x07"]
)
def test_defect_7_control_characters_are_refused(run: Run, name: str) -> None:
    refused(
        run(
            "org",
            "add",
            "--name",
            name,
            "--credit-code",
            credit_code(),
            "--district",
            "渝中区",
            "--kind",
            "social-group",
        ),
        2,
        "control character",
    )
    refused(
        run(
            "person",
            "add",
            "--name",
            "李四",
            "--id-number",
            id_number(),
            "--email",
            f"x{name}@x.cn",
        ),
        2,
        "control character",
    )


def test_defect_7_stored_control_characters_are_printed_escaped(
    run: Run, db_url: str, world: dict[str, str]
) -> None:
    engine = create_engine(db_url)
    with engine.begin() as conn:  # as an older version could have stored it
        conn.execute(text("UPDATE organizations SET name = :n"), {"n": "x\x1b[2J\n  99  fake"})
    engine.dispose()
    out = run("org", "list").stdout
    assert "\x1b" not in out and "\\x1b[2J\\n  99  fake" in out


@pytest.mark.parametrize("address", ["a,b@x.cn", "p;evil@x.cn", "zhang<evil@attacker.cn>"])
def test_defect_7_email_addresses_are_validated(run: Run, address: str) -> None:
    refused(run("user", "add", "wang", "--email", address), 2, "email")


def test_defect_7_one_length_limit_on_both_databases(run: Run) -> None:
    ok(run("person", "add", "--name", "长" * 100, "--id-number", id_number(), "--json"))
    refused(
        run("person", "add", "--name", "长" * 101, "--id-number", id_number()), 2, "at most 100"
    )


def test_defect_7_implausible_event_options_are_refused(
    run: Run, world: dict[str, str], tmp_path: Path
) -> None:
    case = world["case"]
    refused(
        run("case", "advance", case, "schedule_interview", "--date", "2029-12-03"),
        2,
        "more than 366 days",
    )
    refused(run("case", "advance", case, "leave", "--reason", "   "), 2, "blank")
    refused(
        run(
            "case", "advance", case, "schedule_interview", "--date", "2026-12-10", "--basis", "nope"
        ),
        2,
        "takes no --basis",
    )
    details = tmp_path / "t.yaml"
    details.write_text("time_cn: 2026年12月20日上午9时\n", encoding="utf-8")
    refused(
        run(
            "case",
            "advance",
            case,
            "schedule_interview",
            "--date",
            "2026-12-10",
            "--details",
            str(details),
        ),
        2,
        "not on --date",
    )
    refused(
        run(
            "appoint",
            "--org",
            world["org"],
            "--person",
            world["person"],
            "--role",
            "理事",
            "--at",
            "1900-01-01",
        ),
        2,
        "--at 1900-01-01",
    )


def test_defect_7_search_batch_and_calendars(
    run: Run, world: dict[str, str], tmp_path: Path
) -> None:
    assert json.loads(run("person", "find", "--name", "%", "--json").stdout) == []
    refused(run("notice", "batch", "--case", "999", "-o", str(tmp_path / "out")), 1, "no case")
    every = tmp_path / "every.yaml"
    days = [f"2027-{m:02d}-{d:02d}" for m in range(1, 13) for d in range(1, 29)]
    every.write_text(f"year: 2027\nholidays: [{', '.join(days)}]\nworkdays: []\nsource: x\n")
    refused(run("calendar", "load", str(every)), 2, "weekday holidays")
    other = tmp_path / "2026.yaml"
    other.write_text("year: 2026\nholidays: [2026-03-02]\nworkdays: []\nsource: 改\n")
    refused(run("calendar", "load", str(other)), 1, "--force")
    forced = ok(run("calendar", "load", str(other), "--force", "--json"))
    assert forced["year"]["source"] == "loaded: 改"


def test_defect_8_init_refuses_files_that_are_not_ours(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    foreign = tmp_path / "foreign.db"
    import sqlite3

    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, path TEXT)")
    before = foreign.read_bytes()
    runner = CliRunner()
    for path in (empty, foreign):
        result = runner.invoke(cli, ["--db", str(path), "init"], env={"SUPERVISE_DB": None})
        assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1, result.stderr
        assert "--force" in result.stderr
    assert empty.stat().st_size == 0 and foreign.read_bytes() == before
    result = runner.invoke(
        cli, ["--db", str(foreign), "init", "--force"], env={"SUPERVISE_DB": None}
    )
    assert result.exit_code == 0, result.stderr
    with sqlite3.connect(foreign) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert {"photos", "cases", "alembic_version"} <= names


def test_defect_8_a_read_only_database_serves_reads(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "cases.db"
    shutil.copy(sqlite_url.removeprefix("sqlite:///"), db)
    runner = CliRunner()
    env = {"SUPERVISE_DB": str(db), "SUPERVISE_NOW": NOW, "SUPERVISE_USER": "zhang"}
    assert (
        runner.invoke(
            cli,
            [
                "org",
                "add",
                "--name",
                "中心",
                "--credit-code",
                credit_code(),
                "--district",
                "渝中区",
                "--kind",
                "social-group",
            ],
            env=env,
        ).exit_code
        == 0
    )
    # Not writable: the checks the program makes (root can write anything, so they are the
    # ones simulated; tests/integration/test_backup.py mounts a truly read-only folder).
    import os

    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode)
    )
    for args in (["case", "list"], ["org", "list"], ["bans", "check", "--id-number", id_number()]):
        result = runner.invoke(cli, args, env=env)
        assert result.exit_code == 0, result.stderr
    result = runner.invoke(
        cli, ["person", "add", "--name", "王五", "--id-number", id_number()], env=env
    )
    assert result.exit_code == 1 and "read-only" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_an_id_shaped_run_that_passes_the_check_is_masked_whatever_its_date(run: Run) -> None:
    # Found by the fuzzing suite: `case assign N` repeated an 18-digit N whose check
    # character is right but whose characters 7-14 are no date; masked since it may be one.
    first17 = "50010399991399001"
    number = first17 + id_check_char(first17)
    line = refused(run("case", "show", number), 2, "is not an id")
    assert number not in line and "500103********" in line
