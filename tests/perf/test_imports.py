"""Reading commands import nothing heavy (issue 5, target 3).

`case show` and `case list` must answer in about the time Python takes to import
SQLAlchemy and click, so they may not load WeasyPrint, APScheduler, Alembic or Jinja2.
`agenda` and `remind status` only read the database either, so they may not load
APScheduler (issue 8: `agenda` used to, through the digest's cron schedule).
The check runs the real command under ``python -X importtime`` and reads the modules it
imported from stderr; a failure names the chain of imports that pulled the package in.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import supervise
from supervise.states import CaseState
from supervise.story import drive_to
from tests.conftest import NOW, TEST_ENV, new_org, new_person

# transitions too: reading needs the state tables, not the machine (built on first event).
HEAVY = ("weasyprint", "apscheduler", "alembic", "jinja2", "yaml", "transitions")
#: Issue 13, target 3: the read commands run on Core (services/reads), below the floor of
#: `import sqlalchemy.orm, click`, so the ORM stays out of them too.
#: Also kept out of the read commands once the settings were checked (config/loader.py): the
#: checks, the sections they never read, and the office's views.
READ_HEAVY = (
    *HEAVY,
    "sqlalchemy.orm",
    "supervise.config.checks",
    "supervise.config.sections",
    "supervise.evaluation",
    "supervise.report_coverage",
    "supervise.views.admin",
)


def _package(name: str, packages: tuple[str, ...]) -> str | None:
    """The entry of ``packages`` that module ``name`` belongs to (a package or a subpackage)."""
    for package in packages:
        if name == package or name.startswith(package + "."):
            return package
    return None


@dataclass(frozen=True)
class Imported:
    """One line of ``-X importtime``: a module, its nesting depth and cumulative µs."""

    name: str
    depth: int
    cumulative_us: int


def parse_importtime(stderr: str) -> list[Imported]:
    """The modules in ``-X importtime`` output, in the order Python printed them.

    Python prints a module after everything it imported, one level deeper per nesting:
    ``import time: self [us] | cumulative | <2 spaces per level>name``.
    """
    out = []
    for line in stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        parts = line.split("|")
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue  # the header line
        raw = parts[2].rstrip()
        name = raw.lstrip()
        out.append(Imported(name, (len(raw) - len(name) - 1) // 2, int(parts[1])))
    return out


def import_chain(modules: list[Imported], index: int) -> list[str]:
    """``modules[index]`` and each module that imported it, up to the top level."""
    chain = [modules[index].name]
    depth = modules[index].depth
    for later in modules[index + 1 :]:
        if later.depth < depth:
            chain.append(later.name)
            depth = later.depth
    return chain


def heavy_imports(
    modules: list[Imported], packages: tuple[str, ...] = HEAVY
) -> dict[str, list[str]]:
    """For each of ``packages`` imported, the chain through which it first came in."""
    found: dict[str, list[str]] = {}
    for i, module in enumerate(modules):
        top = _package(module.name, packages)
        if top is not None and top not in found:
            # The outermost module of the package that was imported from outside it.
            j = i
            for k in range(i + 1, len(modules)):
                if modules[k].depth < modules[j].depth:
                    if _package(modules[k].name, (top,)) is None:
                        break
                    j = k
            found[top] = import_chain(modules, j)
    return found


def test_parse_importtime_follows_the_nesting() -> None:
    stderr = "\n".join(
        [
            "import time: self [us] | cumulative | imported package",
            "import time:        10 |         10 |       jinja2.utils",
            "import time:        20 |         30 |     jinja2",
            "import time:         5 |         35 |   supervise.adapters.mail_render",
            "import time:         5 |          5 |   supervise.errors",
            "import time:         1 |         41 | supervise.cli",
            "Error: something printed by the program itself",
        ]
    )
    modules = parse_importtime(stderr)
    assert [m.name for m in modules][:2] == ["jinja2.utils", "jinja2"]
    assert heavy_imports(modules) == {
        "jinja2": ["jinja2", "supervise.adapters.mail_render", "supervise.cli"]
    }


def test_a_heavy_subpackage_is_found_by_its_own_chain() -> None:
    stderr = "\n".join(
        [
            "import time:        10 |         10 |       sqlalchemy.orm.session",
            "import time:        20 |         30 |     sqlalchemy.orm",
            "import time:         5 |         35 |   supervise.adapters.orm.mapping",
            "import time:         5 |          5 |   sqlalchemy.sql",
            "import time:         1 |         41 | supervise.adapters.database",
        ]
    )
    modules = parse_importtime(stderr)
    assert heavy_imports(modules, READ_HEAVY) == {
        "sqlalchemy.orm": [
            "sqlalchemy.orm",
            "supervise.adapters.orm.mapping",
            "supervise.adapters.database",
        ]
    }
    assert heavy_imports(modules) == {}


@pytest.fixture
def small_db(sqlite_url: str, tmp_path: Path) -> Iterator[str]:
    """An initialised SQLite database holding one appointed case (id 1), and a second case
    with an interview scheduled, whose supervisor is in the user directory; reminders have
    run once, so the agenda lists a deadline and the outbox holds messages."""
    config = tmp_path / "office.yaml"
    config.write_text(f"mail:\n  file:\n    dir: {tmp_path / 'sent'}\n", encoding="utf-8")
    office = supervise.open(sqlite_url, config=config, actor="zhang", now=NOW, environ=TEST_ENV)
    try:
        org, person = new_org(office), new_person(office)
        assert office.appoint(org=org, person=person, role="秘书长").id == 1
        office.add_user("zhang", email="zhang@example.org")
        second = office.appoint(org=new_org(office), person=new_person(office), role="理事长")
        drive_to(office, second.id, CaseState.INTERVIEW_SCHEDULED)
        office.at(NOW.replace(day=30)).run_reminders()
        assert office.agenda(days=30) and office.messages()
    finally:
        office.close()
    yield sqlite_url.removeprefix("sqlite:///")


def run_importtime(args: list[str], cwd: Path) -> list[Imported]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUPERVISE_")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["SUPERVISE_USER"] = "zhang"  # a user of the office (small_db adds zhang)
    env.update(TEST_ENV)  # the key that opens the ID numbers
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "supervise", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )
    errors = [line for line in done.stderr.splitlines() if not line.startswith("import time:")]
    assert done.returncode == 0, f"supervise {' '.join(args)} failed: {errors[-20:]}"
    return parse_importtime(done.stderr)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "service"),
    [
        (["case", "show", "1"], "cases.queries"),
        (["case", "show", "1", "--json"], "cases.queries"),
        (["case", "list"], "cases.queries"),
        (["case", "list", "--state", "appointed"], "cases.queries"),
        (["case", "list", "--overdue", "--json"], "cases.queries"),
        (["case", "next", "1"], "cases.queries"),
        (["bans", "check", "--id-number", "11010519491231002X"], "registry.bans"),
    ],
    ids=lambda c: " ".join(c) if isinstance(c, list) else c,
)
def test_reading_commands_import_nothing_heavy(
    command: list[str], service: str, small_db: str, tmp_path: Path
) -> None:
    # PyYAML too, once the settings were parsed (supervise.parse_cache): the first run parses.
    run_importtime(["--db", small_db, *command], tmp_path)
    modules = run_importtime(["--db", small_db, *command], tmp_path)
    # The command ran its use case (an import list of a refusal would prove nothing).
    assert any(m.name == f"supervise.services.{service}" for m in modules)
    heavy = heavy_imports(modules, READ_HEAVY)
    explained = "; ".join(f"{pkg} <- {' <- '.join(chain[1:])}" for pkg, chain in heavy.items())
    assert not heavy, f"`supervise {' '.join(command)}` imports {explained}"


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [
        ["agenda"],
        ["agenda", "--days", "30", "--json"],
        ["agenda", "--user", "zhang"],
        ["remind", "agenda"],
        ["remind", "status"],
        ["remind", "status", "--json"],
    ],
    ids=lambda c: " ".join(c),
)
def test_reminder_reading_commands_do_not_load_the_scheduler(
    command: list[str], small_db: str, tmp_path: Path
) -> None:
    modules = run_importtime(["--db", small_db, *command], tmp_path)
    service = "supervise.services.reminders." + ("outbox" if "status" in command else "digest")
    assert any(m.name == service for m in modules)
    heavy = heavy_imports(modules)
    assert "apscheduler" not in heavy, (
        f"`supervise {' '.join(command)}` imports apscheduler <- "
        + " <- ".join(heavy["apscheduler"][1:])
    )


@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_help_and_version_import_only_the_command_line(flag: str, tmp_path: Path) -> None:
    # Issue 13, target 3: within 1.1x of `python -c "import click"`, so neither may load the
    # library (the office, SQLAlchemy, the settings) nor a command's module.
    modules = run_importtime([flag], tmp_path)
    names = {m.name for m in modules}
    # shutil too (and the compression modules it imports): the help's width is found without
    # it (supervise/cli/formatting.py).
    heavy = ("sqlalchemy", "yaml", "logging", "shutil", "zlib", "bz2", "lzma")
    loaded = sorted(n for n in names if n.split(".")[0] in heavy)
    ours = sorted(n for n in names if n.startswith("supervise.") and n not in CLI_CORE)
    assert not loaded and not ours, (
        f"`supervise {flag}` imports {loaded + ours}; a command missing from COMMAND_HELP in "
        "supervise/cli/commands.py makes --help import its module"
    )


#: What `--help` and `--version` may import of the package.
CLI_CORE = {
    "supervise.cli",
    "supervise.cli.base",
    "supervise.cli.commands",  # the table of commands and their summaries
    "supervise.cli.formatting",  # the help's width and command list
    "supervise.errors",
    "supervise.redact",
    "supervise.inputs",
    "supervise.incidents",
}


def test_the_help_table_says_what_each_command_says() -> None:
    import click

    from supervise.cli.base import cli
    from supervise.cli.commands import COMMAND_HELP, COMMAND_MODULES

    assert set(COMMAND_HELP) == set(COMMAND_MODULES), "every command needs its COMMAND_HELP line"
    ctx = click.Context(cli)
    for name, summary in COMMAND_HELP.items():
        command = cli.get_command(ctx, name)
        assert command is not None and command.help is not None
        first = command.help.split("\n\n")[0]
        assert summary == " ".join(first.split()), f"COMMAND_HELP[{name!r}] differs from its help"
