"""Target 4: listing scales with the answer, not the table.

``case list --state S --json`` (100 matching cases) and ``case list --overdue --json``
(100 overdue cases) on a database of 10,000 cases and on one of 1,000,000 (``--quick``:
1,000 and 100,000). Measured in-process (the service call plus the JSON the CLI prints,
many calls per sample: the strict figure) and as real subprocesses (what a user waits for).

    python bench/bench_listing.py [--quick]
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import dataset
from bench.base import NOW, sqlite_file
from bench.bench_cli import clean_env, supervise_cmd, time_cmd
from bench.common import Row, Scratch, compare, interleaved, make_office, per_op, scratch
from supervise.office import Office

QUERIES: dict[str, dict[str, Any]] = {
    "state": {"state": dataset.STATE},
    "overdue": {"overdue": True},
}


def list_json(office: Office, kwargs: dict[str, Any]) -> None:
    """What `case list ... --json` does in-process: the library call and the JSON text."""
    views = list(office.cases(**kwargs))
    json.dumps([v.as_json(office.settings.zone) for v in views], ensure_ascii=False)
    assert len(views) == 100, f"{kwargs}: {len(views)} cases, expected 100"


def listing(office: Office, kwargs: dict[str, Any], calls: int) -> Callable[[], float]:
    return lambda: per_op(lambda _: list_json(office, kwargs), calls)


def command(argv: list[str], env: dict[str, str], cwd: Path) -> Callable[[], float]:
    return lambda: time_cmd(argv, env, cwd)


def run(s: Scratch, quick: bool) -> list[Row]:
    small, big = (1_000, 100_000) if quick else (10_000, 1_000_000)
    rounds, calls, cli_runs = (3, 5, 3) if quick else (7, 20, 5)
    rows: list[Row] = []
    for backend in ("sqlite", "pg"):
        built_small = s.dataset(backend, small)
        built_big = s.dataset(backend, big)
        if built_small is None or built_big is None:
            continue
        label = "SQLite" if backend == "sqlite" else "PostgreSQL"
        apps = {"small": make_office(built_small[0]), "big": make_office(built_big[0])}
        slowest: dict[str, float] = {}
        for what, kwargs in QUERIES.items():
            for office in apps.values():
                list_json(office, kwargs)  # warm up: connection, compiled SQL, page cache
                start = time.perf_counter()
                list_json(office, kwargs)
                slowest[what] = max(slowest.get(what, 0.0), time.perf_counter() - start)
        for what, kwargs in QUERIES.items():
            # A query that reads the whole table can take seconds at 1,000,000 cases: keep
            # each benchmark within about a minute, with at least 3 rounds.
            n_calls = max(1, min(calls, int(0.5 / max(slowest[what], 1e-6))))
            n_rounds = max(3, min(rounds, int(20 / max(slowest[what] * n_calls, 1e-6))))
            samples = interleaved(
                {size: listing(office, kwargs, n_calls) for size, office in apps.items()}, n_rounds
            )
            flag = f"--state {dataset.STATE}" if what == "state" else "--overdue"
            rows.append(
                compare(
                    "4", f"list {flag} (100 hits), {big:,} cases, {label}, in-process", "s",
                    samples["big"], f"{small:,} cases", samples["small"], limit=1.5,
                    note=f"build: {small:,} cases {built_small[1]:.1f} s, {big:,} cases "
                    f"{built_big[1]:.1f} s" if what == "state" else "",
                )
            )  # fmt: skip
        for office in apps.values():
            office.close()
        if backend == "sqlite":
            env = clean_env(SUPERVISE_NOW=NOW.isoformat())
            sup = supervise_cmd()
            for what in QUERIES:
                flags = ["--state", dataset.STATE] if what == "state" else ["--overdue"]
                argvs = {
                    size: [*sup, "--db", sqlite_file(built[0]), "case", "list", *flags, "--json"]
                    for size, built in (("small", built_small), ("big", built_big))
                }
                once = time_cmd(argvs["big"], env, s.dir)
                samples = interleaved(
                    {size: command(argv, env, s.dir) for size, argv in argvs.items()},
                    cli_runs if once < 5 else 3,
                )
                rows.append(
                    compare(
                        "4", f"`case list {' '.join(flags)} --json`, {big:,} cases, SQLite, CLI",
                        "s", samples["big"], f"{small:,} cases", samples["small"], limit=1.5,
                    )
                )  # fmt: skip
        s.forget(backend, big)
    return rows


if __name__ == "__main__":
    from bench.common import table

    with scratch() as sc:
        print(table(run(sc, "--quick" in sys.argv)))
