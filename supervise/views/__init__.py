"""Every read model the services return (built inside the transaction, no ORM objects).

Each view knows its JSON form, so the CLI's ``--json`` output, the library API and the tests
share one definition. Times are ISO 8601 with the configured zone's offset. Domain-adjacent:
imports the domain classes only to copy them into views.
"""

from __future__ import annotations

from supervise.views.admin import (
    AssignResult,
    AuditReport,
    BackupView,
    Check,
    InitResult,
    Recomputed,
    RotationReport,
    UserView,
    YearView,
)
from supervise.views.base import day, iso
from supervise.views.bureau import (
    ContractView,
    EvaluationView,
)
from supervise.views.cases import (
    AdvanceResult,
    CaseView,
    DeadlineView,
    HistoryView,
    NextEvent,
)
from supervise.views.notices import (
    NoticeView,
    Rendered,
    Served,
)
from supervise.views.registry import (
    AreaImport,
    AreaView,
    BanView,
    DistrictView,
    LinkView,
    OrgAdvanceResult,
    OrgEventView,
    OrgView,
    PersonView,
)
from supervise.views.reminders import (
    AgendaItem,
    Delivered,
    DeliveryReport,
    Lifted,
    MessageView,
    OutboxStatus,
    Queued,
    QueueReport,
    RunReport,
)

__all__ = [
    "AdvanceResult",
    "AgendaItem",
    "AreaImport",
    "AreaView",
    "AssignResult",
    "AuditReport",
    "BackupView",
    "BanView",
    "CaseView",
    "Check",
    "ContractView",
    "DeadlineView",
    "Delivered",
    "DeliveryReport",
    "DistrictView",
    "EvaluationView",
    "HistoryView",
    "InitResult",
    "Lifted",
    "LinkView",
    "MessageView",
    "NextEvent",
    "NoticeView",
    "OrgAdvanceResult",
    "OrgEventView",
    "OrgView",
    "OutboxStatus",
    "PersonView",
    "QueueReport",
    "Queued",
    "Recomputed",
    "RotationReport",
    "Rendered",
    "RunReport",
    "Served",
    "UserView",
    "YearView",
    "day",
    "iso",
]
