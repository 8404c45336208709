"""Hostile input against every command of the CLI (Hypothesis), in-process.

The commands and their options are read from click itself (``cli`` walked group by group),
so a new command or option is fuzzed without touching this file. For each command,
Hypothesis draws a value for every argument and for some of the options — from the kinds
of input that broke the program in issue 9 (control characters, escape sequences, bidi
overrides, huge and empty values, implausible dates, overflowing ids, hostile e-mail
addresses, ID numbers), random Unicode, and files (alias bombs, non-UTF-8, duplicate keys,
/dev/zero, folders, huge files) — sometimes with a hostile ``--as``, ``--config`` or
``SUPERVISE_NOW``. Every run is checked against the contract (``contract.check``): exit 0,
1 or 2; on failure exactly one line on stderr and no traceback; with ``--json`` one JSON
object; on exit 1 or 2 every table's rows unchanged; no full ID number and no raw control
character in the output.

The database is put back to the same seeded office before every example, on SQLite and
(with SUPERVISE_TEST_PG_URL) PostgreSQL. ``make test`` runs a bounded number of examples
per command (SUPERVISE_FUZZ_EXAMPLES, default 8); ``make fuzz`` many more, and writes the
figures the README reports (SUPERVISE_FUZZ_REPORT).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, create_engine

import supervise
from supervise.cli import cli
from supervise.story import credit_code, id_number
from tests.conftest import BACKENDS, TEST_ENV
from tests.fuzz import contract

NOW = "2026-11-27T10:00:00+08:00"
EXAMPLES = int(os.environ.get("SUPERVISE_FUZZ_EXAMPLES", "8"))
#: Commands that cannot run in-process under a fuzzer, and why.
EXCLUDED = {"scheduler": "runs until SIGTERM (tests/reminders/test_scheduler.py runs it)"}
SEED_ID = id_number(901)


def leaf_commands(
    group: click.Group = cli, path: tuple[str, ...] = ()
) -> Iterator[tuple[str, click.Command]]:
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if isinstance(command, click.Group):
            yield from leaf_commands(command, (*path, name))
        elif command is not None:
            yield " ".join((*path, name)), command


def commands() -> list[tuple[str, click.Command]]:
    seen: set[int] = set()
    out = []
    for name, command in leaf_commands():
        if id(command) in seen or command.name in EXCLUDED:
            continue
        seen.add(id(command))
        out.append((name, command))
    return out


COMMANDS = commands()

# --- values --------------------------------------------------------------------------------

HOSTILE_TEXT = [
    "",
    " ",
    "   \t ",
    "\x1b[31mred\x1b[0m",
    "\x1b]0;owned\x07",
    "bell\x07",
    "line\r\nforged   1  fake line",
    "\u202eevil\u202c",
    "\u2066isolate\u2069",
    "nul\x00",
    "del\x7f",
    "c1\x9b31m",
    "zero\u200bwidth",
    "sep\u2028arator",
    "%",
    "_",
    "' OR 1=1 --",
    "'; DROP TABLE cases; --",
    "{{7*7}}",
    "{0}{1}",
    "%s%n",
    "../../etc/passwd",
    "李四",
    "渝中区",
    "x" * 300,
    "长" * 5000,
    "y" * 120_000,
    SEED_ID,
    id_number(902),
    f"注意 {id_number(903)} 身份证",
    "a,b@x.cn",
    "p;evil@x.cn",
    "zhang<evil@attacker.cn>",
    "zh\x1bang@x.cn",
    "wang@x.cn\r\nBcc: evil@attacker.cn",
    "zhang@mzj.example.gov.cn",
]
HOSTILE_DATES = [
    "0001-01-01",
    "1900-01-01",
    "1978-12-31",
    "2010-01-01",
    "2013-01-01",
    "2026-11-27",
    "2026-12-10",
    "2027-02-30",
    "2026-13-01",
    "9999-01-01",
    "9999-12-31",
    "2030-10-31",
    "2026-11-27T10:00:00",
    "2026-11-27T09:00:00+08:00",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-12:00",
    "٢٠٢٦-١١-٢٧",
    "20261127",
    "2026-12-10T09:30",
    "2026-12-10T24:00",
    "2026-12-10T9:5",
    "2026-12-10T",
]
HOSTILE_TIMES = [
    "09:30",
    "14:00",
    "00:00",
    "23:59",
    "24:00",
    "9:5",
    "09:60",
    "noon",
    "0930",
    "９:３０",
]
HOSTILE_INTS = [
    "0",
    "1",
    "2",
    "3",
    "-1",
    "2147483647",
    "2147483648",
    "9223372036854775807",
    "9223372036854775808",
    "99999999999999999999",
    "-9223372036854775809",
    "1e3",
    "0x10",
    "１",
]
EVENTS = [
    "schedule_interview",
    "record_interview",
    "propose_warning",
    "record_statement",
    "issue_warning",
    "propose_ban",
    "request_hearing",
    "reschedule_hearing",
    "record_court_ban",
    "impose_ban",
    "lift_ban",
    "leave",
    "ban_cascade",
    "appoint",
]


def _files(root: Path) -> list[str]:
    """Input files a user could point the program at, hostile ones mostly."""
    root.mkdir(parents=True, exist_ok=True)
    contents: dict[str, bytes] = {
        "details.yaml": "evidence: 年检记录\ninterviewers: [张三, 王五]\n".encode(),
        "bomb.yaml": (
            b"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n"
        ),
        "deep.yaml": ("[" * 5000 + "]" * 5000).encode(),
        "dupes.yaml": b"evidence: a\nevidence: b\n",
        "latin1.yaml": "evidence: caf\xe9\n".encode("latin-1"),
        "binary.bin": bytes(range(256)) * 8,
        "bigint.yaml": ("evidence: " + "9" * 5000 + "\n").encode(),
        "keys.yaml": b"1: x\n[1, 2]: y\n",
        "controls.yaml": b'facts: "\\e[31mred\\u202e"\n',
        "empty.yaml": b"",
        "list.yaml": b"- a\n- b\n",
        "cal-bad-day.yaml": b"year: 2027\nholidays: [2027-02-30]\nworkdays: []\nsource: x\n",
        "cal-year1.yaml": b"year: 1\nholidays: []\nworkdays: []\nsource: x\n",
        "cal-year9999.yaml": b"year: 9999\nholidays: []\nworkdays: []\nsource: x\n",
        "cal-2027.yaml": (
            "year: 2027\nholidays: [2027-01-01, 2027-02-08, 2027-02-09]\n"
            "workdays: [2027-02-06]\nsource: 国办发明电〔2026〕1号\n"
        ).encode(),
        "cal-2026-other.yaml": b"year: 2026\nholidays: [2026-03-02]\nworkdays: []\nsource: x\n",
        "config-bad.yaml": b"mail: {transport: pigeon}\n",
        "config-dates.yaml": b"dates: {earliest_year: 0}\n",
        "huge.yaml": b"evidence: " + b"x" * (200 * 1024) + b"\n",
        "receipt.pdf": b"%PDF-1.4 scanned receipt\n",
        # `supervise import`: good rows, bad rows, a row already stored, GB18030, a BOM.
        "orgs.csv": (
            f"name,credit_code,district,kind\n某某中心,{credit_code(908)},渝中区,social-group\n"
            f"重复,{credit_code(906)},渝中区,social-group\n坏,52500103MJ0000106X,渝中区,x\n"
        ).encode("utf-8-sig"),
        "orgs-gb.csv": (
            f"名称,统一社会信用代码,区县,类型\n甲,{credit_code(909)},江北区,社会团体\n"
        ).encode("gb18030"),
        "persons.csv": (
            f"姓名,身份证号码\n王五,{id_number(910)}\n李四,{SEED_ID}\n坏,{SEED_ID[:-1]}0\n"
        ).encode(),
    }
    paths = []
    for name, data in contents.items():
        path = root / name
        path.write_bytes(data)
        paths.append(str(path))
    (root / "folder").mkdir(exist_ok=True)
    paths += [str(root / "folder"), str(root / "missing.yaml"), "/dev/zero", "/dev/null"]
    paths.append(str(root / ("长名" * 200 + ".yaml")))
    return paths


def _outputs(root: Path) -> list[str]:
    """Where output may be written: only inside the test's folder (and /dev/null)."""
    return [
        str(root / "out.pdf"),
        str(root / "out dir" / "n.html"),
        str(root / "folder"),
        str(root / "new-folder"),
        str(root / "details.yaml"),
        "/dev/null",
        str(root / ("\u202e" + "fdp.exe")),
    ]


def values_for(param: click.Parameter, files: list[str], outputs: list[str]) -> Any:
    """A strategy of command-line strings for one parameter."""
    text = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=40))
    name = (param.name or "").lower()
    kind = param.type
    if isinstance(kind, click.Path):
        pool = outputs if name in ("output", "html") else files
        return st.one_of(st.sampled_from(pool), text)
    if isinstance(kind, click.Choice):
        return st.one_of(st.sampled_from([str(c) for c in kind.choices]), text)
    if isinstance(kind, (click.types.IntParamType, click.IntRange)):
        return st.one_of(st.sampled_from(HOSTILE_INTS), st.integers().map(str), text)
    if name in ("date_", "until", "start", "on", "since", "at", "conduct_date"):
        return st.one_of(st.sampled_from(HOSTILE_DATES), text)
    if name == "time_":
        return st.one_of(st.sampled_from(HOSTILE_TIMES), text)
    if name == "event":
        return st.one_of(st.sampled_from(EVENTS), text)
    if name == "id_number":
        return st.one_of(st.sampled_from([SEED_ID, id_number(904), SEED_ID[:-1] + "0"]), text)
    if name == "credit_code":
        return st.one_of(st.sampled_from([credit_code(905), "52500103MJ0000106J"]), text)
    return text


@st.composite
def invocations(
    draw: st.DrawFn, command: click.Command, path: str, files: list[str], outputs: list[str]
) -> tuple[list[str], dict[str, str]]:
    """argv (global options, the command's words, its arguments and options) and env."""
    args: list[str] = []
    if draw(st.integers(0, 9)) == 0:
        args += ["--as", draw(st.sampled_from(HOSTILE_TEXT))]
    if draw(st.integers(0, 9)) == 0:
        args += ["--config", draw(st.sampled_from(files))]
    args += path.split()
    for param in command.params:
        if isinstance(param, click.Argument):
            count = 1 if param.nargs == 1 else draw(st.integers(0, 3))
            if not param.required and draw(st.booleans()):
                count = 0
            args += [draw(values_for(param, files, outputs)) for _ in range(count)]
            continue
        assert isinstance(param, click.Option)
        if param.name == "help":
            continue
        wanted = draw(st.integers(0, 9)) < (8 if param.required else 4)
        if not wanted:
            continue
        flag = param.opts[-1] if param.opts[-1].startswith("--") else param.opts[0]
        if param.is_flag:
            args.append(flag)
        else:
            args += [flag, draw(values_for(param, files, outputs))]
    env = {"SUPERVISE_NOW": NOW}
    if draw(st.integers(0, 14)) == 0:
        env["SUPERVISE_NOW"] = draw(st.sampled_from(HOSTILE_DATES))
    return args, env


# --- the seeded office ------------------------------------------------------------------------


class World:
    """A database holding a small office, restored before every example."""

    def __init__(self, url: str, root: Path) -> None:
        self.url = url
        self.root = root
        self.files = _files(root / "files")
        self.outputs = _outputs(root / "files")
        moment = datetime.fromisoformat(NOW)
        with supervise.open(url, actor="zhang", now=moment, environ=TEST_ENV) as office:
            org = office.add_org(
                name="某某儿童服务中心",
                credit_code=credit_code(906),
                district="渝中区",
                kind="social-group",
                charity=True,
                email="org@example.cn",
            )
            other = office.add_org(
                name="另一中心",
                credit_code=credit_code(907),
                district="渝北区",
                kind="service-org",
                charity=True,
            )
            person = office.add_person(name="李四", id_number=SEED_ID, email="li@example.cn")
            case = office.appoint(org=org.id, person=person.id, role="秘书长")
            office.appoint(org=other.id, person=person.id, role="理事")
            office.advance(
                case.id,
                "schedule_interview",
                date=date(2026, 12, 2),
                facts="未按期报送年度工作报告",
                place="区民政局301室",
                details={"interviewers": ["张三", "王五"]},
            )
            office.add_user("zhang", email="zhang@mzj.example.gov.cn", role="supervisor")
        self.engine: Engine = create_engine(url)
        self.seed = contract.dump(self.engine)
        self.current = self.seed

    def reset(self) -> None:
        contract.restore(self.engine, self.seed, self.current)
        self.current = self.seed


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[World]:
    root = tmp_path_factory.mktemp("fuzz")
    if request.param == "sqlite":
        path = root / "fuzz.db"
        path.write_bytes(sqlite_template.read_bytes())
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("pg_database")
        from tests.conftest import _empty_pg

        _empty_pg(url)
    built = World(url, root)
    yield built
    built.engine.dispose()


def run(world: World, argv: list[str], env: dict[str, str], command: str) -> None:
    world.reset()
    before = world.seed  # restore() wrote exactly these rows
    env = {
        "SUPERVISE_CONFIG": None,  # type: ignore[dict-item]
        "SUPERVISE_DB": None,  # type: ignore[dict-item]
        "SUPERVISE_USER": "zhang",
        "SUPERVISE_LOG": str(world.root / "incidents.log"),
        **env,
    }
    full = ["--db", world.url, *argv]
    result = CliRunner().invoke(cli, full, env=env, catch_exceptions=True)
    after = world.current = contract.dump(world.engine)
    contract.check(result, full, before, after, command=command)


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_keeps_the_contract_under_hostile_input(
    world: World, path: str, command: click.Command, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(world.root)  # the file mail transport writes into ./outbox

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(invocation=invocations(command, path, world.files, world.outputs))
    def fuzz(invocation: tuple[list[str], dict[str, str]]) -> None:
        argv, env = invocation
        run(world, argv, env, path)

    fuzz()


def test_every_command_is_fuzzed_or_excluded_with_a_reason() -> None:
    names = {c.name for _, c in leaf_commands()}
    fuzzed = {c.name for _, c in COMMANDS}
    assert names - fuzzed == set(EXCLUDED)
    assert len(COMMANDS) >= 30
