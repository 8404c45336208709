"""Official notices: templates, rendering to HTML and PDF, numbering and glyph checks.

This package renders; storing notices and choosing their sequence numbers is the engine's
job. ``pdf`` imports WeasyPrint only when a PDF is actually made, and ``missing_glyphs``
(pypdf and fontTools, about 0.1 s to import) is loaded on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from supervise.notices.numbering import DEFAULT_PATTERNS, format_number, validate_pattern
from supervise.notices.pdf import (
    DEFAULT_FONT_FAMILY,
    NO_CJK_FONT,
    PDF_NOT_INSTALLED,
    check_fonts,
    cjk_fonts,
    css_font_family,
    html_to_pdf,
    render_pdf,
)
from supervise.notices.render import (
    FIELD_HELP,
    NOTICE_TYPES,
    NoticeRenderer,
    NoticeType,
    get_notice_type,
    validate_details,
)

if TYPE_CHECKING:
    from supervise.notices.glyphs import missing_glyphs


def __getattr__(name: str) -> Any:
    if name == "missing_glyphs":
        from supervise.notices.glyphs import missing_glyphs

        return missing_glyphs
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_FONT_FAMILY",
    "DEFAULT_PATTERNS",
    "FIELD_HELP",
    "NOTICE_TYPES",
    "NO_CJK_FONT",
    "PDF_NOT_INSTALLED",
    "NoticeRenderer",
    "NoticeType",
    "check_fonts",
    "cjk_fonts",
    "css_font_family",
    "format_number",
    "get_notice_type",
    "html_to_pdf",
    "render_pdf",
    "missing_glyphs",
    "validate_pattern",
    "validate_details",
]
