"""The events of the two state machines (``supervise/states.py``) as people read them: the
Chinese and English names, and the inputs the CLI asks for. A table, kept beside the
machines' definitions and re-exported by ``states``.

Domain layer: imports nothing but the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EventInfo:
    """Display names and the CLI inputs an event needs."""

    zh: str
    en: str
    needs: tuple[str, ...] = ()


EVENTS: dict[str, EventInfo] = {
    "appoint": EventInfo("任职", "appoint"),
    "schedule_interview": EventInfo("安排约谈", "schedule interview", ("date",)),
    "reschedule_interview": EventInfo("改期约谈", "reschedule interview", ("date",)),
    "cancel_interview": EventInfo("取消约谈", "cancel interview", ("reason",)),
    "record_interview": EventInfo("记录约谈", "record interview"),
    "accept_rectification": EventInfo("验收整改", "accept rectification"),
    "propose_warning": EventInfo("事先告知拟警告", "propose warning"),
    "record_statement": EventInfo("记录陈述申辩", "record statement"),
    "issue_warning": EventInfo("作出警告决定", "issue warning"),
    "drop_warning": EventInfo("不予警告", "drop warning", ("reason",)),
    "propose_replacement": EventInfo("事先告知拟责令撤换", "propose replacement"),
    "order_replacement": EventInfo("责令撤换", "order replacement"),
    "drop_replacement": EventInfo("不予责令撤换", "drop replacement", ("reason",)),
    "confirm_replacement": EventInfo("确认已撤换", "confirm replacement"),
    "propose_ban": EventInfo("事先告知拟从业禁止", "propose ban", ("years",)),
    "request_hearing": EventInfo("申请听证", "request hearing", ("date",)),
    "reschedule_hearing": EventInfo("改期听证", "reschedule hearing", ("date",)),
    "record_hearing": EventInfo("记录听证", "record hearing"),
    "impose_ban": EventInfo("作出从业禁止决定", "impose ban", ("years",)),
    "record_court_ban": EventInfo(
        "登记法院从业禁止", "record court ban", ("judgment", "court", "from")
    ),
    "drop_ban": EventInfo("不予从业禁止", "drop ban", ("reason",)),
    "lift_ban": EventInfo("从业禁止期满", "lift ban"),
    "revoke_warning": EventInfo("撤销警告", "revoke warning", ("reason", "reference")),
    "revoke_ban": EventInfo("撤销从业禁止", "revoke ban", ("reason", "reference")),
    "leave": EventInfo("离任", "leave", ("reason",)),
    "ban_cascade": EventInfo("因从业禁止责令撤换", "ban cascade"),
}


ORG_EVENTS: dict[str, EventInfo] = {
    "register": EventInfo("登记", "register"),
    "activate": EventInfo("开展服务", "activate"),
    "open_review": EventInfo("启动退出评估", "open exit review", ("reason",)),
    "restore": EventInfo("评估通过，恢复运行", "restore", ("reason",)),
    "exit": EventInfo("退出", "exit", ("reason",)),
}
