"""The law as rules: guards on events, legal bases, and the deadlines each state opens.

Domain layer: imports the legal vocabulary (``law``), the state table and the working-day
calendar; no database, CLI or mail code. Every function is pure: it takes what it needs
(the case's facts, the time, the settings) and answers.
"""

from __future__ import annotations

from supervise.rules.bases import (
    basis_fits,
    breached,
    choose_basis,
    fitting_bases,
)
from supervise.rules.facts import (
    BanRecord,
    CaseFacts,
    CaseRecord,
    DeadlineRecord,
    OpenDeadline,
    Params,
    Refusal,
    Rulebook,
    S,
    case_facts,
)
from supervise.rules.guards import (
    add_years,
    check_params,
    court_ban_without_post,
    require_inputs,
    time_guard,
)
from supervise.rules.measures import (
    check_law_in_force,
    check_measure,
    hearing_notice_refusal,
)

__all__ = [
    "BanRecord",
    "CaseFacts",
    "CaseRecord",
    "DeadlineRecord",
    "OpenDeadline",
    "Params",
    "Refusal",
    "Rulebook",
    "S",
    "add_years",
    "breached",
    "basis_fits",
    "case_facts",
    "check_law_in_force",
    "check_measure",
    "check_params",
    "choose_basis",
    "court_ban_without_post",
    "fitting_bases",
    "hearing_notice_refusal",
    "require_inputs",
    "time_guard",
]
