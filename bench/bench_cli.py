"""Target 3: a command answers fast. Real subprocesses on a database of 100,000 cases.

``supervise case show N``, ``case list --state S``, ``case next N`` and ``bans check``
against the floor any such CLI pays, ``python -c "import sqlalchemy.orm, click"``; and
``supervise --help``/``--version`` against ``python -c "import click"`` (issue 13: within
1.1x). Runs interleaved, median of the per-round ratios. The package's bytecode is compiled
first, as pip does when it installs a wheel: with ``PYTHONDONTWRITEBYTECODE`` set (this
machine sets it) an editable install would otherwise compile supervise's source on every run
while the floor's packages load their compiled files.

    python bench/bench_cli.py [--quick]
"""

from __future__ import annotations

import compileall
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import dataset
from bench.base import sqlite_file
from bench.common import DEV_ENV, Row, Scratch, compare, interleaved, scratch

FLOOR = [sys.executable, "-c", "import sqlalchemy.orm, click"]
FLOOR_NAME = 'python -c "import sqlalchemy.orm, click"'
CLICK = [sys.executable, "-c", "import click"]
CLICK_NAME = 'python -c "import click"'


#: A valid 居民身份证号码 nobody in the data set holds: the check answers "no ban".
BANS_CHECKED = "11010519491231002X"


def supervise_cmd() -> list[str]:
    """The installed console script, as a user runs it (else ``python -m supervise``)."""
    script = Path(sys.executable).parent / "supervise"
    return [str(script)] if script.exists() else [sys.executable, "-m", "supervise"]


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUPERVISE_")}
    env.update(DEV_ENV)  # the benchmark's persons are sealed under the development key
    env.update(extra)
    return env


def time_cmd(argv: Sequence[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(argv)} exited with {done.returncode}: {done.stderr.decode()[-2000:]}"
        )
    return elapsed


def timed(argv: Sequence[str], env: dict[str, str], cwd: Path) -> Callable[[], float]:
    return lambda: time_cmd(argv, env, cwd)


def imported_modules(argv: Sequence[str], env: dict[str, str], cwd: Path) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *argv[1:]]
        if argv[0] == sys.executable
        else [sys.executable, "-X", "importtime", "-m", "supervise", *argv[1:]],
        env=env, cwd=cwd, capture_output=True, text=True, check=False,
    )  # fmt: skip
    return {
        line.split("|")[-1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and not line.rstrip().endswith("package")
    }


def run(s: Scratch, quick: bool, n: int = 100_000) -> list[Row]:
    runs = 5 if quick else 15
    built = s.dataset("sqlite", n)
    assert built is not None
    url, _ = built
    path = sqlite_file(url)
    cwd = s.dir
    env = clean_env()
    shown = min(dataset.Layout(n).matching)  # a case with history and open deadlines
    sup = supervise_cmd()
    package = Path(__file__).resolve().parent.parent / "supervise"
    compileall.compile_dir(str(package), quiet=1)
    case = [*sup, "--db", path, "case"]
    commands = {
        "floor": FLOOR,
        "show": [*case, "show", str(shown)],
        "list": [*case, "list", "--state", dataset.STATE],
        "next": [*case, "next", str(shown)],
        "bans": [*sup, "--db", path, "bans", "check", "--id-number", BANS_CHECKED],
        "click": CLICK,
        "help": [*sup, "--help"],
        "version": [*sup, "--version"],
    }
    for argv in commands.values():
        time_cmd(argv, env, cwd)  # warm the page cache and the .pyc files
    samples = interleaved({name: timed(argv, env, cwd) for name, argv in commands.items()}, runs)
    floor_mods = imported_modules(FLOOR, env, cwd)
    show_mods = imported_modules(commands["show"], env, cwd)
    extra = sorted(
        {m.split(".")[0] for m in show_mods} - {m.split(".")[0] for m in floor_mods} - {"_"}
    )
    extra = [m for m in extra if not m.startswith("_")]
    note = (
        f"{n:,} cases; {runs} runs each, interleaved; `case show` imports {len(show_mods)} "
        f"modules vs {len(floor_mods)} for the floor; extra top-level packages: "
        f"{', '.join(extra)}"
    )
    return [
        compare("3", f"`supervise case show {shown}`", "s", samples["show"], FLOOR_NAME,
                samples["floor"], limit=1.1, note=note),
        compare("3", f"`supervise case list --state {dataset.STATE}`", "s", samples["list"],
                FLOOR_NAME, samples["floor"], limit=1.1),
        compare("3", f"`supervise case next {shown}`", "s", samples["next"],
                FLOOR_NAME, samples["floor"], limit=1.1),
        compare("3", "`supervise bans check --id-number …`", "s", samples["bans"],
                FLOOR_NAME, samples["floor"], limit=1.1),
        compare("3", "`supervise --help`", "s", samples["help"],
                CLICK_NAME, samples["click"], limit=1.1),
        compare("3", "`supervise --version`", "s", samples["version"],
                CLICK_NAME, samples["click"], limit=1.1),
    ]  # fmt: skip


if __name__ == "__main__":
    from bench.common import table

    with scratch() as sc:
        print(table(run(sc, "--quick" in sys.argv)))
