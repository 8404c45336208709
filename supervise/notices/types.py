"""The notice types: one record per kind of official document (domain layer, no Jinja2).

A :class:`NoticeType` says everything the program knows about a kind of notice: its title,
the ``details`` fields its template reads, the events that issue it, the window its service
starts, whether it is served at all and whether it must be served whatever happens to the
case, and its default document number. Issuing (``services/notices``) and rendering
(``notices/render.py``) read the same record; ``docs/notices.md`` lists them.

Adding a notice type means one record here, one template in ``templates/`` and its tests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from supervise import inputs
from supervise.errors import InvalidInput
from supervise.law import DECISION_EVENTS

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
    "hearing_time_cn": "听证时间, formatted",
    "hearing_place": "听证地点",
    "chair": "听证主持人 (not an investigator of the case)",
    "members": "听证员: a string or a list of strings",
    "clerk": "记录员",
    "request_date_cn": "date the party asked for the hearing, formatted",
    "public": "false when the hearing is held in private (privacy); default public",
    "reason": "why the decision was set aside (a lifted ban: any remark on its end)",
    "reference": "the 复议决定 or judgment that set the decision aside, with its number",
    "note": "any further paragraphs, one per line",
    "party": "who receives the notice: organization or person (default: person if a ban)",
    "follow_up": "what the office will do next, replacing the default sentence",
    "contact": "联系人及联系方式 printed under the date",
}

# Field value kinds: "names" take a string or a list of strings, "flags" a bool, every other
# field text. Anything else would print as a Python repr in the document.
_NAMES_FIELDS = frozenset({"interviewers", "materials", "attendees", "members"})
_FLAG_FIELDS = frozenset({"public"})


@dataclass(frozen=True)
class NoticeType:
    """One kind of notice.

    ``template_version`` versions the contract between the engine and the built-in template
    (which fields exist and what they mean); the content hash of the template files actually
    used is the renderer's ``template_version``. ``needs`` lists context entries that must
    not be None for this type ("deadlines.x" means ``context["deadlines"]["x"]``);
    ``choices`` restricts some fields to fixed values. ``starts`` are the deadline kinds whose
    windows the notice's service starts; ``served`` is False for a record signed on the spot;
    ``serve_always`` keeps the duty to serve it whatever later happens to the case (the
    others matter only while their step is pending); ``replaces_earlier`` means a later
    notice of the type on the same case supersedes the earlier one (a rescheduled date).
    ``penalty`` is the penalty the notice is about, where it is about one.
    """

    key: str
    title_zh: str
    required_fields: tuple[str, ...]
    optional_fields: tuple[str, ...]
    events: tuple[str, ...]
    pattern: str
    template_version: str = "1"
    needs: tuple[str, ...] = ()
    choices: tuple[tuple[str, tuple[str, ...]], ...] = ()
    starts: tuple[str, ...] = ()
    served: bool = True
    serve_always: bool = False
    replaces_earlier: bool = False
    penalty: str | None = None

    @property
    def allowed_fields(self) -> tuple[str, ...]:
        return self.required_fields + self.optional_fields

    @property
    def template_name(self) -> str:
        return f"{self.key}.html"

    @property
    def is_decision(self) -> bool:
        """Issued by a decision of a penalty (行政处罚决定, Art. 57)."""
        return any(event in DECISION_EVENTS for event in self.events)


def _nt(
    key: str,
    title_zh: str,
    required: Sequence[str],
    optional: Sequence[str],
    *,
    events: Sequence[str],
    code: str,
    needs: Sequence[str] = (),
    choices: Sequence[tuple[str, tuple[str, ...]]] = (),
    starts: str | tuple[str, ...] = (),
    served: bool = True,
    serve_always: bool = False,
    replaces_earlier: bool = False,
    penalty: str | None = None,
) -> NoticeType:
    return NoticeType(
        key=key,
        title_zh=title_zh,
        required_fields=tuple(required),
        optional_fields=tuple(optional) + ("contact",),
        events=tuple(events),
        # GB/T 9704-2012 §7.2.5: agency code + full year in 〔〕 + number + 号, no 第, no
        # leading zeros. One code per type, so two types never share a series.
        pattern=f"渝民社{code}〔{{year}}〕{{seq}}号",
        needs=tuple(needs),
        choices=tuple(choices),
        starts=(starts,) if isinstance(starts, str) else starts,
        served=served,
        serve_always=serve_always,
        replaces_earlier=replaces_earlier,
        penalty=penalty,
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
            events=("schedule_interview", "reschedule_interview"),
            code="约",
            needs=("person",),
            replaces_earlier=True,
        ),
        _nt(
            "interview_record",
            "约谈记录",
            ("time_cn", "place", "interviewers", "record"),
            ("recorder", "attendees", "requirements"),
            events=("record_interview",),
            code="约记",
            needs=("person", "deadlines"),
            served=False,
        ),
        _nt(
            "rectification_order",
            "责令整改通知书",
            ("facts", "requirements"),
            ("evidence", "report_method"),
            events=("record_interview",),
            code="整改",
            needs=("deadlines.rectification", "remedies"),
            starts="rectification",
            serve_always=True,
        ),
        _nt(
            "warning_prior_notice",
            "行政处罚事先告知书",
            ("facts", "evidence"),
            _PRIOR_OPTIONAL,
            events=("propose_warning",),
            code="罚告",
            needs=("basis", "deadlines.defence_window"),
            starts="defence_window",
            penalty="warning",
        ),
        _nt(
            "warning_decision",
            "行政处罚决定书",
            ("facts", "evidence"),
            _DECISION_OPTIONAL + ("compliance",),
            events=("issue_warning",),
            code="罚决",
            needs=("basis", "remedies", "deadlines.rectification"),
            starts="rectification",
            serve_always=True,
            penalty="warning",
        ),
        _nt(
            "replacement_prior_notice",
            "行政处罚事先告知书",
            ("facts", "evidence"),
            _PRIOR_OPTIONAL,
            events=("propose_replacement",),
            code="撤告",
            needs=("basis", "person", "deadlines.defence_window"),
            # With a hearing granted (bases.*.hearing), the hearing-request window too.
            starts=("defence_window", "hearing_request"),
            penalty="replacement",
        ),
        _nt(
            "replacement_order",
            "行政处罚决定书",
            ("facts", "evidence"),
            _DECISION_OPTIONAL + ("report_method", "hearing_summary"),
            events=("order_replacement",),
            code="撤换",
            needs=("basis", "person", "deadlines.replacement", "remedies"),
            starts="replacement",
            serve_always=True,
            penalty="replacement",
        ),
        _nt(
            "ban_prior_notice",
            "行政处罚事先告知书",
            ("facts", "evidence"),
            _PRIOR_OPTIONAL,
            events=("propose_ban",),
            code="禁告",
            needs=(
                "basis",
                "person",
                "ban",
                "deadlines.defence_window",
                "deadlines.hearing_request",
            ),
            starts="hearing_request",
            penalty="ban",
        ),
        _nt(
            "hearing_notice",
            "听证通知书",
            ("hearing_time_cn", "hearing_place", "chair"),
            ("members", "clerk", "request_date_cn", "public"),
            events=("request_hearing", "reschedule_hearing"),
            code="听",
            needs=("person",),
            replaces_earlier=True,
            penalty="ban",
        ),
        _nt(
            "ban_decision",
            "从业禁止决定书",
            ("facts", "evidence"),
            _DECISION_OPTIONAL + ("hearing_summary", "compliance"),
            events=("impose_ban",),
            code="禁决",
            needs=("basis", "person", "ban", "remedies"),
            # The ban takes effect on service: its term (and its end) starts then.
            starts="ban_end",
            serve_always=True,
            penalty="ban",
        ),
        _nt(
            "ban_lifted",
            "从业禁止期满通知书",
            (),
            ("reason", "note"),
            events=("lift_ban",),
            code="解",
            needs=("person", "ban"),
            serve_always=True,
            penalty="ban",
        ),
        _nt(
            "cascade_notice",
            "终止任职通知书",
            (),
            ("note",),
            events=("ban_cascade",),
            code="终职",
            needs=("person", "ban", "deadlines.replacement"),
            starts="replacement",
            serve_always=True,
        ),
        _nt(
            "revocation_notice",
            "撤销决定通知书",
            ("reason", "reference"),
            ("party", "follow_up"),
            events=("revoke_warning", "revoke_ban"),
            code="撤销",
            choices=(("party", ("organization", "person")),),
            serve_always=True,
        ),
    )
}


@cache
def notices_of_event(event: str) -> tuple[str, ...]:
    """The notice types ``event`` issues, in the order they are numbered."""
    return tuple(nt.key for nt in NOTICE_TYPES.values() if event in nt.events)


def get_notice_type(key: str) -> NoticeType:
    """The NoticeType for ``key``, or InvalidInput naming the known keys."""
    try:
        return NOTICE_TYPES[key]
    except (KeyError, TypeError):
        raise InvalidInput(
            f"unknown notice type {key!r}; known types: {', '.join(NOTICE_TYPES)}"
        ) from None


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple)):
        return all(is_blank(v) for v in value)
    return False


def _check_kind(key: str, name: str, value: object) -> None:
    if value is None:
        return
    if name in _FLAG_FIELDS:
        if not isinstance(value, bool):
            raise InvalidInput(f"{key} details field {name!r} must be true or false, got {value!r}")
        return
    what = f"{key} details field {name}"
    if name in _NAMES_FIELDS and isinstance(value, (list, tuple)):
        if not all(isinstance(v, str) for v in value):
            raise InvalidInput(
                f"{key} details field {name!r} must be a string or a list of strings"
            )
        if len(value) > 100:
            raise InvalidInput(f"{what} lists {len(value)} names; at most 100 are allowed")
        for item in value:
            inputs.text(item, what, inputs.PERSON_NAME)
        return
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InvalidInput(f"{key} details field {name!r} must be text, got {type(value).__name__}")
    if isinstance(value, int) and abs(value) >= 10**12:
        raise InvalidInput(f"{what} is a number of {len(str(abs(value)))} digits; give text")
    if isinstance(value, str):
        inputs.text(value, what, inputs.NOTICE_FIELD, multiline=True, blank_ok=True)


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
    unknown = sorted(repr(k) if not isinstance(k, str) else k for k in details if k not in allowed)
    if unknown:
        raise InvalidInput(
            f"{nt.key} does not take details field(s) {', '.join(unknown)}; "
            f"allowed: {', '.join(allowed)}"
        )
    missing = [f for f in nt.required_fields if is_blank(details.get(f))]
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
