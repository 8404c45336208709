"""Target 3: a command answers fast. Real subprocesses on a database of 100,000 cases.

``supervise case show N`` and ``supervise case list --state S`` against the floor any such
CLI pays, ``python -c "import sqlalchemy.orm, click"``; runs interleaved, median of N.

    python bench/bench_cli.py [--quick]
"""

from __future__ import annotations

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
from bench.common import Row, Scratch, compare, interleaved, scratch

FLOOR = [sys.executable, "-c", "import sqlalchemy.orm, click"]
FLOOR_NAME = 'python -c "import sqlalchemy.orm, click"'


def supervise_cmd() -> list[str]:
    """The installed console script, as a user runs it (else ``python -m supervise``)."""
    script = Path(sys.executable).parent / "supervise"
    return [str(script)] if script.exists() else [sys.executable, "-m", "supervise"]


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUPERVISE_")}
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
    commands = {
        "floor": FLOOR,
        "show": [*sup, "--db", path, "case", "show", str(shown)],
        "list": [*sup, "--db", path, "case", "list", "--state", dataset.STATE],
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
                samples["floor"], limit=1.3, note=note),
        compare("3", f"`supervise case list --state {dataset.STATE}`", "s", samples["list"],
                FLOOR_NAME, samples["floor"], limit=1.3),
    ]  # fmt: skip


if __name__ == "__main__":
    from bench.common import table

    with scratch() as sc:
        print(table(run(sc, "--quick" in sys.argv)))
