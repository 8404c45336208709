"""Render the reminder e-mails (subject, plain text, HTML) from the Jinja2 templates.

Adapter layer (Jinja2); fits ``ports.MailRenderer``.

Templates live in ``supervise/mail_templates`` as ``<kind>.txt`` / ``<kind>.html`` pairs.
The first line of the text template is ``Subject: ...``; keeping the subject there means
one file holds all the wording a translator or the bureau has to touch for the text mail.
HTML is autoescaped (organisation and person names are user input), text is not.
Undefined variables are errors (StrictUndefined) so a caller that forgets a field gets a
refusal instead of an e-mail with a blank where the deadline should be.

Context of the single-item kinds (``reminder``, ``overdue``, ``escalation``,
``window_closed``, ``serve_notice``)::

    {"recipient": {"name", "email"}, "now": "2026-04-10 09:00 +08:00",
     "item": {case_id, organization, person, state_zh, deadline_zh, due,   # required
              role, person_id_masked, state, deadline_kind, provisional, late, basis,
              next_command, next_events, step, every,                        # optional
              overdue_days,                         # required for overdue / escalation
              repeat, supervisor}}                  # required for escalation

``digest``: ``{"recipient", "now", "days", "due": [item, ...], "overdue": [item, ...]}``
(items of ``overdue`` need ``overdue_days``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    UndefinedError,
    select_autoescape,
)

from supervise.errors import ConfigError, InvalidInput

KINDS = ("reminder", "overdue", "escalation", "window_closed", "serve_notice", "digest")

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "mail_templates"

# Fields an item may leave out; everything else a template uses must be supplied.
_ITEM_DEFAULTS: Mapping[str, Any] = {
    "role": None,
    "person_id_masked": None,
    "state": None,
    "deadline_kind": None,
    "provisional": False,
    "late": False,
    "basis": None,
    "next_command": None,
    "next_events": (),
    "step": None,
    "every": None,
}

_SUBJECT_PREFIX = "Subject:"
_BLANK_RUNS = re.compile(r"\n[ \t]*(?:\n[ \t]*)+\n")


def _paren(value: object, prefix: str = "") -> str:
    """``（prefix value）`` with full-width brackets, or nothing when the value is empty."""
    if value is None or value == "" or value is False:
        return ""
    return f"（{prefix}{value}）"


def _or_list(values: Iterable[object]) -> str:
    """``a``, ``a 或 b``, ``a、b 或 c``: the events the user may choose between."""
    items = [str(v) for v in values]
    if len(items) <= 1:
        return "".join(items)
    return "、".join(items[:-1]) + " 或 " + items[-1]


def _overdue(days: object) -> str:
    if isinstance(days, int) and not isinstance(days, bool) and days > 0:
        return f"，已逾期 {days} 天"
    return ""


def _format_now(now: object) -> object:
    if isinstance(now, datetime):
        offset = now.strftime("%z")
        if offset:
            offset = f" {offset[:3]}:{offset[3:]}"
        return now.strftime("%Y-%m-%d %H:%M") + offset
    return now


def _with_defaults(item: object) -> object:
    if isinstance(item, Mapping):
        return {**_ITEM_DEFAULTS, **item}
    return item


def _split_subject(kind: str, rendered: str) -> tuple[str, str]:
    first, _, body = rendered.partition("\n")
    if not first.startswith(_SUBJECT_PREFIX):
        raise ConfigError(f"mail template {kind}.txt must start with a 'Subject:' line")
    subject = " ".join(first[len(_SUBJECT_PREFIX) :].split())
    # Optional sections leave empty lines behind; squeezing them here keeps the
    # templates readable instead of littering them with whitespace control.
    body = _BLANK_RUNS.sub("\n\n", body).strip("\n") + "\n"
    return subject, body


class MailRenderer:
    """Turns a context into (subject, text, html) for one of :data:`KINDS`."""

    def __init__(self, template_dir: Path | None = None) -> None:
        # A bureau may point at its own copy of the templates to change the wording.
        directory = template_dir or TEMPLATE_DIR
        self._env = Environment(
            loader=FileSystemLoader(str(directory)),
            autoescape=select_autoescape(
                enabled_extensions=("html",), default_for_string=False, default=False
            ),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self._env.filters["paren"] = _paren
        self._env.filters["or_list"] = _or_list
        self._env.filters["overdue"] = _overdue

    def render(self, kind: str, context: Mapping[str, Any]) -> tuple[str, str, str]:
        if kind not in KINDS:
            raise InvalidInput(f"unknown mail kind {kind!r}; known: {', '.join(KINDS)}")
        ctx = self._prepare(context)
        try:
            subject, text = _split_subject(kind, self._env.get_template(f"{kind}.txt").render(ctx))
            html = self._env.get_template(f"{kind}.html").render(ctx, subject=subject)
        except UndefinedError as exc:
            raise InvalidInput(f"mail {kind}: missing value in context: {exc.message}") from exc
        except TemplateError as exc:
            raise ConfigError(f"mail template {kind}: {exc.message or exc}") from exc
        return subject, text, html

    @staticmethod
    def _prepare(context: Mapping[str, Any]) -> dict[str, Any]:
        ctx = dict(context)
        if "now" in ctx:
            ctx["now"] = _format_now(ctx["now"])
        if "item" in ctx:
            ctx["item"] = _with_defaults(ctx["item"])
        for name in ("due", "overdue"):
            value = ctx.get(name)
            if isinstance(value, list | tuple):
                ctx[name] = [_with_defaults(item) for item in value]
        return ctx
