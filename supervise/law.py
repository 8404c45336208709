"""The legal vocabulary: what the law knows, as data (domain layer; imports nothing of ours).

Everything here is a fact of law or of the office's procedure that more than one part of
the program reads: the kinds of organization, the penalties, the shape of a legal basis and
of a legal period, the kinds of deadline and how each is counted and met, which events
propose and which decide a penalty, how notices are served. ``config`` loads the
office's settings into these types, ``rules`` reasons with them, and the notice types
(``notices/types.py``) and the reminder plan (``reminder_plan.py``) refer to them by key.

Sources are in ``../shared/DOMAIN.md``; where it marks a fact UNVERIFIED, the fact is a
setting (``config.yaml``), not a constant here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# --- organizations -----------------------------------------------------------------------

#: The three registration regulations' kinds of social organization.
ORG_KINDS: dict[str, str] = {
    "social-group": "社会团体",
    "service-org": "社会服务机构",
    "foundation": "基金会",
}

# --- the bureau --------------------------------------------------------------------------------

#: The roles of the bureau's users: who supervises cases, and who decides (and is escalated to).
OFFICE_ROLES: dict[str, str] = {
    "viewer": "查阅人员",
    "supervisor": "科员（承办人）",
    "legal_reviewer": "法制审核人员",
    "director": "科长/局领导",
    "admin": "系统管理员",
}

# --- penalties and their bases ------------------------------------------------------------

#: What a legal basis may allow (行政处罚法 Art. 9; a court's ban under 刑法 Art. 37-1).
PENALTIES: tuple[str, ...] = ("warning", "replacement", "ban", "court_ban")
PENALTY_ZH: dict[str, str] = {
    "warning": "警告",
    "replacement": "责令撤换直接负责的主管人员",
    "ban": "从业禁止",
}
#: Who a ban bars, by its scope.
BAN_SCOPES: dict[str, str] = {
    "charity": "担任慈善组织的管理人员",
    "all": "从事密切接触未成年人的工作",
}


#: Why a banned person's other post must end, by the ban's scope: no penalty on the
#: organization (it did nothing wrong), the law that bars the person from the post.
CASCADE_BASIS: dict[str, str] = {
    "charity": "《中华人民共和国慈善法》第一百一十二条（被禁止担任慈善组织管理人员的，在禁止期限内"
    "不得担任慈善组织的管理人员）",
    "all": "《中华人民共和国未成年人保护法》第六十二条（密切接触未成年人的单位发现其工作人员具有"
    "性侵害、虐待、拐卖、暴力伤害等违法犯罪记录的，应当及时解聘）",
}


@dataclass(frozen=True)
class Period:
    """A legal period: N working days or N calendar days, with what it rests on."""

    workdays: int | None = None
    calendar_days: int | None = None
    basis: str = ""


@dataclass(frozen=True)
class Periods:
    """The periods the office counts (行政处罚法 Art. 85: its 二、三、五、七日 are working days)."""

    interview_notice: Period
    rectification: Period
    defence_window: Period
    decision: Period
    replacement: Period
    hearing_request: Period
    hearing_notice: Period
    service: Period


@dataclass(frozen=True)
class BanTerm:
    """The term a basis allows for a ban, and which organizations the ban bars."""

    min_years: int
    max_years: int
    lifelong: bool = False
    scope: Literal["charity", "all"] = "charity"


@dataclass(frozen=True)
class Provision:
    """A provision a party may have breached: its citation to the item, and its conduct."""

    cite: str  # 《社会团体登记管理条例》第三十条第一款第（三）项
    conduct: str = ""  # 拒不接受或者不按照规定接受监督检查


@dataclass(frozen=True)
class Basis:
    """A legal basis for a penalty: a law, regulation or rule (行政处罚法 Art. 16)."""

    citation: str
    allows: tuple[str, ...]
    kinds: tuple[str, ...]
    charity_only: bool = False
    ban: BanTerm | None = None
    title: str = ""
    #: The day the provision took effect (ISO date), and whether it is lighter than the law
    #: before it, so that it applies to earlier conduct too (行政处罚法 Art. 37, 从旧兼从轻).
    effective: str | None = None
    lighter: bool = False
    #: Penalties under this basis whose prior notice offers a hearing (行政处罚法 Art. 63:
    #: "其他较重的行政处罚"), beyond a ban (限制从业), which always has one. Whether 责令撤换
    #: is heavier in this sense is the office's reading: a setting per basis.
    hearing: tuple[str, ...] = ()
    #: The provisions whose breach this basis penalizes, by key (``--breach KEY``): each the
    #: 条、款、项 with the law's name, and what conduct it covers. The documents say which
    #: was breached apart from ``citation``, the provision that imposes the penalty.
    provisions: dict[str, Provision] = field(default_factory=dict)

    def grants_hearing(self, penalty: str) -> bool:
        return penalty == "ban" or penalty in self.hearing


@dataclass(frozen=True)
class Measure:
    """The size of a penalty that its prior notice must state and its decision may not
    exceed (行政处罚法 Arts. 44, 45, 62): a ban's years today; a fine's yuan tomorrow.

    ``option`` is the event option giving it (``--years``), ``unit_zh`` how the documents
    write its unit after a Chinese numeral (三年).
    """

    option: str
    unit_zh: str
    unit: str


#: The penalties whose proposal states a measure, and the measure.
PENALTY_MEASURES: dict[str, Measure] = {"ban": Measure("years", "年", "years")}

#: Where a proposed measure is stated and where it is checked: the basis of the rule.
MEASURE_RULE = (
    "《中华人民共和国行政处罚法》第四十四条、第四十五条、第六十二条：事先告知的是拟作出的"
    "具体处罚，不得因当事人陈述、申辩而加重，未经告知不得作出处罚决定"
)

#: Art. 59(一): a decision names the party with its name and address.
PARTY_RULE = "《中华人民共和国行政处罚法》第五十九条第一款第（一）项：当事人的姓名或者名称、地址"

#: Art. 37: the law in force when the conduct happened, unless the new one is lighter; Art. 36:
#: the longest limitation period (five years), beyond which no older conduct is punished.
LAW_IN_FORCE_RULE = (
    "《中华人民共和国行政处罚法》第三十七条：实施行政处罚，适用违法行为发生时的法律、法规、"
    "规章的规定；但是，作出行政处罚决定时，法律、法规、规章已被修改或者废止，且新的规定处罚"
    "较轻或者不认为是违法的，适用新的规定"
)
LONGEST_LIMITATION_YEARS = 5

#: Art. 64(二), Art. 85: the hearing's time and place are notified seven working days ahead.
HEARING_NOTICE_RULE = "《中华人民共和国行政处罚法》第六十四条第（二）项、第八十五条"

# --- events that the law names --------------------------------------------------------------

#: The penalty each event proposes, decides or records.
PENALTY_OF_EVENT: dict[str, str] = {
    "propose_warning": "warning",
    "issue_warning": "warning",
    "propose_replacement": "replacement",
    "order_replacement": "replacement",
    "propose_ban": "ban",
    "impose_ban": "ban",
    "record_court_ban": "court_ban",
}
#: Prior notice of a penalty (事先告知, Art. 44): the proceeding's basis is chosen here.
PROPOSAL_EVENTS: frozenset[str] = frozenset(
    {"propose_warning", "propose_replacement", "propose_ban"}
)
#: The decision of a penalty (Art. 57): it rests on the proposal's basis.
DECISION_EVENTS: frozenset[str] = frozenset({"issue_warning", "order_replacement", "impose_ban"})
#: The penalty a decision setting aside (撤销) is about.
REVOKED_PENALTY: dict[str, str] = {"revoke_warning": "warning", "revoke_ban": "ban"}
#: Events that replace a fixed date by a new one, and the deadline kind they move.
RESCHEDULING_EVENTS: dict[str, str] = {
    "reschedule_interview": "interview",
    "reschedule_hearing": "hearing",
}
#: Events that end a banned case, and what they make of its bans in the registry.
BAN_ENDINGS: dict[str, str] = {"lift_ban": "ended", "revoke_ban": "revoked"}
#: Events that enter a ban in the registry.
BAN_EVENTS: frozenset[str] = frozenset({"impose_ban", "record_court_ban"})

# --- deadlines ------------------------------------------------------------------------------

Nature = Literal["office", "window", "term"]


@dataclass(frozen=True)
class DeadlineKind:
    """One kind of time limit.

    ``nature``: ``office`` is the bureau's own deadline (it escalates when missed),
    ``window`` a party's window (its close makes the next step possible), ``term`` a ban's
    end. ``period`` names the setting in ``periods`` it is counted under (its legal basis);
    ``from_service`` means the law counts it from the day its notice is served (送达), so it
    waits until then; ``resolved_by`` lists the events that deal with it; ``command`` is
    what meets it when no case event does.
    """

    key: str
    nature: Nature
    zh: str
    period: str | None = None
    from_service: bool = False
    resolved_by: tuple[str, ...] = ()
    command: str | None = None


_DECIDE_OR_DROP = (
    "issue_warning",
    "order_replacement",
    "impose_ban",
    "drop_warning",
    "drop_replacement",
    "drop_ban",
)

DEADLINE_KINDS: dict[str, DeadlineKind] = {
    k.key: k
    for k in (
        DeadlineKind(
            "interview",
            "office",
            "约谈日期",
            "interview_notice",
            resolved_by=("record_interview", "reschedule_interview", "cancel_interview"),
        ),
        DeadlineKind(
            "rectification",
            "office",
            "整改期限",
            "rectification",
            from_service=True,
            resolved_by=("accept_rectification",),
        ),
        DeadlineKind(
            "defence_window",
            "window",
            "陈述申辩期限",
            "defence_window",
            from_service=True,
            resolved_by=("record_statement", "issue_warning", "order_replacement"),
        ),
        DeadlineKind(
            "decision", "office", "作出处罚决定期限", "decision", resolved_by=_DECIDE_OR_DROP
        ),
        DeadlineKind(
            "replacement",
            "office",
            "撤换期限",
            "replacement",
            from_service=True,
            resolved_by=("confirm_replacement",),
        ),
        DeadlineKind(
            "hearing_request",
            "window",
            "听证申请期限",
            "hearing_request",
            from_service=True,
            resolved_by=("request_hearing",),
        ),
        DeadlineKind(
            "hearing",
            "office",
            "听证日期",
            "hearing_notice",
            resolved_by=("record_hearing", "reschedule_hearing"),
        ),
        DeadlineKind("ban_end", "term", "从业禁止期满"),
        DeadlineKind(
            "service",
            "office",
            "文书送达期限",
            "service",
            command="supervise notice list --case {case}",
        ),
    )
}
#: Windows the law counts from service (送达), not from the action.
FROM_SERVICE: frozenset[str] = frozenset(k for k, v in DEADLINE_KINDS.items() if v.from_service)
#: Natures whose passed deadline is overdue (a passed window is not: it made a step possible).
OVERDUE_NATURES: tuple[str, ...] = ("office", "term")

# --- service of documents (送达) ------------------------------------------------------------

SERVICE_METHODS: dict[str, str] = {
    "direct": "直接送达",
    "lodged": "留置送达",
    "mail": "邮寄送达",
    "electronic": "电子送达",
    "public": "公告送达",
}
#: Methods whose proof is the 送达回证 signed by the recipient (or, when lodged, by the
#: witnesses): recording them needs its scan, or an explicit reason why there is none.
RECEIPT_METHODS: frozenset[str] = frozenset({"direct", "lodged"})
#: 民事诉讼法: a document published for public service counts as served 30 days later.
PUBLIC_NOTICE_DAYS = 30

# --- remedies (行政复议法 2023 Art. 20, 行政诉讼法 Art. 46) -----------------------------------

REVIEW_DAYS = 60
LAWSUIT_MONTHS = 6
