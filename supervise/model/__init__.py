"""Domain objects: organizations, persons, leadership cases, deadlines, history, bans.

Domain layer: plain Python classes. The database mapping lives in ``adapters/orm``
(imperative mapping), so nothing here imports SQLAlchemy.
"""

from __future__ import annotations

from supervise.model.bureau import (
    Area,
    Contract,
    ContractTownship,
    Evaluation,
    InstitutionLink,
    OrgHistoryEntry,
    OrgTownship,
)
from supervise.model.cases import (
    Case,
    Deadline,
    HistoryEntry,
    Notice,
    NoticeService,
)
from supervise.model.office import (
    AuditEntry,
    CalendarYear,
    OutboxMessage,
    User,
)
from supervise.model.registry import (
    Ban,
    Edit,
    Organization,
    Person,
)

__all__ = [
    "Area",
    "AuditEntry",
    "Ban",
    "CalendarYear",
    "Case",
    "Contract",
    "ContractTownship",
    "Deadline",
    "Edit",
    "Evaluation",
    "HistoryEntry",
    "InstitutionLink",
    "Notice",
    "NoticeService",
    "OrgHistoryEntry",
    "OrgTownship",
    "Organization",
    "OutboxMessage",
    "Person",
    "User",
]
