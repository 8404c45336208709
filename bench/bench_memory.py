"""Target 5: memory stays flat. Each pass runs in a fresh process; peak RSS from getrusage.

Passes over a database of 100,000 cases (``--quick``: 10,000):

- ``floor``: import the engine, bootstrap, one query: what any command costs;
- ``list``: ``list_cases(limit=100_000)``, the largest listing the CLI allows, in one go;
- ``orm-batches``: a sweep-like pass over every case as ORM objects, 1,000 at a time
  (``yield_per``), asking each case which events it allows;
- ``core-batches``: the same pass over Core rows;
- ``cli-json``: ``supervise case list --limit 100000 --json`` as a real command (its peak
  from ``wait4``), which also holds the JSON text it prints.

Per-case memory (tracemalloc): a loaded ``Case`` (with its ORM state) against what one
``transitions.Machine`` per case would cost; then the same again after building 100 more
Machine definitions, and ``CASE_MACHINE.models`` after advancing cases: the shared machine
holds no case.

    python bench/bench_memory.py [--quick]
"""

from __future__ import annotations

import gc
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import dataset
from bench.common import Row, Scratch, compare, scratch

PASSES = ("floor", "list", "orm-batches", "core-batches")
BATCH = 1_000


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child_pass(url: str, which: str) -> dict[str, Any]:
    from sqlalchemy import select

    from bench.common import make_office
    from supervise import model
    from supervise.adapters.orm import cases as cases_table
    from supervise.states import user_triggers_from

    office = make_office(url)
    start = time.perf_counter()
    seen = 0
    if which == "floor":
        with office.runtime.uow() as uow:
            uow.session.execute(select(cases_table.c.id).limit(1)).all()
    elif which == "list":
        seen = len(list(office.cases(limit=100_000)))
    elif which == "orm-batches":
        with office.runtime.uow() as uow:
            query = select(model.Case).execution_options(yield_per=BATCH)
            for case in uow.session.scalars(query):
                user_triggers_from(case.state)
                seen += 1
    elif which == "core-batches":
        with office.runtime.database.engine().connect() as conn:
            result = conn.execution_options(yield_per=BATCH).execute(select(cases_table))
            for row in result:
                user_triggers_from(row.state)
                seen += 1
    office.close()
    return {"peak_mb": peak_mb(), "seconds": time.perf_counter() - start, "cases": seen}


def child_per_case(url: str, count: int) -> dict[str, Any]:
    """Bytes per loaded Case vs per-case Machines; CASE_MACHINE.models after advancing."""
    from sqlalchemy import select
    from transitions import Machine

    from bench.bench_advance import service_op
    from bench.common import make_office
    from supervise import model
    from supervise.adapters.orm import cases as cases_table
    from supervise.states import CASE_MACHINE, TRANSITIONS, CaseState

    office = make_office(url)
    office.runtime.database.engine()

    def load_cases(offset: int) -> float:
        with office.runtime.uow() as uow:
            gc.collect()
            tracemalloc.start()
            before = tracemalloc.get_traced_memory()[0]
            held = list(
                uow.session.scalars(
                    select(model.Case)
                    .where(cases_table.c.id > offset)
                    .order_by(cases_table.c.id)
                    .limit(count)
                )
            )
            after = tracemalloc.get_traced_memory()[0]
            tracemalloc.stop()
            assert len(held) == count
            return (after - before) / count

    per_case = load_cases(0)

    class Holder:
        state: Any = None

    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    machines = []
    n_machines = 100
    for _ in range(n_machines):
        holder = Holder()
        machines.append(
            Machine(
                model=holder, states=CaseState, transitions=TRANSITIONS,
                initial=CaseState.APPOINTED, auto_transitions=False, send_event=True,
                model_attribute="state",
            )
        )  # fmt: skip
    per_machine = (tracemalloc.get_traced_memory()[0] - before) / n_machines
    tracemalloc.stop()
    # More machine definitions in the process must not change what a loaded case costs.
    per_case_after = load_cases(count)
    del machines
    layout_ids = sorted(dataset.Layout(dataset_size(url)).matching)[-20:]
    for case_id in layout_ids:
        service_op(office, case_id, "record_statement")
    models = len(CASE_MACHINE.models)
    office.close()
    return {
        "per_case": per_case,
        "per_case_after": per_case_after,
        "per_machine": per_machine,
        "models": models,
        "advanced": len(layout_ids),
    }


def dataset_size(url: str) -> int:
    return int(os.environ["BENCH_MEMORY_N"])


def cli_peak(url: str) -> dict[str, Any]:
    """Peak RSS of `supervise case list --limit 100000 --json`, as a user runs it."""
    from bench.base import sqlite_file
    from bench.bench_cli import clean_env, supervise_cmd

    argv = [*supervise_cmd(), "--db", sqlite_file(url), "case", "list", "--limit", "100000"]
    start = time.perf_counter()
    # The small process in between waits for the command and reports its peak.
    report = (
        "import os, subprocess, sys; "
        "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL); "
        "_, status, usage = os.wait4(p.pid, 0); "
        "print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)"
    )
    done = subprocess.run(
        [sys.executable, "-c", report, *argv, "--json"],
        env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        check=False,
    )  # fmt: skip
    status, peak_kib = (int(x) for x in done.stdout.split()[-2:])
    if status != 0:
        raise RuntimeError(f"{' '.join(argv)} --json exited with {status}")
    return {"peak_mb": peak_kib / 1024, "seconds": time.perf_counter() - start}


#: Starts its arguments as a process of its own and exits with its status. Linux keeps a
#: process's peak RSS across exec, and a child forked from this (large) process starts at
#: this process's peak: every pass would report at least that. Through this small process
#: in between, each pass starts from a few megabytes.
VIA_SMALL_PROCESS = [
    sys.executable,
    "-c",
    "import subprocess, sys; sys.exit(subprocess.run(sys.argv[1:]).returncode)",
]


def run_child(*args: str, n: int) -> dict[str, Any]:
    env = dict(os.environ, BENCH_MEMORY_N=str(n))
    done = subprocess.run(
        [*VIA_SMALL_PROCESS, sys.executable, __file__, "--child", *args],
        capture_output=True, text=True, check=False, env=env,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"memory pass {args} failed: {done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run(s: Scratch, quick: bool) -> list[Row]:
    n = 10_000 if quick else 100_000
    rounds = 1 if quick else 3
    built = s.dataset("sqlite", n)
    assert built is not None
    url = built[0]
    peaks: dict[str, list[float]] = {p: [] for p in PASSES}
    secs: dict[str, list[float]] = {p: [] for p in PASSES}
    for _ in range(rounds):
        for p in PASSES:
            res = run_child("pass", url, p, n=n)
            peaks[p].append(res["peak_mb"])
            secs[p].append(res["seconds"])
    per = run_child("per-case", url, "2000", n=n)
    for _ in range(rounds):
        res = cli_peak(url)
        peaks.setdefault("cli-json", []).append(res["peak_mb"])
        secs.setdefault("cli-json", []).append(res["seconds"])
    rows = []
    for p in [*PASSES[1:], "cli-json"]:
        row = compare(
            "5", f"peak RSS, {p} over {n:,} cases (SQLite)", "MB", peaks[p],
            "floor (bootstrap + 1 query)", peaks["floor"],
            note=f"{min(secs[p]):.1f} s per pass" if p != "list" else
            f"{min(secs[p]):.1f} s; the CLI's --limit allows 100,000",
        )  # fmt: skip
        row.goal, row.met = "< 200 MB", row.value < 200
        rows.append(row)
    rows.append(
        Row(
            "5", "memory per loaded Case (ORM state included)", "KiB", per["per_case"] / 1024,
            baseline_name="one transitions.Machine per case", baseline=per["per_machine"] / 1024,
            ratio=per["per_case"] / per["per_machine"] if per["per_machine"] else None,
            goal="no per-case Machine", met=per["models"] == 0,
            note=f"after building 100 more Machines: {per['per_case_after'] / 1024:.2f} KiB per "
            f"case; CASE_MACHINE.models after advancing {per['advanced']} cases: "
            f"{per['models']}",
        )
    )  # fmt: skip
    return rows


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        kind, url, arg = sys.argv[2:5]
        out = child_pass(url, arg) if kind == "pass" else child_per_case(url, int(arg))
        print(json.dumps(out))
        return
    from bench.common import table

    with scratch() as sc:
        print(table(run(sc, "--quick" in sys.argv)))


if __name__ == "__main__":
    main()
