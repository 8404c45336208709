"""PDF output: font checks, refusals, safety of fetching, and the glyph check itself."""

from __future__ import annotations

import base64
import io
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from supervise.errors import InvalidInput, SuperviseError
from supervise.notices import pdf as pdf_module
from supervise.notices.glyphs import missing_glyphs
from supervise.notices.pdf import (
    NO_CJK_FONT,
    PDF_NOT_INSTALLED,
    CjkFont,
    check_fonts,
    css_font_family,
    html_to_pdf,
)
from supervise.notices.render import NoticeRenderer
from tests.notices.samples import make_context

FAKE_TTC = CjkFont("Noto Serif CJK SC", "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")


@pytest.fixture
def weasyprint() -> ModuleType:
    module: ModuleType = pytest.importorskip("weasyprint")
    return module


def pdftotext(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def page(body: str) -> str:
    return f'<!DOCTYPE html><html lang="zh-CN"><body><p>{body}</p></body></html>'


def uncovered_character() -> str:
    """A character no installed font has: a rare name character if possible."""
    # 𪚥 (U+2A6A5) and 𰻞 (U+30EDE) are real characters some people's names use; U+0378 is
    # unassigned, so no font can have it.
    for ch in ("\U0002a6a5", "\U00030ede", "\u0378"):
        listed = subprocess.run(
            ["fc-list", f":charset={ord(ch):x}", "file"], capture_output=True, text=True, check=True
        ).stdout
        if not listed.strip():
            return ch
    raise AssertionError("every candidate character is covered by an installed font")


# --- refusals ---------------------------------------------------------------------------


def test_no_cjk_font_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_module, "cjk_fonts", lambda: [])
    with pytest.raises(SuperviseError) as info:
        html_to_pdf(page("中文"))
    assert str(info.value) == NO_CJK_FONT
    assert NO_CJK_FONT in check_fonts()


def test_missing_weasyprint_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_module, "cjk_fonts", lambda: [FAKE_TTC])
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    with pytest.raises(SuperviseError) as info:
        html_to_pdf(page("中文"))
    assert (
        str(info.value)
        == PDF_NOT_INSTALLED
        == ("PDF support is not installed: pip install 'supervise[pdf]'")
    )
    assert PDF_NOT_INSTALLED in check_fonts()


def test_only_region_otf_fonts_are_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    otf = CjkFont("Noto Serif CJK SC", "/usr/share/fonts/NotoSerifCJKsc-Regular.otf")
    monkeypatch.setattr(pdf_module, "cjk_fonts", lambda: [otf])
    assert any(".ttc" in problem and otf.path in problem for problem in check_fonts())
    monkeypatch.setattr(pdf_module, "cjk_fonts", lambda: [FAKE_TTC])
    assert not any(".ttc" in problem for problem in check_fonts())


def test_unknown_configured_family_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_module, "cjk_fonts", lambda: [FAKE_TTC])
    problems = check_fonts("FangSong_GB2312, serif")
    assert any("FangSong_GB2312" in p and "Noto Serif CJK SC" in p for p in problems)


@pytest.mark.parametrize(
    ("value", "css"),
    [
        ("Noto Serif CJK SC, serif", '"Noto Serif CJK SC", serif'),
        (
            "\"FangSong\", 'Noto Sans CJK SC', sans-serif",
            '"FangSong", "Noto Sans CJK SC", sans-serif',
        ),
    ],
)
def test_css_font_family(value: str, css: str) -> None:
    assert css_font_family(value) == css


@pytest.mark.parametrize("value", ["", "A,,B", "x; } body { color: red", "a</style>", "url(x)"])
def test_css_font_family_refuses_injection(value: str) -> None:
    with pytest.raises(InvalidInput):
        css_font_family(value)


# --- on this machine --------------------------------------------------------------------


@pytest.mark.slow
def test_this_machine_can_print_notices(weasyprint: ModuleType) -> None:
    assert check_fonts() == []
    assert any(f.is_collection for f in pdf_module.cjk_fonts())


@pytest.mark.slow
def test_font_family_setting_is_applied(weasyprint: ModuleType) -> None:
    from pypdf import PdfReader

    text = "Hello wörld 行政处罚决定书"
    pdf = html_to_pdf(page(text), font_family="DejaVu Serif, serif")
    reader = PdfReader(io.BytesIO(pdf))
    resources: Any = reader.pages[0]["/Resources"]
    names = {str(f.get_object()["/BaseFont"]) for f in resources["/Font"].values()}
    # Latin from DejaVu (TrueType), Chinese by fallback from Noto CJK (CFF): both kinds of
    # embedded program are then covered by the glyph check.
    assert any("DejaVu" in n for n in names) and any("CJK" in n for n in names)
    assert missing_glyphs(pdf, text) == set()


@pytest.mark.slow
def test_no_url_but_data_is_fetched(weasyprint: ModuleType, tmp_path: Path) -> None:
    from PIL import Image
    from pypdf import PdfReader

    png = tmp_path / "seal.png"
    Image.new("RGB", (8, 8), "red").save(png)
    local = html_to_pdf(page(f'<img src="{png.as_uri()}" alt="">中文'))
    assert list(PdfReader(io.BytesIO(local)).pages[0].images) == []
    inline = base64.b64encode(png.read_bytes()).decode("ascii")
    data = html_to_pdf(page(f'<img src="data:image/png;base64,{inline}" alt="">中文'))
    assert len(list(PdfReader(io.BytesIO(data)).pages[0].images)) == 1


# --- the glyph check --------------------------------------------------------------------


@pytest.mark.slow
def test_rare_name_character_is_detected(weasyprint: ModuleType, tmp_path: Path) -> None:
    rare = uncovered_character()
    context = make_context("ban_decision")
    context["person"]["name"] = "张" + rare
    pdf = html_to_pdf(NoticeRenderer().render_html("ban_decision", context))
    text = pdftotext(pdf, tmp_path)
    # pdftotext reads the name back even though a box is printed: it cannot be the check.
    assert "张" + rare in text
    assert missing_glyphs(pdf, text) == {rare}
    assert missing_glyphs(pdf, "张" + rare + "Ж") == {rare, "Ж"}  # Ж is not in the PDF


@pytest.mark.slow
def test_glyph_without_outline_is_detected(weasyprint: ModuleType, tmp_path: Path) -> None:
    """A ToUnicode entry that claims a character for an empty glyph does not count."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    pdf = html_to_pdf(page("甲 乙"))
    assert missing_glyphs(pdf, "甲乙") == set()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    patched = 0
    resources: Any = writer.pages[0]["/Resources"]
    for font_ref in resources["/Font"].values():
        to_unicode = font_ref.get_object()[NameObject("/ToUnicode")].get_object()
        data = to_unicode.get_data()
        # Point the space glyph's entry at Ω, a character the document never draws.
        if b"<0020>" in data:
            to_unicode.set_data(data.replace(b"<0020>", b"<03a9>"))
            patched += 1
    assert patched
    out = io.BytesIO()
    writer.write(out)
    forged = out.getvalue()
    assert "Ω" in pdftotext(forged, tmp_path)  # text extraction believes the forgery
    assert missing_glyphs(forged, "甲Ω乙") == {"Ω"}


def test_text_of_only_whitespace_needs_nothing() -> None:
    assert missing_glyphs(b"not a pdf", " \n\u3000") == set()


def test_unreadable_pdf_is_refused() -> None:
    with pytest.raises(InvalidInput, match="cannot read the PDF"):
        missing_glyphs(b"not a pdf", "中")
