"""Every read model the services return (built inside the transaction, no ORM objects).

Each view knows its JSON form, so the CLI's ``--json`` output, the library API and the tests
share one definition. Times are ISO 8601 with the configured zone's offset. Domain-adjacent:
imports the domain classes only to copy them into views.

Names are loaded on first use (PEP 562): a command that shows a case loads the case views
only, not the reminders', the bureau's and the office's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
    from supervise.views.base import (
        day,
        iso,
    )
    from supervise.views.bureau import (
        ContractView,
        EvaluationView,
    )
    from supervise.views.cases import (
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
    from supervise.views.orgs import (
        AreaImport,
        AreaView,
        DistrictView,
        OrgAdvanceResult,
        OrgEventView,
    )
    from supervise.views.registry import (
        BanView,
        LinkView,
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
    from supervise.views.steps import (
        AdvanceResult,
        ScrutinyResult,
    )

#: Which module of this package defines each view.
_WHERE: dict[str, str] = {
    "AdvanceResult": "steps",
    "AgendaItem": "reminders",
    "AreaImport": "orgs",
    "AreaView": "orgs",
    "AssignResult": "admin",
    "AuditReport": "admin",
    "BackupView": "admin",
    "BanView": "registry",
    "CaseView": "cases",
    "Check": "admin",
    "ContractView": "bureau",
    "DeadlineView": "cases",
    "Delivered": "reminders",
    "DeliveryReport": "reminders",
    "DistrictView": "orgs",
    "EvaluationView": "bureau",
    "HistoryView": "cases",
    "InitResult": "admin",
    "Lifted": "reminders",
    "LinkView": "registry",
    "MessageView": "reminders",
    "NextEvent": "cases",
    "ScrutinyResult": "steps",
    "NoticeView": "notices",
    "OrgAdvanceResult": "orgs",
    "OrgEventView": "orgs",
    "OrgView": "registry",
    "OutboxStatus": "reminders",
    "PersonView": "registry",
    "QueueReport": "reminders",
    "Queued": "reminders",
    "Recomputed": "admin",
    "RotationReport": "admin",
    "Rendered": "notices",
    "RunReport": "reminders",
    "Served": "notices",
    "UserView": "admin",
    "YearView": "admin",
    "day": "base",
    "iso": "base",
}

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
    "ScrutinyResult",
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


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    # __import__, not importlib.import_module: ``-X importtime`` (tests/perf) sees only the
    # former, and a lazily loaded module must not hide what it imports.
    value = getattr(__import__(f"{__name__}.{module}", fromlist=[name]), name)
    globals()[name] = value
    return value
