"""Render one example of every notice type to PNG pages under docs/examples/.

Builds a scratch SQLite database and plays the example story (``supervise.story.example``:
three fictional organizations and their leaders, three cases on a moving clock) through the
library API, so that every type in ``supervise.notices.types.NOTICE_TYPES`` is issued at
least once with realistic content. Each notice is rendered through the engine
(``office.render_notice(id, "pdf")``), checked (document number and organization name
in ``pdftotext``, every character drawn by an embedded glyph), and pages 1 and 2 are
written as PNG with ``pdftoppm``. The PDFs themselves stay in the scratch folder.

    .venv/bin/python scripts/render_examples.py [--dpi 50] [--keep DIR]

Re-runnable: the PNGs of the previous run are replaced; the clock is fixed, so the same
code and fonts give the same pages. Needs poppler-utils (pdftoppm, pdftotext) and
fonts-noto-cjk.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import supervise  # noqa: E402
from supervise.adapters.personal_data import DEVELOPMENT_KEY, KEY_ENV  # noqa: E402
from supervise.law import SERVICE_METHODS  # noqa: E402
from supervise.notices.glyphs import missing_glyphs  # noqa: E402
from supervise.notices.numbering import format_number  # noqa: E402
from supervise.notices.types import FIELD_HELP, NOTICE_TYPES, notices_of_event  # noqa: E402
from supervise.office import Office  # noqa: E402
from supervise.story import Played, moment, open_cases, play  # noqa: E402
from supervise.story.example import ACTOR, CAST, OFFICE_CONFIG, TIMELINE  # noqa: E402

#: The PUBLIC development key (README): sample data only.
DEV_ENV = {KEY_ENV: DEVELOPMENT_KEY}

OUT = REPO / "docs" / "examples"
GUIDE = REPO / "docs" / "notices.md"
MAX_PNG_BYTES = 150 * 1024
PAGES = 2  # page 1, and page 2 where the notice has one (--pages to show more)


# --- running it --------------------------------------------------------------------------


def build_office(workdir: Path) -> Office:
    config = workdir / "config.yaml"
    config.write_text(OFFICE_CONFIG, encoding="utf-8")
    office = supervise.open(workdir / "examples.db", config=config, actor=ACTOR, environ=DEV_ENV)
    office.init()
    first = TIMELINE[0].at
    assert first is not None
    return office.at(moment(office, first))


def drive(office: Office, log: Callable[[str], None]) -> dict[int, str]:
    """Register the cast, open the cases at the first step's time and play the timeline.

    Returns where each notice came from (event, day, case, service), by notice id.
    """
    case_ids = open_cases(office, CAST)
    origins: dict[int, str] = {}

    def record(done: Played) -> None:
        step = done.step
        at = step.at or ""
        for served in done.served:
            view = served.notice
            origins[view.id] += (
                f", served {view.served_on.isoformat() if view.served_on else '?'} "
                f"({SERVICE_METHODS[step.method]})"
            )
            log(f"  {at}  serve {view.number} ({step.method})")
        if done.result is None:
            return
        result = done.result
        made = ", ".join(number for _id, _type, number in result.notices)
        org_name = CAST.orgs[CAST.cases[step.case][0]]["name"]
        for notice_id, _type, _number in result.notices:
            origins[notice_id] = (
                f"issued by `{step.event}` on {at[:10]} in case {done.case_id} ({org_name})"
            )
        log(f"{at}  case {done.case_id} {step.event}: {result.from_state.value} -> "
            f"{result.to_state.value}{'  => ' + made if made else ''}")  # fmt: skip

    play(office, TIMELINE, case_ids, on_step=record)
    return origins


def pdftoppm(pdf: Path, page: int, prefix: Path, dpi: int) -> Path:
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), "-singlefile",
         str(pdf), str(prefix)],
        check=True,
    )  # fmt: skip
    return prefix.with_suffix(".png")


def page_count(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    for line in out.stdout.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise RuntimeError(f"pdfinfo gave no page count for {pdf}")


def pdftotext(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True)  # fmt: skip
    return out.stdout


def check_pdf(pdf: bytes, path: Path, number: str, names: list[str], html: str) -> list[str]:
    """What is wrong with a rendered notice (empty: nothing found)."""
    problems = []
    text = "".join(pdftotext(path).split())
    for needle in [number, *names]:
        if needle not in text:
            problems.append(f"pdftotext lacks {needle!r}")
    # The seal placeholder shows on screen only: it is not printed, so not in the PDF.
    html = re.sub(r'<div class="seal">.*?</div>', "", html, flags=re.S)
    body = re.sub(r"<style>.*?</style>|<[^>]+>", "", html, flags=re.S)
    body = body.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    missing = missing_glyphs(pdf, body)
    if missing:
        problems.append(f"characters without a glyph: {''.join(sorted(missing))}")
    return problems


# --- the generated parts of docs/notices.md ------------------------------------------------


def _code(names: Sequence[str]) -> str:
    return ", ".join(f"`{n}`" for n in names) or "–"


def events_table() -> str:
    rows = ["| event | notice type | document |", "|---|---|---|"]
    events = dict.fromkeys(e for nt in NOTICE_TYPES.values() for e in nt.events)
    for event in events:
        types = notices_of_event(event)
        rows.append(
            f"| `{event}` | {_code(types)} | {'；'.join(NOTICE_TYPES[t].title_zh for t in types)} |"
        )
    return "\n".join(rows)


def fields_table() -> str:
    rows = ["| notice type | document | required fields | optional fields |", "|---|---|---|---|"]
    used: list[str] = []
    for nt in NOTICE_TYPES.values():
        rows.append(
            f"| `{nt.key}` | {nt.title_zh} | {_code(nt.required_fields)} | "
            f"{_code(nt.optional_fields)} |"
        )
        used += [f for f in nt.allowed_fields if f not in used]
    rows += ["", "| field | meaning |", "|---|---|"]
    rows += [f"| `{f}` | {FIELD_HELP.get(f, '')} |" for f in sorted(used)]
    return "\n".join(rows)


def numbers_table() -> str:
    rows = [
        "| notice type | document | default pattern | first number of 2026 |",
        "|---|---|---|---|",
    ]
    for key, nt in NOTICE_TYPES.items():
        pattern = nt.pattern
        rows.append(
            f"| `{key}` | {NOTICE_TYPES[key].title_zh} | `{pattern}` | "
            f"{format_number(pattern, year=2026, seq=1)} |"
        )
    return "\n".join(rows)


def gallery(shown: Sequence[tuple[str, str, str, list[str]]]) -> str:
    """``shown``: (type, number, produced by, PNG names) per notice type."""
    parts = []
    for key, number, origin, pngs in shown:
        images = " ".join(
            f"[![{NOTICE_TYPES[key].title_zh} {number}, page {n}](examples/{png})](examples/{png})"
            for n, png in enumerate(pngs, 1)
        )
        parts.append(
            f"### {NOTICE_TYPES[key].title_zh} — `{key}`\n\n{number}, {origin}.\n\n{images}"
        )
    return "\n\n".join(parts)


def fill(text: str, name: str, content: str) -> str:
    """Replace what stands between the ``name`` markers of docs/notices.md."""
    pattern = re.compile(rf"(<!-- {name}:begin \(generated\) -->\n).*?(<!-- {name}:end -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"{GUIDE} has no <!-- {name}:begin (generated) --> marker")
    return pattern.sub(lambda m: m.group(1) + content + "\n" + m.group(2), text)


def update_guide(path: Path, shown: Sequence[tuple[str, str, str, list[str]]]) -> None:
    text = path.read_text(encoding="utf-8")
    for name, content in (
        ("events", events_table()),
        ("fields", fields_table()),
        ("numbers", numbers_table()),
        ("gallery", gallery(shown)),
    ):
        text = fill(text, name, content)
    path.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dpi", type=int, default=50, help="pdftoppm resolution (default 50)")
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the PNGs")
    parser.add_argument(
        "--pages", type=int, default=PAGES, help=f"pages per notice to convert (default {PAGES})"
    )
    parser.add_argument("--keep", type=Path, help="also copy the PDFs and the database here")
    parser.add_argument("-q", "--quiet", action="store_true")
    args = parser.parse_args()
    for tool in ("pdftoppm", "pdftotext", "pdfinfo"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} not found: install Debian's poppler-utils")
    log: Callable[[str], None] = (lambda _m: None) if args.quiet else print

    with tempfile.TemporaryDirectory(prefix="supervise-examples-") as tmp:
        work = Path(tmp)
        office = build_office(work)
        try:
            origins = drive(office, log)
            views = office.notices()
            first: dict[str, Any] = {}
            for view in views:
                first.setdefault(view.type, view)
            absent = [t for t in NOTICE_TYPES if t not in first]
            if absent:
                sys.exit(f"the timeline produced no {', '.join(absent)}; extend TIMELINE")

            args.out.mkdir(parents=True, exist_ok=True)
            for old in args.out.glob("*.png"):
                if old.stem.rsplit("-", 1)[0] in NOTICE_TYPES:
                    old.unlink()
            failures = 0
            shown_in_guide: list[tuple[str, str, str, list[str]]] = []
            names = {o["name"] for o in CAST.orgs.values()} | {p[0] for p in CAST.persons.values()}
            for notice_type in NOTICE_TYPES:
                view = first[notice_type]
                rendered = office.render_notice(view.id, "pdf")
                html = office.render_notice(view.id, "html").data.decode("utf-8")
                pdf_path = work / f"{notice_type}.pdf"
                pdf_path.write_bytes(rendered.data)
                shown = [n for n in names if n in html]
                problems = check_pdf(rendered.data, pdf_path, view.number, shown, html)
                pages = page_count(pdf_path)
                written = []
                pngs = []
                for page in range(1, min(pages, args.pages) + 1):
                    png = pdftoppm(pdf_path, page, args.out / f"{notice_type}-{page}", args.dpi)
                    if png.stat().st_size > MAX_PNG_BYTES:
                        problems.append(f"{png.name} is {png.stat().st_size // 1024} KiB")
                    written.append(f"{png.name} ({png.stat().st_size // 1024} KiB)")
                    pngs.append(png.name)
                origin = origins[view.id] + f"; {pages} page{'s' if pages > 1 else ''}"
                shown_in_guide.append((notice_type, view.number, origin, pngs))
                status = "ok" if not problems else "PROBLEM: " + "; ".join(problems)
                failures += bool(problems)
                log(f"{notice_type:<26} {view.number:<22} {pages} page(s)  "
                    f"{', '.join(written)}  {status}")  # fmt: skip
            if args.out.resolve() == OUT.resolve():
                update_guide(GUIDE, shown_in_guide)
                log(f"updated the generated tables and the gallery of {GUIDE}")
        finally:
            office.close()  # the last connection checkpoints SQLite's WAL into the file
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for kept in [*work.glob("*.pdf"), work / "examples.db", work / "config.yaml"]:
                shutil.copy(kept, args.keep / kept.name)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
