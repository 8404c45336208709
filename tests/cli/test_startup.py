"""What the command line does to start fast (issue 13, target 3), kept correct: the cyclic
collector paused while the program loads and back on for the command, the help's command
list written as click would write it, and the terminal's width found as shutil finds it."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from supervise.cli import base, cli, formatting
from tests.conftest import TEST_ENV

PAUSED = """
import gc, sys
from supervise.cli import base

seen = []
original = base._loaded

def loaded():
    seen.append(gc.isenabled())
    original()
    seen.append(gc.isenabled())

base._loaded = loaded
sys.argv = ["supervise", *sys.argv[1:]]
try:
    base.main()
finally:
    print(seen, gc.isenabled(), gc.get_freeze_count() > 0)
"""


def run_main(args: list[str], cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUPERVISE_")}
    env.update(TEST_ENV)
    done = subprocess.run(
        [sys.executable, "-c", PAUSED, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.slow
def test_the_collector_is_off_while_loading_and_on_for_the_command(
    sqlite_url: str, tmp_path: Path
) -> None:
    db = sqlite_url.removeprefix("sqlite:///")
    assert run_main(["--db", db, "--as", "admin", "case", "list"], tmp_path) == (
        "[False, True] True True"
    )


@pytest.mark.slow
def test_help_never_turns_the_collector_back_on(tmp_path: Path) -> None:
    # The process exits right after printing: nothing is loaded for a command.
    assert run_main(["--help"], tmp_path) == "[] False False"


def test_in_process_callers_keep_their_collector(sqlite_url: str) -> None:
    assert gc.isenabled()
    result = CliRunner().invoke(cli, ["--db", sqlite_url, "--as", "admin", "case", "list"])
    assert result.exit_code == 0, result.output
    assert gc.isenabled() and not base._COLLECTOR_PAUSED


def written(width: int, rows: list[tuple[str, str]], ours: bool) -> str:
    formatter = click.HelpFormatter(width=width)
    with formatter.section("Commands"):
        if ours:
            formatting.write_rows(formatter, rows)
        else:
            formatter.write_dl(rows)
    return formatter.getvalue()


@pytest.mark.parametrize("width", [30, 50, 78, 118, 200])
@pytest.mark.parametrize(
    "rows",
    [
        [("agenda", "What falls due, per supervisor"), ("bans", ""), ("case", "Advance.")],
        [("a" * 40, "a name longer than click's first column"), ("b", "short")],
        [("org", "x " * 80), ("case", "fits")],
        [("org", "a\ttab"), ("case", "fits")],
    ],
    ids=["fitting", "long-name", "long-text", "tab"],
)
def test_the_command_list_is_written_as_click_writes_it(
    width: int, rows: list[tuple[str, str]]
) -> None:
    assert written(width, rows, ours=True) == written(width, rows, ours=False)


def test_the_terminal_width_comes_from_columns_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "123")
    assert formatting.columns() == 123
    monkeypatch.setenv("COLUMNS", "wide")
    assert formatting.columns() > 0


def test_the_help_follows_the_terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    narrow = cli.make_context("supervise", ["--as", "x"]).make_formatter().width
    monkeypatch.setenv("COLUMNS", "200")
    wide = cli.make_context("supervise", ["--as", "x"]).make_formatter().width
    assert (narrow, wide) == (58, 78)  # click's rule: at most 80 - 2, at least 50
