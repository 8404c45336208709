"""PDF output of rendered notices through WeasyPrint, and the font checks it depends on.

WeasyPrint is imported inside the functions that need it: the import costs about 0.6 s,
and commands that never print a notice must not pay it. Text is shaped by Pango, which
finds fonts through fontconfig, so fontconfig is also what we ask whether a font that
covers Chinese is installed. Without one, Pango prints boxes (豆腐块) and the PDF looks fine
to pdftotext, so refusing up front is the only clear signal.
"""

from __future__ import annotations

import ctypes.util
import importlib
import re
import shutil
import subprocess
from dataclasses import dataclass
from typing import Any

from supervise.errors import InvalidInput, SuperviseError

DEFAULT_FONT_FAMILY = '"Noto Serif CJK SC", "Noto Sans CJK SC", serif'

NO_CJK_FONT = (
    "no font covering Chinese text was found by fontconfig; install Debian's fonts-noto-cjk "
    "(apt-get install fonts-noto-cjk) or set notices.font"
)
PDF_NOT_INSTALLED = "PDF support is not installed: pip install 'supervise[pdf]'"

_GENERIC_FAMILIES = frozenset(
    {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "math"}
)
# Anything that could end the declaration or open a new rule in the CSS we generate.
_BAD_FAMILY_CHARS = re.compile(r"[\"'\\;{}<>()@*/\x00-\x1f]")


@dataclass(frozen=True)
class CjkFont:
    """One font face fontconfig says covers Chinese (``:lang=zh``)."""

    family: str
    path: str

    @property
    def is_collection(self) -> bool:
        return self.path.lower().endswith((".ttc", ".otc"))


_cjk_cache: list[CjkFont] | None = None


def cjk_fonts() -> list[CjkFont]:
    """Fonts that cover Chinese according to ``fc-list ':lang=zh'``, collections first.

    A non-empty answer is cached for the process (fc-list costs a few tens of ms and fonts
    do not come and go under a running command); an empty one is asked again next time, so
    installing fonts-noto-cjk fixes a long-running process without a restart.
    """
    global _cjk_cache
    if _cjk_cache is not None:
        return list(_cjk_cache)
    fonts = _query_fc_list()
    if fonts:
        _cjk_cache = fonts
    return list(fonts)


def _query_fc_list() -> list[CjkFont]:
    exe = shutil.which("fc-list")
    if exe is None:
        return []
    try:
        proc = subprocess.run(
            [exe, "--format", "%{family[0]}\t%{file}\n", ":lang=zh"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    fonts: set[CjkFont] = set()
    for line in proc.stdout.splitlines():
        family, sep, path = line.partition("\t")
        if sep and family.strip() and path.strip():
            fonts.add(CjkFont(family.strip(), path.strip()))
    # Collections (.ttc) first: the region-specific .otf files of Noto CJK embed in a way
    # MuPDF and Ghostscript show as blank pages.
    return sorted(fonts, key=lambda f: (not f.is_collection, f.family, f.path))


def css_font_family(value: str) -> str:
    """A CSS font-family list from a setting like ``Noto Serif CJK SC, serif``.

    Names are re-quoted here, so a setting cannot smuggle other CSS into the document.
    """
    if not isinstance(value, str):
        raise InvalidInput(f"font family {value!r} must be text, e.g. 'Noto Serif CJK SC, serif'")
    names = [n.strip().strip("\"'").strip() for n in value.split(",")]
    if not names or any(not n for n in names):
        raise InvalidInput(
            f"font family {value!r} has an empty name; write names separated by commas, "
            "e.g. 'Noto Serif CJK SC, serif'"
        )
    for name in names:
        if _BAD_FAMILY_CHARS.search(name):
            raise InvalidInput(
                f"font family name {name!r} contains characters not allowed in a font name"
            )
    return ", ".join(n if n.lower() in _GENERIC_FAMILIES else f'"{n}"' for n in names)


def _named_families(css_list: str) -> list[str]:
    return [
        n.strip().strip('"')
        for n in css_list.split(",")
        if n.strip().strip('"').lower() not in _GENERIC_FAMILIES
    ]


def check_fonts(font_family: str | None = None) -> list[str]:
    """Problems that would spoil printed notices, one line each; empty when all is well.

    Checks fontconfig, a font covering Chinese, the configured family (or the default),
    the font file kind, WeasyPrint itself and HarfBuzz's subsetter (without it WeasyPrint
    falls back to fontTools and takes seconds per page).
    """
    problems: list[str] = []
    if shutil.which("fc-list") is None:
        problems.append(
            "fontconfig's fc-list was not found, so fonts cannot be checked; install Debian's "
            "fontconfig (apt-get install fontconfig)"
        )
    else:
        fonts = cjk_fonts()
        if not fonts:
            problems.append(NO_CJK_FONT)
        else:
            try:
                wanted = _named_families(css_font_family(font_family or DEFAULT_FONT_FAMILY))
            except InvalidInput as exc:
                problems.append(f"notices.font is unusable: {exc}")
                wanted = []
            by_family: dict[str, list[CjkFont]] = {}
            for font in fonts:
                by_family.setdefault(font.family.casefold(), []).append(font)
            chosen = next(
                (by_family[w.casefold()] for w in wanted if w.casefold() in by_family), []
            )
            if wanted and not chosen:
                problems.append(
                    f"none of the fonts {', '.join(wanted)} covers Chinese on this machine; "
                    f"Chinese text will use {fonts[0].family} ({fonts[0].path}) instead; install "
                    "fonts-noto-cjk or change notices.font"
                )
            elif chosen and not any(f.is_collection for f in chosen):
                problems.append(
                    f"font {chosen[0].family} comes from {chosen[0].path}, not a .ttc collection; "
                    "PDFs made with the region-specific .otf files show blank in MuPDF and "
                    "Ghostscript viewers; install Debian's fonts-noto-cjk (apt-get install "
                    "fonts-noto-cjk) and remove the .otf files"
                )
    try:
        _import_weasyprint()
    except SuperviseError as exc:
        problems.append(str(exc))
    if ctypes.util.find_library("harfbuzz-subset") is None:
        problems.append(
            "HarfBuzz's subsetter (libharfbuzz-subset) is missing, so WeasyPrint subsets fonts "
            "with fontTools at about 8 s a page; install Debian's libharfbuzz-subset0 "
            "(apt-get install libharfbuzz-subset0)"
        )
    return problems


def _import_weasyprint() -> Any:
    try:
        return importlib.import_module("weasyprint")
    except ImportError as exc:
        raise SuperviseError(PDF_NOT_INSTALLED) from exc
    except OSError as exc:
        # WeasyPrint is there but could not load Pango through cffi.
        raise SuperviseError(
            f"PDF support cannot load its system libraries ({exc}); install Debian's "
            "libpango-1.0-0 and libpangoft2-1.0-0 (apt-get install libpangoft2-1.0-0)"
        ) from exc


class PdfMaker:
    """The PDF adapter (``ports.PdfRenderer``): one font setting, render and check."""

    def __init__(self, font_family: str | None = None) -> None:
        self.font_family = font_family

    def render(self, html: str) -> tuple[bytes, str]:
        return render_pdf(html, font_family=self.font_family)

    def problems(self) -> list[str]:
        return check_fonts(self.font_family)


def html_to_pdf(html: str, *, font_family: str | None = None) -> bytes:
    """Render one self-contained HTML notice to PDF bytes (see :func:`render_pdf`)."""
    return render_pdf(html, font_family=font_family)[0]


def render_pdf(html: str, *, font_family: str | None = None) -> tuple[bytes, str]:
    """Render one self-contained HTML notice to PDF bytes, with the text as laid out.

    The text comes from WeasyPrint's layout (every text box, in page order), at no cost
    beside the rendering; it fingerprints what the PDF says, for checking that a later
    render still says the same when the bytes differ (a new WeasyPrint or font build).

    ``font_family`` (a CSS family list, e.g. from the ``notices.font`` setting) replaces the
    families of the stylesheet everywhere. No URL is fetched except ``data:``: a notice is
    self-contained, and an office template must not pull files or web pages into a PDF.
    """
    if not cjk_fonts():
        raise SuperviseError(NO_CJK_FONT)
    override_css = None
    if font_family is not None:
        families = css_font_family(font_family)
        override_css = (
            f"html, body, body * {{ font-family: {families} !important; }}\n"
            f"@page :left {{ @bottom-left {{ font-family: {families} !important; }} }}\n"
            f"@page :right {{ @bottom-right {{ font-family: {families} !important; }} }}\n"
        )
    weasyprint = _import_weasyprint()
    urls = importlib.import_module("weasyprint.urls")
    fetcher = urls.URLFetcher(allowed_protocols={"data"})
    try:
        stylesheets = (
            [weasyprint.CSS(string=override_css, url_fetcher=fetcher)] if override_css else None
        )
        document = weasyprint.HTML(string=html, url_fetcher=fetcher).render(stylesheets=stylesheets)
        pdf = document.write_pdf()
    except (ValueError, TypeError, LookupError, OSError, AssertionError) as exc:
        raise SuperviseError(
            f"PDF rendering failed ({type(exc).__name__}: {exc}); check the notice template"
        ) from exc
    if not isinstance(pdf, bytes):
        raise SuperviseError("PDF rendering returned no document; check the notice template")
    return pdf, _laid_out_text(document)


def _laid_out_text(document: Any) -> str:
    text_box = importlib.import_module("weasyprint.formatting_structure.boxes").TextBox
    parts: list[str] = []
    for page in document.pages:
        # Page._page_box is WeasyPrint's layout tree; no public API exposes the text.
        root = getattr(page, "_page_box", None)
        if root is None:  # pragma: no cover - a WeasyPrint without it: fall back to nothing
            return ""
        parts.extend(box.text for box in root.descendants() if isinstance(box, text_box))
    return "".join("".join(parts).split())
