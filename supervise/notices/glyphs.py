"""Check that every character of a text is drawn with a real glyph in a PDF.

When no installed font has a character (a rare 生僻字 in a name, say), Pango falls back to
the font's .notdef glyph, a box; WeasyPrint still writes the character into the ToUnicode
map, so pdftotext reads the PDF back perfectly and only a reader sees the box. So this
module goes from each character to the glyph actually painted: ToUnicode (code ->
character), the font's encoding CMap (code -> CID), CIDToGIDMap or the CFF charset (CID ->
glyph), and finally the embedded font program, where the glyph must exist, must not be
.notdef and must have an outline.
"""

from __future__ import annotations

import importlib
import io
import re
from collections.abc import Iterator
from typing import Any

from supervise.errors import InvalidInput, SuperviseError
from supervise.notices.pdf import PDF_NOT_INSTALLED

# pypdf and fontTools come with the "pdf" extra; without them this module still imports
# and missing_glyphs says what to install.
try:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    # fontTools ships no type information; import_module keeps mypy --strict clean whether
    # or not a project-wide override ignores it.
    _cff_lib: Any = importlib.import_module("fontTools.cffLib")
    _bounds_pen: Any = importlib.import_module("fontTools.pens.boundsPen")
    _tt_lib: Any = importlib.import_module("fontTools.ttLib")
    _LIBRARIES_MISSING = False
except ImportError:
    _LIBRARIES_MISSING = True

_TOKEN = re.compile(
    rb"<([0-9A-Fa-f\s]*)>|(\[)|(\])|(-?\d+)|([A-Za-z][A-Za-z0-9]*)|/[^\s<>\[\]()/]+"
)


def missing_glyphs(pdf_bytes: bytes, text: str) -> set[str]:
    """The characters of ``text`` (whitespace ignored) not drawn by a real glyph in the PDF.

    A character counts as present when some embedded font maps it (through ToUnicode) to a
    glyph that exists, is not .notdef and has an outline. Fonts that are not embedded cannot
    be checked and so cover nothing.
    """
    if _LIBRARIES_MISSING:
        raise SuperviseError(PDF_NOT_INSTALLED)
    wanted = {ch for ch in text if not ch.isspace()}
    if not wanted:
        return set()
    try:
        reader = PdfReader(io.BytesIO(pdf_bytes))
        fonts = list(_iter_fonts(reader))
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise InvalidInput(f"cannot read the PDF to check its glyphs ({exc})") from exc
    covered: set[str] = set()
    for font in fonts:
        covered |= _drawn_chars(font) & wanted
        if covered >= wanted:
            break
    return wanted - covered


def _iter_fonts(reader: PdfReader) -> Iterator[DictionaryObject]:
    """Every font dictionary used by pages and the forms they paint, each once."""
    seen: set[int] = set()

    def walk(resources: Any) -> Iterator[DictionaryObject]:
        resources = _resolve(resources)
        if not isinstance(resources, DictionaryObject):
            return
        fonts = _resolve(resources.get("/Font"))
        if isinstance(fonts, DictionaryObject):
            for ref in fonts.values():
                font = _resolve(ref)
                key = ref.idnum if isinstance(ref, IndirectObject) else id(font)
                if isinstance(font, DictionaryObject) and key not in seen:
                    seen.add(key)
                    yield font
        xobjects = _resolve(resources.get("/XObject"))
        if isinstance(xobjects, DictionaryObject):
            for ref in xobjects.values():
                key = ref.idnum if isinstance(ref, IndirectObject) else id(ref)
                if key in seen:
                    continue
                seen.add(key)
                xobject = _resolve(ref)
                if isinstance(xobject, DictionaryObject) and xobject.get("/Subtype") == "/Form":
                    yield from walk(xobject.get("/Resources"))

    for page in reader.pages:
        yield from walk(page.get("/Resources"))


def _resolve(obj: Any) -> Any:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _drawn_chars(font: DictionaryObject) -> set[str]:
    """Characters this font draws with a real glyph."""
    to_unicode = _resolve(font.get("/ToUnicode"))
    if to_unicode is None or not hasattr(to_unicode, "get_data"):
        return set()
    code_to_text = _parse_cmap(to_unicode.get_data())[0]
    if font.get("/Subtype") != "/Type0":
        return _simple_font_chars(font, code_to_text)
    descendants = _resolve(font.get("/DescendantFonts"))
    if not isinstance(descendants, ArrayObject) or not descendants:
        return set()
    cid_font = _resolve(descendants[0])
    if not isinstance(cid_font, DictionaryObject):
        return set()
    code_to_cid = _encoding_map(font.get("/Encoding"))
    if code_to_cid is None:
        return set()
    program = _FontProgram.load(cid_font)
    if program is None:
        return set()
    drawn: set[str] = set()
    for code, chars in code_to_text.items():
        cid = code_to_cid(code)
        if cid is not None and program.has_cid(cid, cid_font):
            drawn.update(chars)
    return drawn


def _simple_font_chars(font: DictionaryObject, code_to_text: dict[int, str]) -> set[str]:
    # WeasyPrint writes only Type0 fonts; for a simple font from elsewhere the glyph cannot
    # be followed without the font's own encoding tables, so trust ToUnicode for codes the
    # embedded program exists for and that are not code 0 (.notdef in most encodings).
    descriptor = _resolve(font.get("/FontDescriptor"))
    if not isinstance(descriptor, DictionaryObject) or not any(
        k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
    ):
        return set()
    return {ch for code, text in code_to_text.items() if code != 0 for ch in text}


def _encoding_map(encoding: Any) -> Any:
    """A function code -> CID for a Type0 font's /Encoding, or None if unsupported."""
    encoding = _resolve(encoding)
    if isinstance(encoding, NameObject):
        if encoding in ("/Identity-H", "/Identity-V"):
            return lambda code: code
        return None  # predefined CJK CMaps go with non-embedded fonts we cannot check
    if encoding is not None and hasattr(encoding, "get_data"):
        cid_map = _parse_cmap(encoding.get_data())[1]
        return cid_map.get
    return None


def _parse_cmap(data: bytes) -> tuple[dict[int, str], dict[int, int]]:
    """(bf map code -> text, cid map code -> CID) from a CMap stream."""
    bf: dict[int, str] = {}
    cid: dict[int, int] = {}
    tokens = [m for m in _TOKEN.finditer(data)]
    i = 0
    section: bytes | None = None
    while i < len(tokens):
        tok = tokens[i]
        word = tok.group(5)
        if word is not None:
            if word in (b"beginbfchar", b"beginbfrange", b"begincidchar", b"begincidrange"):
                section = word[5:]
            elif word.startswith(b"end"):
                section = None
            i += 1
            continue
        if section == b"bfchar" and i + 1 < len(tokens):
            src, dst = tokens[i], tokens[i + 1]
            if src.group(1) is not None and dst.group(1) is not None:
                bf[_hex_int(src.group(1))] = _utf16(dst.group(1))
            i += 2
            continue
        if section == b"bfrange" and i + 2 < len(tokens):
            lo, hi, dst = tokens[i], tokens[i + 1], tokens[i + 2]
            if lo.group(1) is None or hi.group(1) is None:
                i += 1
                continue
            low, high = _hex_int(lo.group(1)), _hex_int(hi.group(1))
            if dst.group(2) is not None:  # [<dst1> <dst2> ...]
                j = i + 3
                code = low
                while j < len(tokens) and tokens[j].group(3) is None:
                    if tokens[j].group(1) is not None and code <= high:
                        bf[code] = _utf16(tokens[j].group(1))
                        code += 1
                    j += 1
                i = j + 1
                continue
            if dst.group(1) is not None:
                base = _utf16_units(dst.group(1))
                for offset in range(min(high - low, 0xFFFF) + 1):
                    units = base[:-1] + [base[-1] + offset] if base else []
                    bf[low + offset] = _units_text(units)
            i += 3
            continue
        if section == b"cidchar" and i + 1 < len(tokens):
            src, dst = tokens[i], tokens[i + 1]
            if src.group(1) is not None and dst.group(4) is not None:
                cid[_hex_int(src.group(1))] = int(dst.group(4))
            i += 2
            continue
        if section == b"cidrange" and i + 2 < len(tokens):
            lo, hi, dst = tokens[i], tokens[i + 1], tokens[i + 2]
            if lo.group(1) is not None and hi.group(1) is not None and dst.group(4) is not None:
                low, high, first = _hex_int(lo.group(1)), _hex_int(hi.group(1)), int(dst.group(4))
                for offset in range(min(high - low, 0xFFFF) + 1):
                    cid[low + offset] = first + offset
            i += 3
            continue
        i += 1
    return bf, cid


def _hex_bytes(hex_digits: bytes) -> bytes:
    digits = re.sub(rb"\s", b"", hex_digits)
    if len(digits) % 2:
        digits += b"0"
    return bytes.fromhex(digits.decode("ascii"))


def _hex_int(hex_digits: bytes) -> int:
    return int.from_bytes(_hex_bytes(hex_digits), "big")


def _utf16_units(hex_digits: bytes) -> list[int]:
    raw = _hex_bytes(hex_digits)
    if len(raw) % 2:
        raw = b"\0" + raw
    return [int.from_bytes(raw[k : k + 2], "big") for k in range(0, len(raw), 2)]


def _units_text(units: list[int]) -> str:
    raw = b"".join(u.to_bytes(2, "big") for u in units if 0 <= u <= 0xFFFF)
    return raw.decode("utf-16-be", errors="ignore")


def _utf16(hex_digits: bytes) -> str:
    return _units_text(_utf16_units(hex_digits))


class _FontProgram:
    """An embedded font program, answering whether a CID is drawn with a real glyph."""

    def __init__(self, glyph_order: list[str], glyph_set: Any, cid_keyed: bool) -> None:
        self._order = glyph_order
        self._index = {name: gid for gid, name in enumerate(glyph_order)}
        self._glyph_set = glyph_set
        self._cid_keyed = cid_keyed
        self._cid_to_gid: bytes | None = None
        self._cache: dict[int, bool] = {}

    @classmethod
    def load(cls, cid_font: DictionaryObject) -> _FontProgram | None:
        descriptor = _resolve(cid_font.get("/FontDescriptor"))
        if not isinstance(descriptor, DictionaryObject):
            return None
        program: _FontProgram | None = None
        try:
            if "/FontFile2" in descriptor:
                data = _resolve(descriptor["/FontFile2"]).get_data()
                program = cls._from_sfnt(data)
            elif "/FontFile3" in descriptor:
                stream = _resolve(descriptor["/FontFile3"])
                data = stream.get_data()
                if stream.get("/Subtype") == "/OpenType":
                    program = cls._from_sfnt(data)
                else:  # /CIDFontType0C or /Type1C: a bare CFF
                    program = cls._from_cff(data)
        except (_tt_lib.TTLibError, ValueError, KeyError, IndexError, AssertionError, EOFError):
            return None
        if program is not None:
            cid_to_gid = _resolve(cid_font.get("/CIDToGIDMap"))
            if cid_to_gid is not None and hasattr(cid_to_gid, "get_data"):
                program._cid_to_gid = cid_to_gid.get_data()
        return program

    @classmethod
    def _from_sfnt(cls, data: bytes) -> _FontProgram:
        font = _tt_lib.TTFont(io.BytesIO(data), lazy=True)
        cid_keyed = False
        if "CFF " in font:
            top = font["CFF "].cff.topDictIndex[0]
            cid_keyed = hasattr(top, "ROS")
        return cls(font.getGlyphOrder(), font.getGlyphSet(), cid_keyed)

    @classmethod
    def _from_cff(cls, data: bytes) -> _FontProgram:
        cff = _cff_lib.CFFFontSet()
        cff.decompile(io.BytesIO(data), None)
        top = cff[cff.fontNames[0]]
        return cls(top.getGlyphOrder(), top.CharStrings, hasattr(top, "ROS"))

    def _gid(self, cid: int, cid_font: DictionaryObject) -> int | None:
        if cid_font.get("/Subtype") == "/CIDFontType2":
            if self._cid_to_gid is not None:  # a stream of 2-byte glyph ids indexed by CID
                k = 2 * cid
                if k + 2 > len(self._cid_to_gid):
                    return None
                return int.from_bytes(self._cid_to_gid[k : k + 2], "big")
            return cid  # /Identity
        if self._cid_keyed:
            # fontTools names the glyphs of a CID-keyed CFF after their CIDs.
            return self._index.get(f"cid{cid:05d}")
        return cid

    def has_cid(self, cid: int, cid_font: DictionaryObject) -> bool:
        if cid in self._cache:
            return self._cache[cid]
        gid = self._gid(cid, cid_font)
        result = gid is not None and 0 < gid < len(self._order) and self._has_outline(gid)
        self._cache[cid] = result
        return result

    def _has_outline(self, gid: int) -> bool:
        name = self._order[gid]
        if name == ".notdef":
            return False
        try:
            glyph = self._glyph_set[name]
        except KeyError:
            return False
        pen = _bounds_pen.ControlBoundsPen(self._glyph_set)
        try:
            glyph.draw(pen)
        except (KeyError, IndexError, TypeError, ValueError):
            return False
        return pen.bounds is not None
