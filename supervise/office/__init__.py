"""The library API: one :class:`Office` per database, every use case as a method.

Entry-point layer, like the CLI (which is a thin layer over this class). Each method takes
who is acting (``actor=``; the default given to :func:`supervise.open`, if any), calls one
service, and returns the same views that ``--json`` prints (``supervise.views``); refusals
raise the same errors (``supervise.errors``), each with its ``kind``. Service modules are
imported by the methods that use them, so that reading a case never loads the code that
issues notices or sends mail.

Example::

    import supervise

    with supervise.open("sqlite:///cases.db", actor="zhang") as office:
        view = office.case(1)
        result = office.advance(1, "propose_warning", facts="未按期报送年度工作报告",
                                details={"evidence": "年度检查记录"})
        print(result.to_state, [n for _, _, n in result.notices])
"""

from __future__ import annotations

from supervise.office.admin import AdminDesk
from supervise.office.bureau import BureauDesk
from supervise.office.cases import EVENT_INPUTS, CaseDesk, merge_details
from supervise.office.notices import NoticeDesk
from supervise.office.registry import RegistryDesk
from supervise.office.reminders import ReminderDesk

__all__ = ["EVENT_INPUTS", "Office", "merge_details"]


class Office(CaseDesk, NoticeDesk, RegistryDesk, BureauDesk, ReminderDesk, AdminDesk):
    """A supervision office's cases, registry, notices and reminders on one database.

    Each desk (a module of this package) holds one capability's methods."""
