"""Official notices: the notice types, templates, HTML and PDF rendering, numbering, glyphs.

Import the module you need; this package imports nothing itself, so that reading the notice
types (``types``) or checking a number pattern (``numbering``) never loads Jinja2:

- ``types``: one record per notice type (fields, events, windows, service, default number);
- ``numbering``: checking and filling document-number patterns (发文字号);
- ``render``: the Jinja2 renderer (adapter);
- ``pdf``: WeasyPrint output and the font checks (adapter; WeasyPrint loaded on first use);
- ``pii``: the served original (full ID number) and the version for publication (masked);
- ``glyphs``: which characters a PDF draws without a real glyph (pypdf and fontTools).
"""
