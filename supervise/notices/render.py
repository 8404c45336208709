"""HTML rendering of official notices (约谈通知书, 行政处罚决定书, ...) from Jinja2 templates.

Adapter layer. The notice types (``types.py``) say which ``details`` fields each type
takes; ``NoticeRenderer`` checks a notice context (built by the engine, all values already
formatted) against its type and renders it to self-contained HTML for ``pdf.render_pdf``.

The templates shipped in ``templates/`` are trusted. An office may override any of them
(including ``_layout.html`` and ``style.css``) by putting a file of the same name in its
own folder; those are written by people outside the project, so whenever an override
folder is in play every template is rendered in Jinja2's immutable sandbox. Autoescaping is
on everywhere: names and facts come from case files and must print as text, never markup.
"""

from __future__ import annotations

import hashlib
import os
import re
import traceback
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from supervise.errors import ConfigError, InvalidInput, SuperviseError
from supervise.notices.types import get_notice_type, is_blank, validate_details
from supervise.numerals import cn_num

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"

#: Keys every render context must have (the value may be None where a type allows it).
CONTEXT_KEYS: tuple[str, ...] = (
    "notice",
    "authority",
    "organization",
    "person",
    "case",
    "basis",
    "event",
    "deadlines",
    "ban",
    "details",
    "remedies",
    "original",
)

_ALWAYS_NEEDED: tuple[str, ...] = ("notice", "authority", "organization", "details")

_NEED_HELP: dict[str, str] = {
    "basis": "the legal basis (citation and penalty)",
    "person": "the responsible person",
    "ban": "the ban's term and scope",
    "remedies": "the 复议/诉讼 periods",
    "deadlines": "the computed deadlines",
    "deadlines.defence_window": "the 陈述申辩 deadline",
    "deadlines.hearing_request": "the deadline to ask for a hearing",
    "deadlines.rectification": "the rectification deadline",
    "deadlines.replacement": "the replacement deadline",
}

# --- template filters -------------------------------------------------------------------


def _cnlist(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value if not is_blank(v))
    return str(value)


def _paragraphs(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        lines: Iterable[object] = value
    else:
        lines = str(value).splitlines()
    return [s for s in (str(line).strip() for line in lines) if s]


_SENTENCE_ENDS = "。！？；…"


def _sentence(value: object) -> str:
    # Case-file text may or may not end with 。; the templates run sentences together.
    text = "" if value is None else str(value).strip()
    if text and text[-1] not in _SENTENCE_ENDS:
        text += "。"
    return text


def _docno(value: object) -> Markup:
    # Keep "渝民社禁决〔2023〕" and "2号" each on one line, but let the line break after 〕:
    # one unbreakable number leaves a visibly short line, as CJK text is not justified.
    text = "" if value is None else str(value)
    pieces = [p for p in re.split(r"(?<=〕)", text) if p]
    return Markup("").join(Markup('<span class="docno">{}</span>').format(p) for p in pieces)


_FILTERS: dict[str, Callable[..., Any]] = {
    "docno": _docno,
    "cn_num": cn_num,
    "cnlist": _cnlist,
    "paragraphs": _paragraphs,
    "sentence": _sentence,
}


# --- renderer ---------------------------------------------------------------------------


class NoticeRenderer:
    """Renders notice contexts to HTML; build one per process (it caches compiled templates)."""

    def __init__(self, override_dir: Path | None = None) -> None:
        self.override_dir = None if override_dir is None else Path(override_dir)
        self._search_dirs: tuple[Path, ...] = (TEMPLATE_DIR,)
        package_loader = jinja2.FileSystemLoader(str(TEMPLATE_DIR))
        env: jinja2.Environment
        if self.override_dir is None:
            env = jinja2.Environment(
                loader=package_loader,
                autoescape=True,
                undefined=jinja2.StrictUndefined,
                trim_blocks=True,
                lstrip_blocks=True,
                # Packaged templates do not change under a running process.
                auto_reload=False,
            )
        else:
            if not self.override_dir.is_dir():
                raise ConfigError(
                    f"notice template folder {self.override_dir} does not exist or is not a "
                    "folder; create it or unset notices.template_dir"
                )
            self._search_dirs = (self.override_dir, TEMPLATE_DIR)
            env = ImmutableSandboxedEnvironment(
                loader=jinja2.ChoiceLoader(
                    [jinja2.FileSystemLoader(str(self.override_dir)), package_loader]
                ),
                autoescape=True,
                undefined=jinja2.StrictUndefined,
                trim_blocks=True,
                lstrip_blocks=True,
            )
        env.filters.update(_FILTERS)
        self._env = env
        #: Per notice type: its version, and the loader's checks that its sources are as read.
        self._versions: dict[str, tuple[str, list[Callable[[], bool]]]] = {}
        self._listing = self._override_listing()

    def _override_listing(self) -> frozenset[str] | None:
        """The override folder's file names (None: no folder, or unreadable): one listing
        per render, unlike the folder's mtime, which a change within one clock tick keeps."""
        try:
            return None if self.override_dir is None else frozenset(os.listdir(self.override_dir))
        except OSError:
            return None

    def _follow_overrides(self) -> None:
        """A file added to or removed from the override folder changes which source a name
        resolves to, which neither Jinja's cache nor a kept version would notice: drop both."""
        if self.override_dir is None:
            return
        listing = self._override_listing()
        if listing != self._listing:
            self._listing = listing
            self._versions.clear()
            if self._env.cache is not None:
                self._env.cache.clear()

    @property
    def sandboxed(self) -> bool:
        return isinstance(self._env, ImmutableSandboxedEnvironment)

    def render_html(self, notice_type: str, context: Mapping[str, Any]) -> str:
        """Render one notice to a self-contained HTML page (styles inlined, nothing linked)."""
        nt = get_notice_type(notice_type)
        if not isinstance(context, Mapping):
            raise InvalidInput(f"notice context must be a mapping, got {type(context).__name__}")
        absent = [k for k in CONTEXT_KEYS if k not in context]
        if absent:
            raise InvalidInput(
                f"{nt.key} context lacks key(s) {', '.join(absent)}; pass them (None where "
                "they do not apply)"
            )
        details = validate_details(nt.key, context["details"])
        for need in _ALWAYS_NEEDED + nt.needs:
            if _lookup(context, need) is None:
                help_text = _NEED_HELP.get(need, need)
                raise InvalidInput(
                    f"{nt.key} needs context {need} ({help_text}) but it is missing or None"
                )
        full = dict(context)
        # Absent optional fields become None so templates can test them under StrictUndefined.
        full["details"] = {name: details.get(name) for name in nt.allowed_fields}
        return self._render(nt.template_name, full, nt.key)

    def render_form(self, name: str, context: Mapping[str, Any]) -> str:
        """Render a form printed from the record that is no notice of its own (the 送达回证,
        ``receipt_form.html``): the same layout and checks, no numbered document."""
        return self._render(name, dict(context), name)

    def _render(self, name: str, full: dict[str, Any], what: str) -> str:
        self._follow_overrides()
        try:
            template = self._env.get_template(name)
            return template.render(full)
        except SuperviseError:
            raise
        except jinja2.TemplateNotFound as exc:
            raise SuperviseError(
                f"notice template {exc.name!r} (needed for {what}) was not found in "
                f"{self._dirs_text()}; restore it or remove the override that refers to it"
            ) from exc
        except jinja2.TemplateSyntaxError as exc:
            raise SuperviseError(
                f"notice template {exc.filename or exc.name or name} line {exc.lineno} has a "
                f"syntax error: {exc.message}; fix the template"
            ) from exc
        except SecurityError as exc:
            raise SuperviseError(
                f"notice template {self._where(exc, name)} tried something the sandbox forbids "
                f"({exc}); office templates may only print the notice's values"
            ) from exc
        except jinja2.UndefinedError as exc:
            raise SuperviseError(
                f"notice template {self._where(exc, name)} uses a value the context does not "
                f"have ({exc}); fix the template or pass the value"
            ) from exc
        except (jinja2.TemplateError, ArithmeticError, TypeError, ValueError, LookupError) as exc:
            raise SuperviseError(
                f"notice template {self._where(exc, name)} failed while rendering "
                f"({type(exc).__name__}: {exc}); fix the template"
            ) from exc

    def template_version(self, notice_type: str) -> str:
        """12 hex digits of SHA-256 over the sources this type renders with.

        Covers the type's own template and every shared file (``_*.html``, ``*.css``) that
        the loader would use, so an office override of any of them changes the version.
        """
        nt = get_notice_type(notice_type)
        # Read once and kept while the files are unchanged, by the same checks Jinja uses to
        # reload a template (none for the packaged ones), so the version stays that of the
        # sources the page was rendered from; reading and hashing them on every notice cost
        # more than rendering it.
        self._follow_overrides()
        known = self._versions.get(nt.key)
        if known is not None and (not self._env.auto_reload or all(check() for check in known[1])):
            return known[0]
        names = {nt.template_name}
        names.update(
            n for n in self._env.list_templates() if n.startswith("_") or n.endswith(".css")
        )
        loader = self._env.loader
        assert loader is not None
        digest = hashlib.sha256()
        checks: list[Callable[[], bool]] = []
        for template_name in sorted(names):
            try:
                source, _filename, uptodate = loader.get_source(self._env, template_name)
            except jinja2.TemplateNotFound as exc:
                raise SuperviseError(
                    f"notice template {template_name!r} was not found in {self._dirs_text()}"
                ) from exc
            if uptodate is not None:
                checks.append(uptodate)
            digest.update(template_name.encode("utf-8") + b"\0")
            digest.update(source.encode("utf-8") + b"\0")
        version = digest.hexdigest()[:12]
        self._versions[nt.key] = (version, checks)
        return version

    def _dirs_text(self) -> str:
        return " or ".join(str(d) for d in self._search_dirs)

    def _where(self, exc: BaseException, fallback: str) -> str:
        """'path line N' of the innermost template frame of ``exc``, else the template name."""
        # Jinja rewrites tracebacks so template code shows up with the template's file name.
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            path = Path(frame.filename)
            if any(_is_within(path, d) for d in self._search_dirs):
                return f"{path} line {frame.lineno}"
        return repr(fallback)


def _is_within(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return False
    return True


def _lookup(context: Mapping[str, Any], dotted: str) -> object:
    value: object = context
    for part in dotted.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value
