"""Issue 10, item 17: the PDF's geometry after GB/T 9704-2012, measured on a rendered notice
(``pdftotext -bbox-layout`` for the type, the page as pixels for the red rule).

A4 with the 版心 156 mm x 225 mm at 37 mm from the top and 28 mm from the left; the
发文机关标志's top edge 35 mm below the 版心's top; the 发文字号 two lines under it; the red
rule 4 mm under the 发文字号, as wide as the 版心; the title in 2号 (22pt) two lines under
the rule; the body in 3号 (16pt), 22 lines of 28 characters; 一级标题 in a 黑体-like face.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from supervise.office import Office
from supervise.states import CaseState
from tests.conftest import MakeOffice, open_case
from tests.integration.helpers import advance, case_in
from tests.integration.test_review import notice_of

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="needs poppler-utils",
)

MM = 72 / 25.4  # points per millimetre
LINE = 225 * MM / 22  # the 版心's height over its 22 lines
# Noto CJK's line box (what pdftotext reports) is 1.448 em tall, its ideographs' em box
# starts 0.28 em below the box's top and ends 0.12 em above its bottom... of the em: the
# visible top and bottom of a line of ideographs are measured from these.
BOX, TOP, BOTTOM = 1.448, 0.28, 1.28


@dataclass(frozen=True)
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def size(self) -> float:
        return (self.y1 - self.y0) / BOX

    @property
    def top(self) -> float:
        return self.y0 + TOP * self.size

    @property
    def bottom(self) -> float:
        return self.y0 + BOTTOM * self.size


def words(pdf: Path) -> list[Word]:
    done = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    found: list[Word] = []
    page = 0
    for line in done.stdout.splitlines():
        if "<page " in line:
            page += 1
        m = re.search(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>',
            line,
        )
        if m:
            x0, y0, x1, y1 = (float(v) for v in m.groups()[:4])
            found.append(Word(page, x0, y0, x1, y1, m.group(5)))
    return found


def _office(make_office: MakeOffice, tmp_path: Path) -> Office:
    # Real office data: no 样本 line above the masthead.
    config = tmp_path / "office.yaml"
    config.write_text(
        'office:\n  address: 重庆市渝北区金开大道100号\n  phone: "023-67000000"\n', "utf-8"
    )
    return make_office(config=config)


def _pdf(office: Office, notice: int, tmp_path: Path) -> Path:
    path = tmp_path / f"{notice}.pdf"
    path.write_bytes(office.render_notice(notice, "pdf").data)
    return path


def _red_rows(pdf: Path, tmp_path: Path) -> list[tuple[int, int, int]]:
    """(y, first x, last x) in points of each pixel row of page 1 that is mostly red."""
    subprocess.run(
        ["pdftoppm", "-r", "72", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    [png] = sorted(tmp_path.glob("p*.png"))
    image = Image.open(png).convert("RGB")
    width, height = image.size
    pixels = image.load()
    assert pixels is not None
    rows = []
    for y in range(height):
        red = [x for x in range(width) if _is_red(pixels[x, y])]
        if len(red) > 100 * MM:
            rows.append((y, red[0], red[-1]))
    return rows


def _is_red(pixel: tuple[int, int, int]) -> bool:
    r, g, b = pixel
    return r > 180 and g < 90 and b < 90


@needs_poppler
def test_the_masthead_and_the_title_sit_where_the_standard_puts_them(
    make_office: MakeOffice, tmp_path: Path
) -> None:
    office = _office(make_office, tmp_path)
    case_id = open_case(office)
    advance(office, case_id, "propose_warning")
    pdf = _pdf(office, notice_of(office, case_id, "warning_prior_notice"), tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert "595.276 x 841.89 pts (A4)" in info.stdout
    first = [w for w in words(pdf) if w.page == 1]
    issuer, number, title = first[0], first[1], first[2]
    assert issuer.text == "重庆市民政局" and number.text.startswith("渝民社罚告")
    assert title.text == "行政处罚事先告知书"
    # The mark's top edge 35 mm below the 版心's top (37 mm from the paper's edge).
    assert abs(issuer.top - (37 + 35) * MM) < 1 * MM, issuer.top / MM
    # The 发文字号 two blank lines under the mark.
    assert 2 * LINE <= number.top - issuer.bottom <= 2.3 * LINE
    # The red rule 4 mm under the 发文字号, as wide as the 版心 (28 mm to 184 mm).
    rows = _red_rows(pdf, tmp_path)
    rule = [r for r in rows if r[0] > number.bottom]
    assert rule, rows
    y, left, right = rule[0]
    assert abs(y - (number.bottom + 4 * MM)) < 1 * MM, (y - number.bottom) / MM
    assert abs(left - 28 * MM) < 1 * MM and abs(right - 184 * MM) < 1 * MM
    # The title: 2号 (22pt), two blank lines under the rule, centred.
    assert abs(title.size - 22) < 0.5
    assert 2 * LINE <= title.top - y <= 2.5 * LINE
    assert abs((title.x0 + title.x1) / 2 - 106 * MM) < 1 * MM


@needs_poppler
def test_the_body_is_22_lines_of_28_characters_in_the_type_area(
    make_office: MakeOffice, tmp_path: Path
) -> None:
    office = _office(make_office, tmp_path)
    case_id = open_case(office)
    advance(office, case_id, "propose_warning")
    found = words(_pdf(office, notice_of(office, case_id, "warning_prior_notice"), tmp_path))
    body = [w for w in found if not re.fullmatch(r"[—\d]+", w.text)]
    for w in body:
        # Inside the 版心: 28-184 mm across, 37-262 mm down.
        assert 28 * MM - 0.5 <= w.x0 and w.x1 <= 184 * MM + 0.5, (w.text, w.x0, w.x1)
        assert 37 * MM - 1 <= w.y0 and w.y1 <= 262 * MM + 1, (w.text, w.y0, w.y1)
    # The text of page 2 down to the 落款 (the 附注 under it is set smaller on purpose).
    signoff = max(i for i, w in enumerate(body) if w.text == "重庆市民政局")
    second = [w for w in body[:signoff] if w.page == 2]
    assert len(second) > 5, "the notice should run onto a second page"
    for w in second:
        assert abs(w.size - 16) < 0.3, w  # 3号
    # One line apart (28.95pt, so 22 lines fill the 225 mm), or two where a line is left blank.
    pitches = [b.y0 - a.y0 for a, b in zip(second, second[1:], strict=False)]
    assert all(min(abs(p - LINE), abs(p - 2 * LINE)) < 0.1 for p in pitches), pitches
    # A full line of ideographs and full-width marks holds 28 characters.
    full = [
        w
        for w in second
        if w.x0 < 28 * MM + 1 and w.x1 > 183 * MM and re.fullmatch(r"[^\x00-\x7f]+", w.text)
    ]
    assert full and all(len(w.text) == 28 for w in full), [w.text for w in full]
    # The first line of the 版心 on a page of its own starts at its top.
    assert abs(second[0].y0 - (37 * MM + (LINE - 16 * BOX) / 2)) < 1


@needs_poppler
def test_first_level_headings_are_set_in_a_heiti_like_face(
    make_office: MakeOffice, tmp_path: Path
) -> None:
    office = _office(make_office, tmp_path)  # no 样本 mark, which is set in the sans face too
    case_id = case_in(office, CaseState.RECTIFYING)
    pdf = _pdf(office, notice_of(office, case_id, "rectification_order"), tmp_path)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    # 一、整改要求 … in the sans face (黑体-like); the body in the serif one (仿宋's stand-in).
    assert "Noto-Sans-CJK-SC-Bold" in fonts.stdout and "Noto-Serif-CJK-SC" in fonts.stdout
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "一、整改要求" in text
