"""Target 2: many supervisors at once on PostgreSQL, then an audit of the history.

1, 2 and 4 real processes (multiprocessing, spawn) advance different cases through the
service API (``record_statement`` on ``warning_proposed`` cases) for a fixed time, all
starting at the same instant. Throughput is the successful advances per second of all
processes together. The same is measured with the bare Core transaction, to tell what the
machine allows from what the engine costs.

Afterwards the history is audited: history rows written == advances the workers reported,
every (case_id, seq) once, and each case's ``seq`` equal to its number of history rows.

    python bench/bench_concurrency.py [--quick]
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
import time
from pathlib import Path
from typing import Any

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text

from bench import dataset
from bench.common import Row, Scratch, compare, median, scratch

PROCESSES = (1, 2, 4)
CASES_PER_WORKER = 200


def worker(
    url: str, mode: str, case_ids: list[int], start_at: float, seconds: float, out: Any
) -> None:
    """Advance ``case_ids`` round-robin from ``start_at`` for ``seconds``; report counts."""
    from bench.bench_advance import core_op, service_op
    from bench.common import make_office
    from supervise.errors import SuperviseError

    office = make_office(url, user=f"bench-{mode}")
    engine = office.runtime.database.engine()

    # Warm up (connect, compile, load the calendar) before the clock starts, through the
    # service in both modes: whether its result carries the history tells the Core
    # transaction whether to read the history back too.
    history = service_op(office, case_ids[0], "record_statement")
    warm = 1

    def advance(cid: int) -> None:
        if mode == "service":
            service_op(office, cid, "record_statement")
        else:
            core_op(engine, cid, "record_statement", read_history=history)

    with engine.connect() as conn:  # the pool hands this one connection out again
        backend = int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())
    ok = errors = 0
    kinds: dict[str, int] = {}
    while time.time() < start_at:
        time.sleep(0.001)
    cpu0, server0 = time.process_time(), server_cpu(backend)
    end = start_at + seconds
    i = 1
    while time.time() < end:
        try:
            advance(case_ids[i % len(case_ids)])
            ok += 1
        except SuperviseError as exc:
            errors += 1
            kinds[exc.kind] = kinds.get(exc.kind, 0) + 1
        i += 1
    cpu, server = time.process_time() - cpu0, server_cpu(backend) - server0
    office.close()
    out.put(
        {"ok": ok, "warm": warm, "errors": errors, "kinds": kinds, "cpu": cpu, "server": server}
    )


def server_cpu(pid: int) -> float:
    """CPU seconds the PostgreSQL backend ``pid`` has used (same machine only), else 0."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_run(url: str, mode: str, procs: int, cases: list[int], seconds: float) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    start_at = time.time() + 2.5 + 0.3 * procs  # time for every process to import and warm up
    chunks = [cases[k * CASES_PER_WORKER : (k + 1) * CASES_PER_WORKER] for k in range(procs)]
    workers = [
        ctx.Process(target=worker, args=(url, mode, chunk, start_at, seconds, queue))
        for chunk in chunks
    ]
    for w in workers:
        w.start()
    results = [queue.get(timeout=120 + seconds) for _ in workers]
    for w in workers:
        w.join()
    late = time.time() < start_at
    return {
        "throughput": sum(r["ok"] for r in results) / seconds,
        "advances": sum(r["ok"] + r["warm"] for r in results),
        "errors": sum(r["errors"] for r in results),
        "kinds": [r["kinds"] for r in results if r["kinds"]],
        "cpu": sum(r["cpu"] for r in results) / max(1, sum(r["ok"] for r in results)),
        "server": sum(r["server"] for r in results) / max(1, sum(r["ok"] for r in results)),
        "late": late,
    }


def procs_cores() -> int:
    return len(os.sched_getaffinity(0))


def audit(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT count(*) FROM history WHERE event = 'record_statement'")
        ).scalar_one()
        doubled = conn.execute(
            text(
                "SELECT count(*) FROM (SELECT case_id, seq FROM history "
                "GROUP BY case_id, seq HAVING count(*) > 1) d"
            )
        ).scalar_one()
        gaps = conn.execute(
            text(
                "SELECT count(*) FROM cases c WHERE c.seq <> "
                "(SELECT count(*) FROM history h WHERE h.case_id = c.id) "
                "OR c.seq <> (SELECT max(seq) FROM history h WHERE h.case_id = c.id)"
            )
        ).scalar_one()
    engine.dispose()
    return {"rows": int(rows), "doubled": int(doubled), "gaps": int(gaps)}


def run(s: Scratch, quick: bool) -> list[Row]:
    rounds, seconds = (1, 2.0) if quick else (3, 5.0)
    url = s.pg("concurrency")
    if url is None:
        return [Row("2", "many supervisors: PostgreSQL not reachable", "", 0.0, met=None)]
    n_cases = max(PROCESSES) * CASES_PER_WORKER
    dataset.build(url, 10 * n_cases, matching=n_cases, overdue=100)
    cases = sorted(dataset.Layout(10 * n_cases, n_cases, 100).matching)
    before = audit(url)
    reported = 0
    errors = 0
    late = False
    samples: dict[tuple[str, int], list[float]] = {}
    cpu: dict[tuple[str, int], list[tuple[float, float]]] = {}
    for r in range(rounds):
        for mode in ("service", "core"):
            order = PROCESSES if r % 2 == 0 else tuple(reversed(PROCESSES))
            for procs in order:
                res = one_run(url, mode, procs, cases, seconds)
                samples.setdefault((mode, procs), []).append(res["throughput"])
                cpu.setdefault((mode, procs), []).append((res["cpu"], res["server"]))
                reported += res["advances"]
                errors += res["errors"]
                late = late or res["late"]
    after = audit(url)
    s.drop_pg(url)
    written = after["rows"] - before["rows"]
    intact = written == reported and after["doubled"] == 0 and after["gaps"] == 0
    check = (
        f"audit: {reported} advances reported, {written} history rows written, "
        f"{after['doubled']} doubled (case_id, seq), {after['gaps']} cases with a gap; "
        f"{errors} refused advances" + ("; WARNING: a worker started late" if late else "")
    )
    rows: list[Row] = []
    for mode in ("service", "core"):
        label = "service advance" if mode == "service" else "Core txn"
        one = samples[(mode, 1)]
        client = median([c for c, _ in cpu[(mode, 1)]])
        server = median([s for _, s in cpu[(mode, 1)]])
        wall = 1 / median(one)
        ceiling = min(procs_cores(), 4) / (client + server) * wall if client + server else 0
        note = (
            f"1 process, per advance: {wall * 1e3:.2f} ms wall, client CPU {client * 1e3:.2f} "
            f"ms, server CPU {server * 1e3:.2f} ms; if CPU-bound, {procs_cores()} cores allow "
            f"at most {ceiling:.2f}x"
        )
        for procs in PROCESSES[1:]:
            rows.append(
                compare(
                    "2", f"{procs} processes, {label}, PostgreSQL", "/s",
                    samples[(mode, procs)], "1 process",
                    one, limit=1.6 if procs == 4 and mode == "service" else None,
                    higher_is_better=True, note=note if procs == 4 else "",
                )
            )  # fmt: skip
    rows.append(
        Row(
            "2", "no lost or doubled transitions", "rows", float(written),
            goal="rows == reported", met=intact, note=check,
        )
    )  # fmt: skip
    return rows


if __name__ == "__main__":
    from bench.common import table

    with scratch() as sc:
        print(table(run(sc, "--quick" in sys.argv)))
