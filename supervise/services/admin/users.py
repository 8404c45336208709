"""Use cases for the user directory and case assignment (service layer).

The directory says who gets mail: a case's supervisor (``cases.supervisor``, a user name)
gets its reminders, overdue notices and digest; the supervisor's ``reports_to`` gets the
escalations, and only they. Every function owns its transaction. Edits of a user are kept
in the ``edits`` table; a change of a case's supervisor is an ``assign`` entry in the
case's append-only history. Who acts is an argument, recorded with each change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from supervise import model
from supervise.errors import Conflict, InvalidInput, NotAllowed, NotFound
from supervise.inputs import DISTRICT, QUALIFICATION, REASON, USER_NAME, optional_text, text
from supervise.law import OFFICE_ROLES
from supervise.permissions import ADMIN, REVIEWER, districts_of
from supervise.redact import quoted
from supervise.runtime import Runtime
from supervise.services.admin import store
from supervise.services.cases.store import case_in_districts
from supervise.services.history.store import append_history
from supervise.services.registry.store import add_edit
from supervise.services.reminders.store import load_directory
from supervise.states import FINAL_STATES
from supervise.validation import validate_email
from supervise.views import AssignResult, UserView


def _name(value: str, what: str = "NAME") -> str:
    name = text(value, what, USER_NAME)
    if any(c.isspace() for c in name):
        raise InvalidInput(
            f"{what} {quoted(name)} must be one word (the name given to --as when this user acts)"
        )
    return name


def _role(value: str) -> str:
    if value not in OFFICE_ROLES:
        raise InvalidInput(f"unknown role {quoted(value)}; use {' or '.join(OFFICE_ROLES)}")
    return value


def _districts(values: tuple[str, ...]) -> list[str]:
    clean = [text(v, "--district", DISTRICT) for v in values]
    return sorted(set(clean))


def _qualification(value: str | None, role: str) -> str | None:
    value = optional_text(value, "--qualification", QUALIFICATION)
    if value is not None and role != REVIEWER:
        raise InvalidInput(
            "--qualification (法律职业资格证书编号) is recorded for legal reviewers only "
            "(--role legal_reviewer)"
        )
    return value


def _view(user: model.User, directory: Mapping[int, model.User]) -> UserView:
    boss = directory.get(user.reports_to_id) if user.reports_to_id is not None else None
    return UserView(
        user.id,
        user.name,
        user.email,
        user.role,
        boss.name if boss else None,
        list(user.districts or []),
        user.qualification,
        user.disabled,
    )


@dataclass(frozen=True)
class UserInput:
    """What ``user add`` takes."""

    name: str
    email: str | None = None
    role: str = "supervisor"
    reports_to: str | None = None
    districts: tuple[str, ...] = ()
    qualification: str | None = None


def add_user(rt: Runtime, actor: str, data: UserInput) -> UserView:
    """Add someone to the directory.

    Raises:
        InvalidInput: a malformed name, e-mail address, role, district or qualification.
        NotFound: ``reports_to`` names no user.
        Conflict: the name is taken.
    """
    clean = _name(data.name)
    address = None if data.email is None else validate_email(data.email)
    kind = _role(data.role)
    districts = _districts(data.districts)
    qualification = _qualification(data.qualification, kind)
    with rt.uow() as uow:
        if store.user_named(uow, clean) is not None:
            raise Conflict(f"a user named {clean} exists already; use `supervise user edit`")
        boss = (
            None
            if data.reports_to is None
            else store.get_user(uow, _name(data.reports_to, "--reports-to"))
        )
        user = _new_user(rt, clean, address, kind, boss, districts, qualification)
        uow.session.add(user)
        uow.commit()
        return _view(user, store.users_by_id(uow))


def _new_user(
    rt: Runtime,
    name: str,
    email: str | None,
    role: str,
    boss: model.User | None,
    districts: list[str],
    qualification: str | None,
) -> model.User:
    return model.User(
        name=name,
        email=email,
        role=role,
        reports_to_id=None if boss is None else boss.id,
        created_at=rt.clock.now(),
        districts=districts,
        qualification=qualification,
        disabled=False,
    )


def first_admin(rt: Runtime, actor: str, name: str) -> UserView:
    """``init --admin NAME``: the office's first administrator, while it has no enabled one.

    Raises:
        NotAllowed: an enabled admin exists (they add users with `user add`).
    """
    clean = _name(name, "--admin")
    with rt.uow() as uow:
        everyone = store.users_by_id(uow)
        admins = [u.name for u in everyone.values() if u.role == ADMIN and not u.disabled]
        if admins:
            raise NotAllowed(
                f"this office has an admin already ({', '.join(sorted(admins))}); "
                "they add users with `supervise user add NAME --role ROLE`"
            )
        user = store.user_named(uow, clean)
        if user is None:
            user = _new_user(rt, clean, None, ADMIN, None, [], None)
            uow.session.add(user)
            changes = {"created": {"old": None, "new": ADMIN}}
        else:
            changes = {"role": {"old": user.role, "new": ADMIN}}
            user.role, user.disabled = ADMIN, False
        uow.flush()
        add_edit(uow, rt.clock.now(), actor, "user", user.id, changes)
        uow.commit()
        return _view(user, store.users_by_id(uow))


def set_disabled(rt: Runtime, actor: str, name: str, disabled: bool) -> UserView:
    """Disable a user (they can no longer act; their records stay theirs) or enable them.

    Raises:
        NotFound: no such user.
        NotAllowed: disabling the last enabled admin (nobody could manage users then).
    """
    clean = _name(name)
    with rt.uow() as uow:
        user = store.get_user(uow, clean)
        everyone = store.users_by_id(uow)
        if user.disabled == disabled:
            return _view(user, everyone)
        if disabled and user.role == ADMIN:
            others = [u for u in everyone.values() if u.role == ADMIN and not u.disabled]
            if len(others) <= 1:
                raise NotAllowed(
                    f"{clean} is the last enabled admin; add another admin before disabling them"
                )
        user.disabled = disabled
        add_edit(
            uow,
            rt.clock.now(),
            actor,
            "user",
            user.id,
            {"disabled": {"old": not disabled, "new": disabled}},
        )
        uow.commit()
        return _view(user, everyone)


def list_users(rt: Runtime, actor: str) -> list[UserView]:
    with rt.uow() as uow:
        everyone = store.users_by_id(uow)
        return [_view(u, everyone) for u in sorted(everyone.values(), key=lambda u: u.name)]


def edit_user(
    rt: Runtime,
    actor: str,
    name: str,
    *,
    email: str | None = None,
    role: str | None = None,
    reports_to: str | None = None,
    no_reports_to: bool = False,
    districts: tuple[str, ...] | None = None,
    qualification: str | None = None,
    nothing_else: bool = False,
) -> UserView:
    """Change a user's e-mail, role, reports-to, districts or qualification; the old values
    stay in the edits table. ``nothing_else``: the caller changes something more (enables
    the user), so no change here is fine.

    Raises:
        InvalidInput: nothing to change, contradictory options, or a malformed value.
        NotFound: the user, or the new reports-to, does not exist.
        NotAllowed: the new reports-to would make a reporting cycle.
    """
    if reports_to is not None and no_reports_to:
        raise InvalidInput("give either --reports-to NAME or --no-reports-to, not both")
    asked = (email, role, reports_to, districts, qualification)
    if all(v is None for v in asked) and not no_reports_to:
        if nothing_else:
            with rt.uow() as uow:
                return _view(store.get_user(uow, _name(name)), store.users_by_id(uow))
        raise InvalidInput(
            "nothing to change; give --email, --role, --reports-to, --no-reports-to, "
            "--district, --all-districts, --qualification or --enable"
        )
    new: dict[str, Any] = {}
    if email is not None:
        new["email"] = validate_email(email)
    if role is not None:
        new["role"] = _role(role)
    if districts is not None:
        new["districts"] = _districts(districts)
    with rt.uow() as uow:
        user = store.get_user(uow, _name(name))
        if qualification is not None:
            new["qualification"] = _qualification(qualification, new.get("role", user.role))
        if user.role == ADMIN and new.get("role", ADMIN) != ADMIN:
            _refuse_last_admin(user, store.users_by_id(uow))
        everyone = store.users_by_id(uow)
        if no_reports_to:
            new["reports_to_id"] = None
        elif reports_to is not None:
            boss = store.get_user(uow, _name(reports_to, "--reports-to"))
            _refuse_cycle(user, boss, everyone)
            new["reports_to_id"] = boss.id
        changes: dict[str, Any] = {}
        for key, value in new.items():
            old = getattr(user, key)
            if old == value:
                continue
            label = key
            shown_old, shown_new = old, value
            if key == "reports_to_id":
                label = "reports_to"
                shown_old = everyone[old].name if old is not None else None
                shown_new = everyone[value].name if value is not None else None
            changes[label] = {"old": shown_old, "new": shown_new}
            setattr(user, key, value)
        if changes:
            add_edit(uow, rt.clock.now(), actor, "user", user.id, changes)
        uow.commit()
        return _view(user, everyone)


def _refuse_last_admin(user: model.User, everyone: Mapping[int, model.User]) -> None:
    admins = [u for u in everyone.values() if u.role == ADMIN and not u.disabled]
    if not user.disabled and len(admins) <= 1:
        raise NotAllowed(
            f"{user.name} is the last enabled admin; add another admin before changing their role"
        )


def _refuse_cycle(user: model.User, boss: model.User, everyone: Mapping[int, model.User]) -> None:
    seen: list[str] = [user.name]
    current: model.User | None = boss
    while current is not None:
        seen.append(current.name)
        if current.id == user.id:
            chain = " -> ".join(seen)
            raise NotAllowed(
                f"{user.name} cannot report to {boss.name}: that makes a reporting cycle ({chain})"
            )
        current = everyone.get(current.reports_to_id) if current.reports_to_id else None


def assign_case(
    rt: Runtime, actor: str, case_id: int, name: str, reason: str | None = None
) -> AssignResult:
    """Make ``name`` the supervisor of the case, as an ``assign`` entry in its history.

    Raises:
        NotFound: no such case or user.
        NotAllowed: the case is closed, or already assigned to that user.
        Conflict: the case changed at the same moment; retry.
    """
    clean = _name(name, "USER")
    reason = optional_text(reason, "--reason", REASON)
    now = rt.clock.now()
    with rt.uow() as uow:
        case_in_districts(uow, case_id, districts_of(actor))
        case = uow.session.get(model.Case, case_id)
        if case is None:
            raise NotFound(f"no case with id {case_id}; see `supervise case list`")
        store.get_user(uow, clean)
        if case.state in FINAL_STATES:
            raise NotAllowed(
                f"case {case_id} is closed (state {case.state.value}); it needs no supervisor"
            )
        previous = case.supervisor
        if previous == clean:
            raise NotAllowed(f"case {case_id} is already assigned to {clean}")
        case.supervisor = clean
        append_history(
            uow,
            case,
            "assign",
            at=max(now, case.last_event_at),
            by=actor,
            before=case.state,
            reason=reason,
            data={"from": previous, "to": clean},
        )
        uow.commit()
        return AssignResult(case.id, clean, previous, case.seq)


def directory_check(rt: Runtime) -> tuple[bool, str]:
    """(ok, what to say): can every open case's supervisor be mailed and escalated to?"""
    with rt.uow() as uow:
        directory = load_directory(uow)
        supervisors = store.supervisors_of_open_cases(uow)
    unknown = [s or "(none)" for s in supervisors if directory.get(s) is None]
    bossless = [s for s in supervisors if s and directory.get(s) and not directory.boss_of(s)]
    problems: list[str] = []
    if unknown:
        problems.append(
            f"supervisors of open cases not in the user directory (they get no reminders): "
            f"{', '.join(unknown)}; `supervise user add NAME --email ADDR`"
        )
    if bossless:
        problems.append(
            f"supervisors without reports-to (their overdue deadlines escalate to nobody): "
            f"{', '.join(bossless)}; `supervise user edit NAME --reports-to BOSS`"
        )
    if problems:
        return False, "; ".join(problems)
    return True, f"{len(directory.by_name)} users; every open case's supervisor can be reached"
