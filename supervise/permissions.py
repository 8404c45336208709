"""Who may do what: the one declarative permission table (domain layer; no framework).

Every command of the program and every event of the state machine is a row here: the
roles allowed to do it. The services enforce it in one place (``services/admin/access``),
``supervise permissions`` prints it, and the README's table is generated from it (a test
checks that the README matches). A command of a later issue registers itself by adding its
row: an action missing from the table is refused to everyone, so nothing is open by
omission.

The roles (``OFFICE_ROLES`` in ``law.py``): viewers read; supervisors (承办人, the cases'
investigators) schedule and record interviews, accept rectification, serve notices and
propose penalties; legal reviewers (法制审核人员) review; directors (局领导) decide
(warnings, replacements, bans) and may do what supervisors do; admins manage users,
calendars and the installation but cannot advance cases.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from supervise.errors import NotAllowed
from supervise.law import OFFICE_ROLES
from supervise.states import EVENTS, INTERNAL_EVENTS

VIEWER, SUPERVISOR, REVIEWER, DIRECTOR, ADMIN = (
    "viewer",
    "supervisor",
    "legal_reviewer",
    "director",
    "admin",
)
ROLES: tuple[str, ...] = tuple(OFFICE_ROLES)
assert set(ROLES) == {VIEWER, SUPERVISOR, REVIEWER, DIRECTOR, ADMIN}

_EVERYONE = frozenset(ROLES)
_CASEWORK = frozenset({SUPERVISOR, DIRECTOR})
_DECIDERS = frozenset({DIRECTOR})
_ADMINS = frozenset({ADMIN})

#: The actor recorded for what the program does on its own (the reminder sweep's lift_ban).
SYSTEM_ACTOR = "scheduler"


@dataclass(frozen=True)
class Permission:
    """One row of the table: an action, the roles that may do it, and why."""

    action: str
    roles: frozenset[str]
    why: str

    def allows(self, role: str) -> bool:
        return role in self.roles


def _rows(actions: Iterable[str], roles: frozenset[str], why: str) -> dict[str, Permission]:
    return {a: Permission(a, roles, why) for a in actions}


#: Events of the case machine (``case advance CASE EVENT``), by who takes them.
_SUPERVISOR_EVENTS = (
    "appoint",
    "schedule_interview",
    "reschedule_interview",
    "cancel_interview",
    "record_interview",
    "accept_rectification",
    "propose_warning",
    "record_statement",
    "propose_replacement",
    "confirm_replacement",
    "propose_ban",
    "request_hearing",
    "reschedule_hearing",
    "record_hearing",
    "leave",
)
_DIRECTOR_EVENTS = (
    "issue_warning",
    "drop_warning",
    "order_replacement",
    "drop_replacement",
    "impose_ban",
    "drop_ban",
    "lift_ban",
    "revoke_warning",
    "revoke_ban",
    "record_court_ban",
)

PERMISSIONS: dict[str, Permission] = {
    # -- reading ---------------------------------------------------------------------------
    **_rows(
        (
            "case.show",
            "case.list",
            "case.next",
            "org.show",
            "org.list",
            "person.show",
            "person.list",
            "person.find",
            "bans.check",
            "bans.list",
            "notice.list",
            "notice.render",
            "notice.receipt_form",
            "notice.verify",
            "calendar.show",
            "agenda",
            "config.show",
            "doctor",
            "remind.status",
            "remind.list",
            "remind.run",
            "scheduler",
            "audit.verify",
            "audit.anchor",
        ),
        _EVERYONE,
        "reading, and the reminder sweep (it only sends what is due), are open to every "
        "role (within the user's districts)",
    ),
    # -- case work -------------------------------------------------------------------------
    **_rows(
        (f"event:{e}" for e in _SUPERVISOR_EVENTS),
        _CASEWORK,
        "investigators (承办人) and directors take the steps of an investigation",
    ),
    **_rows(
        (f"event:{e}" for e in _DIRECTOR_EVENTS),
        _DECIDERS,
        "only the bureau's heads decide penalties and their end (行政处罚法 Art. 57)",
    ),
    **_rows(
        ("org.add", "org.edit", "person.add", "person.edit", "notice.serve"),
        _CASEWORK,
        "investigators keep the registry and serve notices",
    ),
    # -- the bureau's view (issue 12) ------------------------------------------------------
    **_rows(
        ("area.list", "contract.list", "contract.show"),
        _EVERYONE,
        "reading the areas and the service contracts is open to every role",
    ),
    **_rows(
        ("org.link", "org.unlink", "org.advance", "contract.add", "evaluate"),
        _CASEWORK,
        "investigators and directors keep the organizations' programme records; restore and "
        "exit (closing an exit review) are for directors, checked by the lifecycle service",
    ),
    **_rows(
        ("report.cases", "report.coverage", "report.contracts"),
        _EVERYONE,
        "reading figures is open to every role, within their districts",
    ),
    "export": Permission(
        "export",
        frozenset({DIRECTOR, ADMIN}),
        "a whole register leaves the office by a director's or an admin's hand",
    ),
    "import": Permission(
        "import", _CASEWORK | _ADMINS, "investigators, directors and admins keep the registers"
    ),
    "area.import": Permission(
        "area.import", _ADMINS | _DECIDERS, "the townships are the office's reference data"
    ),
    "review": Permission(
        "review",
        frozenset({REVIEWER}),
        "legal review (法制审核) is made by the staff doing that job (行政处罚法 Art. 58)",
    ),
    "discuss": Permission(
        "discuss",
        _DECIDERS,
        "the bureau's heads decide heavy penalties collectively (行政处罚法 Art. 57)",
    ),
    "bans.add": Permission("bans.add", _DECIDERS, "a court's ban is recorded by a director"),
    "audit.export": Permission(
        "audit.export",
        frozenset({DIRECTOR, ADMIN}),
        "the record leaves the office by a director's or an admin's hand",
    ),
    "person.reveal": Permission(
        "person.reveal",
        _DECIDERS,
        "a full ID number is shown to a director only, and every reveal is audited",
    ),
    "keys.rotate": Permission(
        "keys.rotate", _ADMINS, "admins manage users, calendars, the installation and its keys"
    ),
    "case.assign": Permission(
        "case.assign", frozenset({DIRECTOR, ADMIN}), "directors and admins assign cases"
    ),
    # -- the installation ------------------------------------------------------------------
    **_rows(
        (
            "init",
            "user.add",
            "user.edit",
            "user.disable",
            "calendar.load",
            "backup",
            "restore",
            "remind.retry",
        ),
        _ADMINS,
        "admins manage users, calendars, the installation and its keys",
    ),
    "user.list": Permission(
        "user.list", frozenset({DIRECTOR, ADMIN}), "directors and admins see the directory"
    ),
}

assert set(_SUPERVISOR_EVENTS) | set(_DIRECTOR_EVENTS) == set(EVENTS) - set(INTERNAL_EVENTS)


#: The events a user may ask for (the internal ones are the program's own).
EVENT_ACTIONS: frozenset[str] = frozenset(_SUPERVISOR_EVENTS + _DIRECTOR_EVENTS)


def event_action(event: str) -> str:
    """The table's name for a case event."""
    return f"event:{event}"


def allows(role: str, action: str) -> bool:
    """Whether the table lets ``role`` do ``action``."""
    rule = PERMISSIONS.get(action)
    return rule is not None and rule.allows(role)


def refusal(name: str, role: str, action: str) -> str | None:
    """Why ``role`` may not do ``action`` (naming the rule), or None when it may."""
    rule = PERMISSIONS.get(action)
    if rule is None:
        return f"no permission rule lets anyone do {action}"
    if rule.allows(role):
        return None
    who = " or ".join(sorted(rule.roles))
    return (
        f"{name} ({role}) may not do {action}: permission rule {action} allows {who} "
        f"({rule.why}); see `supervise permissions`"
    )


class Actor(str):
    """Who is acting: the name (what history records) with the user's role and districts.

    A ``str``, so that every service that records the actor takes it unchanged; the ones
    that scope what they read (cases, organizations, the agenda) read ``districts``.
    ``role`` is None when the database has no users yet (a fresh office before
    ``init --admin``): nothing is enforced then.
    """

    role: str | None
    districts: tuple[str, ...]

    def __new__(cls, name: str, role: str | None = None, districts: Iterable[str] = ()) -> Actor:
        self = super().__new__(cls, name)
        self.role = role
        self.districts = tuple(districts)
        return self


class Claim(str):
    """Who says they are acting, not yet checked: the name and the action they ask for.

    A service given a claim checks it against the user directory in the same statement that
    reads what it works on (an advance reads the acting user with the case), and from then
    on acts as the :class:`Actor` the check returns.
    """

    action: str

    def __new__(cls, name: str, action: str) -> Claim:
        self = super().__new__(cls, name)
        self.action = action
        return self


def districts_of(actor: str) -> tuple[str, ...] | None:
    """The districts ``actor`` is limited to, or None when they see every district."""
    if isinstance(actor, Actor) and actor.districts:
        return actor.districts
    return None


def check(actor: Actor, action: str) -> None:
    """Raise ``NotAllowed`` naming the rule when ``actor`` may not do ``action``."""
    if actor.role is None:
        return
    why = refusal(str(actor), actor.role, action)
    if why is not None:
        raise NotAllowed(why, rule=action)


def table() -> list[dict[str, object]]:
    """The table as rows (``supervise permissions --json``, the README)."""
    return [
        {"action": p.action, "roles": [r for r in ROLES if r in p.roles], "why": p.why}
        for p in sorted(PERMISSIONS.values(), key=lambda p: p.action)
    ]


def markdown() -> str:
    """The README's permission table, generated (a test compares it with the README)."""
    lines = [
        "| action | " + " | ".join(ROLES) + " |",
        "|---|" + "---|" * len(ROLES),
    ]
    for row in table():
        roles = row["roles"]
        assert isinstance(roles, list)
        marks = " | ".join("✓" if r in roles else "" for r in ROLES)
        lines.append(f"| `{row['action']}` | {marks} |")
    return "\n".join(lines)
