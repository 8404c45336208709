"""HTML rendering of official notices (约谈通知书, 行政处罚决定书, ...) from Jinja2 templates.

``NOTICE_TYPES`` is the single source of which ``details`` fields each notice type takes;
``validate_details`` enforces it and ``NoticeRenderer`` renders a notice context (built by
the engine, all values already formatted) to self-contained HTML for ``pdf.html_to_pdf``.

The templates shipped in ``templates/`` are trusted. An office may override any of them
(including ``_layout.html`` and ``style.css``) by putting a file of the same name in its
own folder; those are written by people outside the project, so whenever an override
folder is in play every template is rendered in Jinja2's immutable sandbox. Autoescaping is
on everywhere: names and facts come from case files and must print as text, never markup.
"""

from __future__ import annotations

import hashlib
import re
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from supervise.errors import ConfigError, InvalidInput, SuperviseError

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

#: What each ``details`` field holds; shared by all types that take it.
FIELD_HELP: dict[str, str] = {
    "facts": "违法违规事实 (what happened), one paragraph per line",
    "evidence": "证据 (evidence supporting the facts), one item per line",
    "reasons": "理由 (why the facts fall under the legal basis), one paragraph per line",
    "time_cn": "约谈时间, formatted, e.g. 2026年12月8日上午9时30分",
    "place": "约谈地点",
    "interviewers": "约谈人员: names, a string or a list of strings",
    "materials": "需携带的材料: a string or a list of strings",
    "consequences": "后果提示 replacing the default sentence on refusing the interview",
    "record": "约谈情况 (what was said), one paragraph per line",
    "recorder": "记录人",
    "attendees": "其他参加人员: a string or a list of strings",
    "requirements": "整改要求 (what to fix), one item per line",
    "report_method": "how and where to report compliance, replacing the default sentence",
    "statement_method": "how to submit 陈述申辩, replacing the default sentence",
    "statement_summary": "陈述申辩情况及采纳情况, as it should read in the decision",
    "hearing_summary": "听证情况, as it should read in the decision",
    "compliance": "履行方式和期限, replacing the default sentence",
    "term_zh": "proposed ban term written out (e.g. 三年), shown instead of the dates",
    "hearing_time_cn": "听证时间, formatted",
    "hearing_place": "听证地点",
    "chair": "听证主持人 (not an investigator of the case)",
    "members": "听证员: a string or a list of strings",
    "clerk": "记录员",
    "request_date_cn": "date the party asked for the hearing, formatted",
    "public": "false when the hearing is held in private (privacy); default public",
    "reason": "why the ban is lifted early / why the decision was set aside",
    "reference": "the 复议决定 or judgment that set the decision aside, with its number",
    "decision_number": "文号 of the ban decision being ended",
    "decision_date_cn": "date of the ban decision being ended, formatted",
    "note": "any further paragraphs, one per line",
    "party": "who receives the notice: organization or person (default: person if a ban)",
    "original_title": "title of the decision set aside, e.g. 行政处罚决定书",
    "original_number": "文号 of the decision set aside",
    "original_date_cn": "date of the decision set aside, formatted",
    "follow_up": "what the office will do next, replacing the default sentence",
    "contact": "联系人及联系方式 printed under the date",
}

# Field value kinds: "text" takes a string (or number), "names" a string or list of strings,
# "flag" a bool. Anything else would print as a Python repr in the document.
_NAMES_FIELDS = frozenset({"interviewers", "materials", "attendees", "members"})
_FLAG_FIELDS = frozenset({"public"})


@dataclass(frozen=True)
class NoticeType:
    """One kind of notice and the ``details`` fields its template reads.

    ``template_version`` versions the contract between the engine and the built-in template
    (which fields exist and what they mean); the content hash of the template files actually
    used is ``NoticeRenderer.template_version``. ``needs`` lists context entries that must not
    be None for this type ("deadlines.x" means ``context["deadlines"]["x"]``), and
    ``choices`` restricts some fields to fixed values.
    """

    key: str
    title_zh: str
    required_fields: tuple[str, ...]
    optional_fields: tuple[str, ...]
    template_version: str
    needs: tuple[str, ...] = ()
    choices: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def allowed_fields(self) -> tuple[str, ...]:
        return self.required_fields + self.optional_fields

    @property
    def template_name(self) -> str:
        return f"{self.key}.html"


def _nt(
    key: str,
    title_zh: str,
    required: Sequence[str],
    optional: Sequence[str],
    needs: Sequence[str] = (),
    choices: Sequence[tuple[str, tuple[str, ...]]] = (),
) -> NoticeType:
    return NoticeType(
        key=key,
        title_zh=title_zh,
        required_fields=tuple(required),
        optional_fields=tuple(optional) + ("contact",),
        template_version="1",
        needs=tuple(needs),
        choices=tuple(choices),
    )


_PRIOR_OPTIONAL = ("reasons", "statement_method")
_DECISION_OPTIONAL = ("reasons", "statement_summary")

NOTICE_TYPES: dict[str, NoticeType] = {
    nt.key: nt
    for nt in (
        _nt(
            "interview_notice",
            "约谈通知书",
            ("facts", "time_cn", "place", "interviewers"),
            ("materials", "consequences"),
            needs=("person",),
        ),
        _nt(
            "interview_record",
            "约谈记录",
            ("time_cn", "place", "interviewers", "record"),
            ("recorder", "attendees", "requirements"),
            needs=("person", "deadlines"),
        ),
        _nt(
            "rectification_order",
            "责令整改通知书",
            ("facts", "requirements"),
            ("evidence", "report_method"),
            needs=("deadlines.rectification", "remedies"),
        ),
        _nt(
            "warning_prior_notice",
            "行政处罚事先告知书",
            ("facts", "evidence"),
            _PRIOR_OPTIONAL,
            needs=("basis", "deadlines.defence_window"),
        ),
        _nt(
            "warning_decision",
            "行政处罚决定书",
            ("facts", "evidence"),
            _DECISION_OPTIONAL + ("compliance",),
            needs=("basis", "remedies"),
        ),
        _nt(
            "replacement_prior_notice",
            "行政处罚事先告知书",
            ("facts", "evidence"),
            _PRIOR_OPTIONAL,
            needs=("basis", "person", "deadlines.defence_window"),
        ),
        _nt(
            "replacement_order",
            "责令撤换通知书",
            ("facts", "evidence"),
            _DECISION_OPTIONAL + ("report_method",),
            needs=("basis", "person", "deadlines.replacement", "remedies"),
        ),
        _nt(
            "ban_prior_notice",
            "行政处罚事先告知书",
            ("facts", "evidence"),
            _PRIOR_OPTIONAL + ("term_zh",),
            needs=(
                "basis",
                "person",
                "ban",
                "deadlines.defence_window",
                "deadlines.hearing_request",
            ),
        ),
        _nt(
            "hearing_notice",
            "听证通知书",
            ("hearing_time_cn", "hearing_place", "chair"),
            ("members", "clerk", "request_date_cn", "public"),
            needs=("person",),
        ),
        _nt(
            "ban_decision",
            "从业禁止决定书",
            ("facts", "evidence"),
            _DECISION_OPTIONAL + ("hearing_summary", "compliance"),
            needs=("basis", "person", "ban", "remedies"),
        ),
        _nt(
            "ban_lifted",
            "从业禁止期满通知书",
            (),
            ("reason", "decision_number", "decision_date_cn", "note"),
            needs=("person", "ban"),
        ),
        _nt(
            "revocation_notice",
            "撤销决定通知书",
            ("reason", "reference"),
            ("party", "original_title", "original_number", "original_date_cn", "follow_up"),
            choices=(("party", ("organization", "person")),),
        ),
    )
}


def get_notice_type(key: str) -> NoticeType:
    """The NoticeType for ``key``, or InvalidInput naming the known keys."""
    try:
        return NOTICE_TYPES[key]
    except (KeyError, TypeError):
        raise InvalidInput(
            f"unknown notice type {key!r}; known types: {', '.join(NOTICE_TYPES)}"
        ) from None


def _blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple)):
        return all(_blank(v) for v in value)
    return False


def _check_kind(key: str, name: str, value: object) -> None:
    if value is None:
        return
    if name in _FLAG_FIELDS:
        if not isinstance(value, bool):
            raise InvalidInput(f"{key} details field {name!r} must be true or false, got {value!r}")
        return
    if name in _NAMES_FIELDS and isinstance(value, (list, tuple)):
        if not all(isinstance(v, str) for v in value):
            raise InvalidInput(
                f"{key} details field {name!r} must be a string or a list of strings"
            )
        return
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InvalidInput(f"{key} details field {name!r} must be text, got {type(value).__name__}")


def validate_details(notice_type: str, details: Mapping[str, object]) -> dict[str, object]:
    """Check ``details`` against the type's field lists and return them as a plain dict.

    Refuses unknown fields (naming them and the allowed ones), missing or blank required
    fields, values of the wrong kind and values outside a field's choices.
    """
    nt = get_notice_type(notice_type)
    if not isinstance(details, Mapping):
        raise InvalidInput(
            f"{nt.key} details must be a mapping of field names to values, "
            f"got {type(details).__name__}"
        )
    allowed = nt.allowed_fields
    unknown = sorted(str(k) for k in details if k not in allowed)
    if unknown:
        raise InvalidInput(
            f"{nt.key} does not take details field(s) {', '.join(unknown)}; "
            f"allowed: {', '.join(allowed)}"
        )
    missing = [f for f in nt.required_fields if _blank(details.get(f))]
    if missing:
        raise InvalidInput(
            f"{nt.key} needs details field(s) {', '.join(missing)}; give them a value "
            f"(required: {', '.join(nt.required_fields)})"
        )
    for name, value in details.items():
        _check_kind(nt.key, name, value)
    for name, values in nt.choices:
        value = details.get(name)
        if value is not None and value not in values:
            raise InvalidInput(
                f"{nt.key} details field {name!r} is {value!r}; use one of {', '.join(values)}"
            )
    return dict(details)


# --- template filters -------------------------------------------------------------------

_DIGITS = "零一二三四五六七八九"


def cn_num(value: int) -> str:
    """Small whole numbers in Chinese numerals as written in running text (60 -> 六十)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 10000:
        raise InvalidInput(f"cannot write {value!r} in Chinese numerals (0 to 9999 only)")
    if value < 10:
        return _DIGITS[value]
    out = ""
    zero_pending = False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = value // unit_value % 10
        if digit == 0:
            zero_pending = bool(out)
            continue
        if zero_pending:
            out += "零"
            zero_pending = False
        # 十二, not 一十二, when the number starts with its tens.
        out += ("" if (unit == "十" and digit == 1 and not out) else _DIGITS[digit]) + unit
    return out


def _cnlist(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value if not _blank(v))
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
        name = nt.template_name
        try:
            template = self._env.get_template(name)
            return template.render(full)
        except SuperviseError:
            raise
        except jinja2.TemplateNotFound as exc:
            raise SuperviseError(
                f"notice template {exc.name!r} (needed for {nt.key}) was not found in "
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
        names = {nt.template_name}
        names.update(
            n for n in self._env.list_templates() if n.startswith("_") or n.endswith(".css")
        )
        loader = self._env.loader
        assert loader is not None
        digest = hashlib.sha256()
        for template_name in sorted(names):
            try:
                source, _filename, _uptodate = loader.get_source(self._env, template_name)
            except jinja2.TemplateNotFound as exc:
                raise SuperviseError(
                    f"notice template {template_name!r} was not found in {self._dirs_text()}"
                ) from exc
            digest.update(template_name.encode("utf-8") + b"\0")
            digest.update(source.encode("utf-8") + b"\0")
        return digest.hexdigest()[:12]

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
