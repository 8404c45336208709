"""Notices: PDFs per second through the engine against plain WeasyPrint on the same HTML.

A scratch SQLite database gets ``count`` notices issued through the library API, each case
playing a one-step story (``supervise.story``: half 约谈
通知书 from ``schedule_interview``, half 行政处罚事先告知书 from ``propose_warning``; two A4
pages each). Then, in each of several rounds, three batches of PDFs over the same notices,
interleaved notice by notice (the three contenders render notice k back to back, so a load
change on the shared machine hits all three alike):

- **baseline**: ``weasyprint.HTML(string=html).write_pdf()`` on the stored HTML (read
  beforehand, outside the timing);
- **first render**: ``office.render_notice(id, "pdf")`` on notices whose PDF hash is not
  stored yet (the engine stores it: one write per notice). The hashes are
  cleared with one UPDATE before each round, outside the timing;
- **re-render**: the same call once the hashes are stored (the engine re-checks them).

Each batch gives seconds per notice; the ratio engine / baseline is taken per round and the
median reported (target: overhead under 20 %, ratio <= 1.2). Then the first render in a
fresh process: ``supervise --db X notice render ID -o out.pdf`` against ``python -c`` that
imports WeasyPrint and renders the same HTML, alternating, one notice cleared before each run.

    .venv/bin/python bench/notices.py [--quick] [--count N] [--rounds R] [--json PATH]

``run(scratch, quick)`` returns the rows, as the other modules do, for ``bench/run.py``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.base import NOW, sqlite_file
from bench.common import (
    DEV_ENV,
    Row,
    Scratch,
    as_json,
    compare,
    interleaved,
    make_office,
    median,
    scratch,
    table,
)
from supervise.office import Office
from supervise.story import Step, credit_code, id_number, play

TARGET = "6"  # the key bench/run.py lists this benchmark under
LIMIT = 1.2  # the engine's overhead over plain WeasyPrint must stay under 20 %
CASES_PER_ORG = 20
# Content of the notices (what --facts/--place/--details would give).
INTERVIEW = {
    "facts": "你单位未按照规定参加2025年度检查，2025年度财务收支情况未按照章程规定向会员公开。",
    "place": "重庆市民政局社会组织管理局301会议室",
    "interviewers": ["张志强", "李娜"],
    "materials": ["单位登记证书副本", "2025年度财务会计报告", "理事会会议纪要"],
}
WARNING = {
    "facts": "你单位未按照规定参加2025年度检查，经约谈并责令限期整改后逾期仍未报送年度工作报告；\n"
             "你单位2025年度将募集资金12万元用于支付办公场所租金，未经理事会审议。",
    "evidence": "1.年度工作报告报送系统记录；\n2.银行账户流水及记账凭证复印件；\n3.约谈记录。",
}  # fmt: skip


# --- the data set ------------------------------------------------------------------------


def issue_notices(office: Office, count: int) -> list[int]:
    """``count`` notices through the library API, one case each; returns their ids."""
    orgs: list[int] = []
    for k in range((count + CASES_PER_ORG - 1) // CASES_PER_ORG):
        org = office.add_org(
            name=f"重庆市第{k + 1}青少年发展促进会",
            credit_code=credit_code(50_000 + k, prefix="51500000"),
            district="渝中区",
            kind="social-group",
        )
        orgs.append(org.id)
    stories = (
        [Step("schedule_interview", {"date": NOW.date() + timedelta(days=14)}, INTERVIEW)],
        [Step("propose_warning", details=WARNING)],
    )
    for i in range(count):
        birth = f"{1960 + i // 1000:04d}0315"
        person = office.add_person(name="刘建华", id_number=id_number(i % 1000, birth=birth))
        case = office.appoint(org=orgs[i // CASES_PER_ORG], person=person.id, role="秘书长")
        play(office, stories[i % 2], {"main": case.id})
    ids = [v.id for v in office.notices()]
    assert len(ids) == count, (len(ids), count)
    return ids


def stored_html(office: Office, ids: Sequence[int]) -> list[str]:
    return [office.render_notice(i, "html").data.decode("utf-8") for i in ids]


def clear_pdf_hashes(db: str, ids: Sequence[int] | None = None) -> None:
    """Back to "never rendered": the state a notice is in right after its transition."""
    con = sqlite3.connect(db, timeout=30)
    try:
        where = "" if ids is None else f" WHERE id IN ({','.join(str(int(i)) for i in ids)})"
        con.execute(f"UPDATE notices SET pdf_sha256 = NULL, pdf_text_sha256 = NULL{where}")
        con.commit()
    finally:
        con.close()


# --- in-process batches ------------------------------------------------------------------


def batch(fn: Callable[[int], Any], count: int) -> float:
    """Seconds per notice over one batch of ``count`` calls."""
    start = time.perf_counter()
    for k in range(count):
        fn(k)
    return (time.perf_counter() - start) / count


def in_process(office: Office, db: str, ids: list[int], rounds: int) -> list[Row]:
    """Three batches of ``len(ids)`` PDFs per round, interleaved notice by notice.

    For each notice the three contenders run back to back (the baseline's place in the
    order rotating, the first render always before the re-render of the same notice), and
    each contender's time is summed over the batch. On a shared machine the load drifts over
    a batch of a minute; pairs a fraction of a second apart see the same load.
    """
    import weasyprint

    htmls = stored_html(office, ids)
    count = len(ids)
    # Warm up both paths (fonts, Pango, WeasyPrint's caches, the engine's fc-list lookup).
    weasyprint.HTML(string=htmls[0]).write_pdf()
    office.render_notice(ids[0], "pdf")
    sizes: list[int] = []

    def baseline(k: int) -> None:
        sizes.append(len(weasyprint.HTML(string=htmls[k]).write_pdf()))

    def first(k: int) -> None:
        assert office.render_notice(ids[k], "pdf").first, "not a first render"

    def again(k: int) -> None:
        assert not office.render_notice(ids[k], "pdf").first, "a first render"

    contenders: dict[str, Callable[[int], None]] = {
        "baseline": baseline, "first": first, "again": again,
    }  # fmt: skip
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for r in range(rounds):
        clear_pdf_hashes(db)  # every notice back to "never rendered"
        spent = dict.fromkeys(contenders, 0.0)
        for k in range(count):
            order = ["first", "again"]
            order.insert((r + k) % 3, "baseline")
            for name in order:
                start = time.perf_counter()
                contenders[name](k)
                spent[name] += time.perf_counter() - start
        for name in contenders:
            samples[name].append(spent[name] / count)
    base = samples["baseline"]
    pages = _pages(weasyprint.HTML(string=htmls[0]).write_pdf())
    note = (
        f"{count} notices (约谈通知书/事先告知书, {pages} A4 pages, "
        f"{median(sizes) / 1024:.0f} KiB each), {rounds} rounds, interleaved per notice; "
        f"median {1 / median(samples['first']):.2f} notices/s first, "
        f"{1 / median(samples['again']):.2f}/s again, {1 / median(base):.2f}/s WeasyPrint"
    )
    plain = "weasyprint.HTML(string=html).write_pdf()"
    return [
        compare(TARGET, f"render_notice(id, 'pdf'), first render, batch of {count}", "s",
                samples["first"], plain, base, limit=LIMIT, note=note),
        compare(TARGET, f"render_notice(id, 'pdf'), re-render, batch of {count}", "s",
                samples["again"], plain, base, limit=LIMIT),
    ]  # fmt: skip


def components(office: Office, ids: list[int]) -> list[Row]:
    """Where the engine's time goes besides WeasyPrint, per notice (a few notices, in-process)."""
    import weasyprint

    from supervise.notices.pdf import html_to_pdf

    htmls = stored_html(office, ids[:10])
    pdfs = [weasyprint.HTML(string=h).write_pdf() for h in htmls]
    font = office.settings.notices.font
    n = len(htmls)
    samples = interleaved(
        {
            "plain": lambda: batch(lambda k: weasyprint.HTML(string=htmls[k]).write_pdf(), n),
            "html_to_pdf": lambda: batch(lambda k: html_to_pdf(htmls[k], font_family=font), n),
            "sha256": lambda: batch(lambda k: hashlib.sha256(pdfs[k]).hexdigest(), n),
        },
        3,
    )
    plain = "weasyprint.HTML(string=html).write_pdf()"
    return [
        compare(TARGET, "  of which html_to_pdf() (URL fetcher, font checks, layout text)", "s",
                samples["html_to_pdf"], plain, samples["plain"]),
    ]  # fmt: skip


def _pages(pdf: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


# --- fresh processes ---------------------------------------------------------------------


def supervise_cmd() -> list[str]:
    script = Path(sys.executable).parent / "supervise"
    return [str(script)] if script.exists() else [sys.executable, "-m", "supervise"]


PLAIN_SCRIPT = (
    "import sys, weasyprint; "
    "weasyprint.HTML(string=open(sys.argv[1], encoding='utf-8').read()).write_pdf(sys.argv[2])"
)


def timed(argv: Sequence[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, check=False)  # fmt: skip
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.decode()}")
    return elapsed


def fresh_process(s: Scratch, db: str, notice_id: int, html: str, runs: int) -> list[Row]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUPERVISE_")}
    env.update(DEV_ENV)  # the benchmark's persons are sealed under the development key
    html_file = s.dir / "notice.html"
    html_file.write_text(html, encoding="utf-8")
    engine_argv = [*supervise_cmd(), "--db", db, "notice", "render", str(notice_id),
                   "-o", str(s.dir / "engine.pdf")]  # fmt: skip
    plain_argv = [sys.executable, "-c", PLAIN_SCRIPT, str(html_file), str(s.dir / "plain.pdf")]

    def engine() -> float:
        clear_pdf_hashes(db, [notice_id])  # a first render: it stores the PDF hash
        return timed(engine_argv, env, s.dir)

    name = "first render in a fresh process: `supervise notice render`"
    try:
        timed(plain_argv, env, s.dir)  # warm the page cache and the .pyc files
        engine()
        samples = interleaved(
            {"engine": engine, "plain": lambda: timed(plain_argv, env, s.dir)}, runs
        )
    except RuntimeError as exc:  # a benchmark reports, it does not crash
        return [Row(TARGET, f"{name}: FAILED", "s", 0.0, note=str(exc)[-500:])]
    plain = 'python -c "import weasyprint; ….write_pdf()"'
    note = f"{runs} runs each, interleaved; whole process, imports included"
    return [compare(TARGET, name, "s", samples["engine"], plain, samples["plain"], note=note)]


# --- entry points ------------------------------------------------------------------------


def run(s: Scratch, quick: bool, count: int | None = None, rounds: int | None = None) -> list[Row]:
    """The rows of this benchmark (the signature the other bench modules share)."""
    count = count or (20 if quick else 200)
    rounds = rounds or (2 if quick else 3)
    url = s.sqlite("notices")
    db = sqlite_file(url)
    office = make_office(url)
    try:
        t0 = time.perf_counter()
        ids = issue_notices(office, count)
        _progress(f"{count} notices issued in {time.perf_counter() - t0:.1f} s")
        rows = in_process(office, db, ids, rounds)
        _progress(table(rows))
        rows += components(office, ids)
        html = office.render_notice(ids[1], "html").data.decode("utf-8")
    finally:
        office.close()
    rows += fresh_process(s, db, ids[1], html, 3 if quick else 7)
    return rows


def _progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import weasyprint

    return {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "weasyprint": weasyprint.__version__,
        "load_before": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="20 notices, 2 rounds")
    parser.add_argument("--count", type=int, help="notices per batch (default 200)")
    parser.add_argument("--rounds", type=int, help="rounds (default 3)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the rows as JSON")
    args = parser.parse_args()
    meta = machine()
    started = time.perf_counter()
    with scratch() as s:
        rows = run(s, args.quick, args.count, args.rounds)
    meta["seconds"] = round(time.perf_counter() - started, 1)
    meta["load_after"] = os.getloadavg()[0]
    print(f"# {meta['date']}  {meta['nproc']} CPUs ({meta['cpu']}), Python {meta['python']}, "
          f"WeasyPrint {meta['weasyprint']}; load {meta['load_before']:.2f} -> "
          f"{meta['load_after']:.2f}; {meta['seconds']} s")  # fmt: skip
    print(table(rows))
    for r in rows:
        if r.ratio is not None and r.name.startswith("render("):
            print(f"engine overhead ({r.name}): {(r.ratio - 1) * 100:+.0f} % "
                  f"(per-round ratios spread ±{r.ratio_spread * 100:.0f} %)")  # fmt: skip
    if args.json:
        args.json.write_text(as_json(rows, meta), encoding="utf-8")


if __name__ == "__main__":
    main()
